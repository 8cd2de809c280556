// Reading HTTP/1.1 requests off a connection's bytes, with no I/O: the event
// loop (event_loop.h) hands it what arrived, and the raw-bytes test path
// (App::HandleRawForTesting) what it was given. Boost.Beast's parser reads
// the request line, the fields and the body; this file adds the limits and
// the strict framing rules of RFC 9112 that Beast leaves to its user.
//
// The rules (README, "Limits"; each failure closes the connection after the
// reply, since the rest of its bytes can no longer be framed):
//   - the header section (request line and fields) at most
//     `max_header_bytes`, and at most `max_header_fields` fields: 431;
//   - the request-target at most `max_target_bytes`: 414;
//   - a body (Content-Length) of at most `max_body_bytes`: 413, decided from
//     the header, before any of the body is read;
//   - Transfer-Encoding (chunked bodies are not accepted): 411;
//   - 400: both Content-Length and Transfer-Encoding, an invalid or
//     conflicting Content-Length, a line that ends in a bare LF, an obs-fold
//     (a field line that starts with a space or tab), a field name with a
//     space or any character outside a token, a NUL or a lone CR in a value,
//     a method that is not a token, an HTTP version other than 1.0 or 1.1.
// The body of a request is read as its Content-Length says and never as
// another request. Empty lines before a request line are skipped (RFC 9112
// 2.2).
//
// Thread safety: none; one reader per connection.
#ifndef NOROTRIAGE_SERVER_REQUEST_READER_H_
#define NOROTRIAGE_SERVER_REQUEST_READER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "server/http_message.h"

namespace norotriage::server {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_fields = 100;
  size_t max_target_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
};

class RequestReader {
 public:
  explicit RequestReader(const HttpLimits& limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  enum class Progress {
    kNeedMore,  // every byte given was taken or is kept for later: give more
    kRequest,   // a whole request is in request(); call Next() before reading on
    kError,     // the bytes are not a request: reply error_status(), then close
  };

  // Reads from `in`, the bytes received and not consumed yet, from the start
  // of the current request (or what is left of it). Sets *consumed to the
  // number of bytes taken; the caller drops them and passes the rest (with
  // any new bytes) on the next call. Header bytes are not taken until the
  // whole header section is there, so `in` may be kept and grown as it is.
  Progress Read(std::string_view in, size_t* consumed);

  // The request read; valid after kRequest until Next().
  HttpRequest& request() { return request_; }
  // Starts on the next request (after kRequest).
  void Next();

  // After kError: what was read of the refused request (its method and
  // path, for the log and CORS), or nullptr when its header was not parsed.
  const HttpRequest* refused_request() const { return parsed_ ? &request_ : nullptr; }

  // After kError: the status to answer with (400, 411, 413, 414, 431) and
  // a plain message for the error body.
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

  // Whether any byte of the current request has been seen (its header
  // deadline runs), and whether its header section is read (the body's does).
  bool started() const { return started_; }
  bool header_done() const { return header_done_; }
  // After the header: the client asked for "100 Continue" before it sends
  // the body, and none of the body has been read yet.
  bool wants_continue() const;

 private:
  class Parser;  // Beast's parser, kept out of this header

  Progress Fail(int status, std::string message);
  Progress ReadHeader(std::string_view in, size_t* consumed);
  Progress ReadBody(std::string_view in, size_t* consumed);

  const HttpLimits limits_;
  std::unique_ptr<Parser> parser_;
  HttpRequest request_;
  bool started_ = false;
  bool header_done_ = false;
  bool expect_continue_ = false;
  bool parsed_ = false;  // Beast parsed the header section
  size_t scanned_ = 0;  // header bytes already checked for bare LFs
  size_t body_left_ = 0;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_REQUEST_READER_H_
