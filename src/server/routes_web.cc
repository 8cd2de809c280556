// The web page: GET / (web/index.html) and GET /app/<path> (every other file
// of web/), from the copies embedded at build time (cmake/embed_web.cmake,
// server/web_assets.h). Nothing is read from disk at run time.
//
// Each reply carries its Content-Type, a strong ETag (If-None-Match gives
// 304), Cache-Control: no-cache (the browser keeps a copy but asks each time,
// so a new binary's page is never mixed with an old script), and the
// security headers: a Content-Security-Policy that allows only this origin
// (no inline script or style, no framing), Referrer-Policy, X-Frame-Options
// and Permissions-Policy. X-Content-Type-Options: nosniff is added to every
// response by the server (server.cc).
//
// Thread safety: the handlers read only immutable static data.
#include <string>
#include <string_view>

#include "server/http_util.h"
#include "server/server_context.h"
#include "server/web_assets.h"

namespace norotriage::server {
namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when an If-None-Match header names `etag` (or is "*"). Weak
// validators (W/"…") match too, as RFC 9110 13.1.2 asks for GET.
bool NoneMatch(const HttpRequest& req, std::string_view etag) {
  if (!req.has_header("If-None-Match")) return false;
  std::string_view rest = req.headers.Get("If-None-Match");
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view tag = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

void ServeAsset(const WebAsset& asset, const HttpRequest& req, HttpResponse& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Cross-Origin-Resource-Policy", "same-origin");
  res.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", std::string(asset.etag));
  if (NoneMatch(req, asset.etag)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_static_content(std::string_view(reinterpret_cast<const char*>(asset.data), asset.size), asset.content_type);
}

}  // namespace

void RegisterWebRoutes(Router& http, ServerContext&) {
  for (const WebAsset& asset : WebAssets()) {
    const WebAsset* a = &asset;  // static storage: outlives the server
    auto handler = [a](const HttpRequest& req, HttpResponse& res) { ServeAsset(*a, req, res); };
    if (asset.path == "index.html") AddRoute(http, "GET", "/", handler);
    AddRoute(http, "GET", "/app/" + std::string(asset.path), handler);
  }
}

}  // namespace norotriage::server
