#include "server/http_message.h"

#include <string>

#include <fmt/format.h>

namespace norotriage::server {

namespace {

// ASCII only, inline: std::tolower is a call into libc per byte, and header
// names are ASCII tokens.
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Room for the fields of a typical request or response, so that a list is
// not grown 1, 2, 4, 8 field by field.
constexpr size_t kFieldsReserved = 8;

}  // namespace

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string_view HttpHeaders::Get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (EqualsNoCase(f.first, name)) return f.second;
  }
  return {};
}

bool HttpHeaders::Has(std::string_view name) const {
  for (const Field& f : fields_) {
    if (EqualsNoCase(f.first, name)) return true;
  }
  return false;
}

void HttpHeaders::Set(std::string_view name, std::string_view value) {
  Erase(name);
  Add(name, value);
}

void HttpHeaders::Add(std::string_view name, std::string_view value) {
  if (fields_.capacity() == 0) fields_.reserve(kFieldsReserved);
  fields_.emplace_back(std::string(name), std::string(value));
}

void HttpHeaders::Erase(std::string_view name) {
  std::erase_if(fields_, [name](const Field& f) { return EqualsNoCase(f.first, name); });
}

void HttpResponse::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  static_body = {};
  headers.Set("Content-Type", content_type);
}

void HttpResponse::set_static_content(std::string_view content, std::string_view content_type) {
  body.clear();
  static_body = content;
  headers.Set("Content-Type", content_type);
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "";
  }
}

std::string SerializeHead(const HttpResponse& res, bool close) {
  std::string out;
  out.reserve(256 + res.headers.size() * 48);
  out += "HTTP/1.1 ";
  const fmt::format_int status(res.status);
  out.append(status.data(), status.size());
  out += ' ';
  out += ReasonPhrase(res.status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (EqualsNoCase(name, "Content-Length") || (close && EqualsNoCase(name, "Connection"))) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) {
    out += "Content-Length: ";
    const fmt::format_int length(res.content().size());
    out.append(length.data(), length.size());
    out += "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

}  // namespace norotriage::server
