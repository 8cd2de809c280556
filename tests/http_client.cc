// The test HTTP client on Boost.Beast. Each request is asynchronous inside
// (connect, write and read on a beast::tcp_stream, whose expires_after gives
// the timeouts: Asio's synchronous calls have none, since they poll again
// after SO_RCVTIMEO) and blocking outside: the call runs its own io_context
// until the step is done.
#include <utility>  // first: Boost 1.74's asio headers need it under g++ 12 in C++20

#include "http_client.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace norotriage::testing_http {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

bool Response::has_header(std::string_view name) const { return headers.find(std::string(name)) != headers.end(); }

std::string Response::get_header_value(std::string_view name, size_t id) const {
  auto [first, last] = headers.equal_range(std::string(name));
  for (size_t i = 0; first != last; ++first, ++i) {
    if (i == id) return first->second;
  }
  return "";
}

size_t Response::get_header_value_count(std::string_view name) const { return headers.count(std::string(name)); }

std::string to_string(const Error& error) {
  const char* kind = "Success";
  switch (error.kind) {
    case ErrorKind::kSuccess: kind = "Success"; break;
    case ErrorKind::kConnection: kind = "Connection"; break;
    case ErrorKind::kWrite: kind = "Write"; break;
    case ErrorKind::kRead: kind = "Read"; break;
    case ErrorKind::kTimeout: kind = "Timeout"; break;
    case ErrorKind::kProvider: kind = "Provider"; break;
  }
  return error.message.empty() ? kind : std::string(kind) + ": " + error.message;
}

struct Client::Connection {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;  // bytes read past the last response
  bool open = false;

  // Starts one asynchronous step with a handler that records its outcome,
  // runs it to the end, and returns that outcome.
  template <class Start>
  beast::error_code Run(Start start) {
    beast::error_code result = net::error::operation_aborted;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // True while the peer has neither closed the connection nor sent anything
  // unasked: only then may a request reuse it.
  bool Reusable() {
    if (!open || buffer.size() != 0) return false;
    pollfd p{beast::get_lowest_layer(stream).socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }
};

namespace {

Error Failure(ErrorKind kind, const std::string& step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) kind = ErrorKind::kTimeout;
  return Error{kind, step + ": " + ec.message()};
}

}  // namespace

Client::Client(std::string host, int port) : host_(std::move(host)), port_(port) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::set_connection_timeout(time_t seconds, time_t microseconds) {
  connect_timeout_ = std::chrono::seconds(seconds) + std::chrono::microseconds(microseconds);
}
void Client::set_read_timeout(time_t seconds, time_t microseconds) {
  read_timeout_ = std::chrono::seconds(seconds) + std::chrono::microseconds(microseconds);
}
void Client::set_write_timeout(time_t seconds, time_t microseconds) {
  write_timeout_ = std::chrono::seconds(seconds) + std::chrono::microseconds(microseconds);
}

Result Client::Get(const std::string& path, const Headers& headers) { return Send("GET", path, headers, "", ""); }

Result Client::Post(const std::string& path, const std::string& body, const std::string& content_type) {
  return Send("POST", path, {}, body, content_type);
}

Result Client::Post(const std::string& path, const Headers& headers, const std::string& body,
                    const std::string& content_type) {
  return Send("POST", path, headers, body, content_type);
}

Result Client::Post(const std::string& path, ContentProviderWithoutLength provider, const std::string& content_type) {
  DataSink sink;
  constexpr int kMaxCalls = 1 << 20;  // a provider that never says done()
  for (int calls = 0; !sink.is_done(); ++calls) {
    if (calls == kMaxCalls || !provider(sink.body().size(), sink)) {
      return Result(Error{ErrorKind::kProvider, "the content provider stopped before done()"});
    }
  }
  return Exchange("POST", path, {}, sink.body(), content_type, /*chunked=*/true);
}

Result Client::Put(const std::string& path, const std::string& body, const std::string& content_type) {
  return Send("PUT", path, {}, body, content_type);
}

Result Client::Delete(const std::string& path, const Headers& headers) {
  return Send("DELETE", path, headers, "", "");
}

Result Client::Options(const std::string& path, const Headers& headers) {
  return Send("OPTIONS", path, headers, "", "");
}

Result Client::Send(const std::string& method, const std::string& path, const Headers& headers,
                    const std::string& body, const std::string& content_type) {
  return Exchange(method, path, headers, body, content_type, /*chunked=*/false);
}

Result Client::Exchange(const std::string& method, const std::string& path, const Headers& headers,
                        const std::string& body, const std::string& content_type, bool chunked) try {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(path);
  request.version(11);
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  request.set(http::field::accept, "*/*");
  for (const auto& [name, value] : headers) request.insert(name, value);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = body;
  if (chunked) {
    request.chunked(true);
  } else if (!content_type.empty() || !body.empty()) {
    request.content_length(body.size());
  }
  request.keep_alive(keep_alive_);

  if (!connection_) connection_ = std::make_unique<Connection>();
  Connection& c = *connection_;
  // A kept connection the server has closed meanwhile is opened again; so is
  // one that fails before any byte of the reply (the server closed it while
  // the request was on its way).
  for (int attempt = 0;; ++attempt) {
    const bool reused = keep_alive_ && c.Reusable();
    if (!reused) {
      if (c.open) c.Close();
      tcp::resolver resolver(c.ioc);
      beast::error_code ec;
      const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
      if (ec) return Result(Failure(ErrorKind::kConnection, "resolve " + host_, ec));
      c.stream.expires_after(connect_timeout_);
      ec = c.Run([&](auto handler) { c.stream.async_connect(endpoints, std::move(handler)); });
      if (ec) {
        c.Close();
        return Result(Failure(ErrorKind::kConnection, "connect " + host_ + ":" + std::to_string(port_), ec));
      }
      c.open = true;
    }
    const bool may_retry = reused && attempt == 0;

    c.stream.expires_after(write_timeout_);
    const beast::error_code write_ec =
        c.Run([&](auto handler) { http::async_write(c.stream, request, std::move(handler)); });
    if (write_ec && may_retry) {
      c.Close();
      continue;
    }
    // After a failed write the reply may still be there: a server may answer
    // (413, 431) and close before it has read the whole request.
    http::response_parser<http::string_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(256u << 20);
    if (method == "HEAD") parser.skip(true);
    c.stream.expires_after(write_ec ? std::chrono::microseconds(std::chrono::seconds(1)) : read_timeout_);
    const beast::error_code read_ec =
        c.Run([&](auto handler) { http::async_read(c.stream, c.buffer, parser, std::move(handler)); });
    if (read_ec) {
      const bool nothing = !parser.got_some();
      c.Close();
      if (may_retry && nothing) continue;
      if (write_ec) return Result(Failure(ErrorKind::kWrite, "write " + method + " " + path, write_ec));
      return Result(Failure(ErrorKind::kRead, "read the reply to " + method + " " + path, read_ec));
    }
    http::response<http::string_body> message = parser.release();
    Response response;
    response.status = static_cast<int>(message.result_int());
    response.reason = std::string(message.reason());
    for (const auto& field : message) {
      response.headers.emplace(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    if (write_ec || !keep_alive_ || !message.keep_alive()) c.Close();
    return Result(std::move(response));
  }
} catch (const std::exception& e) {  // Beast and Asio throw only on exhaustion or misuse
  if (connection_) connection_->Close();
  return Result(Error{ErrorKind::kConnection, std::string("exception: ") + e.what()});
}

}  // namespace norotriage::testing_http
