// A small blocking HTTP/1.1 client for the tests that talk to a real
// `norotriage serve` process (tests/server_test.cc, malformed_input_test.cc,
// server_process.h). It replaced httplib::Client there, so it keeps the
// subset of that API the tests use, with the same names: Get/Post/Put/
// Delete/Options with headers, a Result that is empty with an Error on a
// transport failure, a Response with status, body and headers looked up
// without regard to case, timeouts, keep-alive on one connection, and a body
// sent chunked from a content provider.
//
// Beast stays in http_client.cc (one Beast translation unit costs ~15 s and
// ~700 MB to compile); this header includes none of it.
//
// Thread safety: a Client is one connection and is used by one thread at a
// time; separate Clients are independent.
#ifndef NOROTRIAGE_TESTS_HTTP_CLIENT_H_
#define NOROTRIAGE_TESTS_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace norotriage::testing_http {

// Orders header names without regard to ASCII case.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
};

// Header fields, in the order received for equal names.
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Response {
  int status = -1;
  std::string reason;
  Headers headers;
  std::string body;

  bool has_header(std::string_view name) const;
  // The id-th value of `name` (0 = the first), or "" when there is none.
  std::string get_header_value(std::string_view name, size_t id = 0) const;
  size_t get_header_value_count(std::string_view name) const;
};

// What went wrong on the transport (never an HTTP status).
enum class ErrorKind { kSuccess, kConnection, kWrite, kRead, kTimeout, kProvider };

struct Error {
  ErrorKind kind = ErrorKind::kSuccess;
  std::string message;  // the step and the system's words, e.g. "connect 127.0.0.1:1: Connection refused"
};

// "Connection: connect 127.0.0.1:1: Connection refused".
std::string to_string(const Error& error);

// A response, or the Error that stopped it.
class Result {
 public:
  explicit Result(Response response) : response_(std::move(response)), ok_(true) {}
  explicit Result(Error error) : error_(std::move(error)) {}

  explicit operator bool() const { return ok_; }
  // REQUIRES: *this is true.
  const Response& operator*() const { return response_; }
  const Response* operator->() const { return &response_; }
  const Error& error() const { return error_; }

 private:
  Response response_;
  Error error_;
  bool ok_ = false;
};

// Where a content provider writes a request body, piece by piece.
class DataSink {
 public:
  void write(const char* data, size_t size) { body_.append(data, size); }
  void done() { done_ = true; }

  const std::string& body() const { return body_; }
  bool is_done() const { return done_; }

 private:
  std::string body_;
  bool done_ = false;
};

// Called until it calls sink.done() (or returns false: the request is not
// sent, and the Result is an Error of kind kProvider). The pieces are
// gathered and go out with Transfer-Encoding: chunked, as one chunk.
using ContentProviderWithoutLength = std::function<bool(size_t offset, DataSink& sink)>;

// One HTTP/1.1 client of one server. Without keep-alive (the default) every
// request opens a new connection and says "Connection: close"; with it the
// connection is kept and reused while the server keeps it open (it is
// opened again when the server has closed it). Each request sends Host and
// Accept: */*; a body gets Content-Type and Content-Length.
class Client {
 public:
  // `host` is a name or an address; nothing is connected until a request.
  Client(std::string host, int port);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;  // owns a connection
  Client& operator=(const Client&) = delete;

  Result Get(const std::string& path, const Headers& headers = {});
  Result Post(const std::string& path, const std::string& body, const std::string& content_type);
  Result Post(const std::string& path, const Headers& headers, const std::string& body,
              const std::string& content_type);
  Result Post(const std::string& path, ContentProviderWithoutLength provider, const std::string& content_type);
  Result Put(const std::string& path, const std::string& body, const std::string& content_type);
  Result Delete(const std::string& path, const Headers& headers = {});
  Result Options(const std::string& path, const Headers& headers = {});
  // Any method, with an optional body (empty `content_type`: none is sent).
  Result Send(const std::string& method, const std::string& path, const Headers& headers, const std::string& body,
              const std::string& content_type);

  void set_keep_alive(bool on) { keep_alive_ = on; }
  // The time to connect (default 5 s), to write a request (5 s) and to read
  // the whole response (20 s); past one, the Result is a kTimeout Error and
  // the connection is closed.
  void set_connection_timeout(time_t seconds, time_t microseconds = 0);
  void set_read_timeout(time_t seconds, time_t microseconds = 0);
  void set_write_timeout(time_t seconds, time_t microseconds = 0);

 private:
  struct Connection;  // the socket, its buffer and the I/O context (http_client.cc)

  Result Exchange(const std::string& method, const std::string& path, const Headers& headers,
                  const std::string& body, const std::string& content_type, bool chunked);

  std::string host_;
  int port_ = 0;
  bool keep_alive_ = false;
  std::chrono::microseconds connect_timeout_ = std::chrono::seconds(5);
  std::chrono::microseconds read_timeout_ = std::chrono::seconds(20);
  std::chrono::microseconds write_timeout_ = std::chrono::seconds(5);
  std::unique_ptr<Connection> connection_;  // null until the first request
};

}  // namespace norotriage::testing_http

#endif  // NOROTRIAGE_TESTS_HTTP_CLIENT_H_
