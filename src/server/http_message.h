// The HTTP request and response as the route handlers see them: the
// project's own types, so that no handler depends on the HTTP library (the
// wire is read by RequestReader, request_reader.h, and the sockets are run by
// the event loop, event_loop.h).
//
// Header names are compared without regard to ASCII case. A response's body
// is either its own string or a view of bytes that outlive the server (the
// embedded web page and documents), which are then written without a copy.
//
// Thread safety: plain values; one request and its response belong to one
// thread at a time.
#ifndef NOROTRIAGE_SERVER_HTTP_MESSAGE_H_
#define NOROTRIAGE_SERVER_HTTP_MESSAGE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace norotriage::server {

// Whether `a` and `b` are equal when ASCII letters are compared without case
// (header names and values, URL schemes).
bool EqualsNoCase(std::string_view a, std::string_view b);

// An ordered list of header fields; names keep the case they were given.
class HttpHeaders {
 public:
  // The value of the first field named `name`, or "" when there is none.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  // Replaces every field named `name` with one.
  void Set(std::string_view name, std::string_view value);
  // Adds a field, keeping any of the same name.
  void Add(std::string_view name, std::string_view value);
  void Erase(std::string_view name);
  size_t size() const { return fields_.size(); }
  void clear() { fields_.clear(); }

  using Field = std::pair<std::string, std::string>;
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

struct HttpRequest {
  std::string method;        // as sent: "GET", "POST", …
  std::string target;        // as sent: "/v1/episodes/ab?x=1"
  std::string path;          // the target before '?', percent-decoded
  std::string query;         // the text after '?' (not decoded), "" when none
  int version_minor = 1;     // HTTP/1.<minor>
  HttpHeaders headers;
  std::string body;
  // The "{name}" segments of the route that matched, in order (router.h).
  std::vector<std::string> params;

  // httplib-style helpers, so that handlers read naturally.
  std::string get_header_value(std::string_view name) const { return std::string(headers.Get(name)); }
  bool has_header(std::string_view name) const { return headers.Has(name); }
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  // When not empty, written instead of `body`. REQUIRES: the bytes outlive
  // the response's writing (static or KB-lifetime data).
  std::string_view static_body;

  void set_header(std::string_view name, std::string_view value) { headers.Set(name, value); }
  std::string get_header_value(std::string_view name) const { return std::string(headers.Get(name)); }
  bool has_header(std::string_view name) const { return headers.Has(name); }
  // Sets the body (a copy) and its Content-Type.
  void set_content(std::string content, std::string_view content_type);
  // Sets the body as a view of long-lived bytes, and its Content-Type.
  void set_static_content(std::string_view content, std::string_view content_type);
  std::string_view content() const { return static_body.empty() ? std::string_view(body) : static_body; }
};

// "OK", "Not Found", …; "" for a status without a standard phrase.
std::string_view ReasonPhrase(int status);

// The status line and header section of `res` ("HTTP/1.1 200 OK\r\n…\r\n\r\n"),
// with Content-Length (none for 1xx, 204 and 304) and, when `close`,
// "Connection: close" in place of any Connection field it has. The body is not included: a reply to HEAD is this
// head alone, with the Content-Length a GET would have.
std::string SerializeHead(const HttpResponse& res, bool close);

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_HTTP_MESSAGE_H_
