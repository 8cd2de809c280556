#include "server/router.h"

#include <stdexcept>

namespace norotriage::server {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = path.empty() || path[0] != '/' ? 0 : 1;
  while (true) {
    const size_t slash = path.find('/', pos);
    out.emplace_back(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, HttpHandler handler, RouteOptions options) {
  if (method != "GET" && method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE") {
    throw std::invalid_argument("Router::Add: unsupported method");
  }
  for (Route& r : routes_) {
    if (r.pattern != pattern) continue;
    if (r.options.uses_store != options.uses_store) {
      throw std::invalid_argument("Router::Add: one path, two store options");
    }
    r.methods.emplace_back(method);
    r.handlers.push_back(std::move(handler));
    r.options.any_origin = r.options.any_origin || options.any_origin;
    return;
  }
  Route r;
  r.pattern = std::string(pattern);
  r.segments = Segments(pattern);
  r.literal = pattern.find('{') == std::string_view::npos;
  r.methods.emplace_back(method);
  r.handlers.push_back(std::move(handler));
  r.options = options;
  routes_.push_back(std::move(r));
}

const Router::Route* Router::Find(std::string_view path, std::vector<std::string>* params) const {
  params->clear();
  for (const Route& r : routes_) {
    if (r.literal) {
      if (path == r.pattern) return &r;
      continue;
    }
    // Segment by segment, without allocating until a route matches.
    size_t pos = path.empty() || path[0] != '/' ? 0 : 1;
    bool match = true;
    for (size_t i = 0; i < r.segments.size() && match; ++i) {
      const size_t slash = path.find('/', pos);
      const bool last = i + 1 == r.segments.size();
      if (last != (slash == std::string_view::npos) || pos > path.size()) {
        match = false;
        break;
      }
      const std::string_view seg = path.substr(pos, last ? std::string_view::npos : slash - pos);
      match = IsParam(r.segments[i]) ? !seg.empty() : seg == r.segments[i];
      pos = last ? path.size() : slash + 1;
    }
    if (!match) continue;
    pos = path.empty() || path[0] != '/' ? 0 : 1;
    for (const std::string& s : r.segments) {
      const size_t slash = path.find('/', pos);
      if (IsParam(s)) params->emplace_back(path.substr(pos, slash == std::string_view::npos ? slash : slash - pos));
      pos = slash == std::string_view::npos ? path.size() : slash + 1;
    }
    return &r;
  }
  return nullptr;
}

const HttpHandler* Router::HandlerFor(const Route& route, std::string_view method) {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (size_t i = 0; i < route.methods.size(); ++i) {
    if (route.methods[i] == wanted) return &route.handlers[i];
  }
  return nullptr;
}

std::string Router::AllowHeader(const Route& route) {
  std::string out;
  for (const std::string& m : route.methods) {
    out += (out.empty() ? "" : ", ") + m;
    if (m == "GET") out += ", HEAD";
  }
  return out;
}

}  // namespace norotriage::server
