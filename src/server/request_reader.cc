// RequestReader: a header section is checked here for what Beast allows and
// the service does not (bare LFs as they arrive, the size limits, obs-folds,
// the field count), then parsed by a Beast basic_parser that fills our
// HttpRequest directly; the body is taken by its Content-Length.
#include "server/request_reader.h"

#include <utility>  // before Boost: Boost 1.74 needs it under g++ 12 in C++20

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cstring>
#include <limits>
#include <fmt/format.h>

#include "util/percent_decode.h"

namespace norotriage::server {

namespace http = boost::beast::http;
using boost::beast::error_code;

namespace {

constexpr size_t kRequestLineSlack = 64;  // method, spaces and version around the target

bool IsKnownMethod(std::string_view m) {
  for (std::string_view k : {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (m == k) return true;
  }
  return false;
}

}  // namespace

// Fills a request from Beast's callbacks; any body is refused here (the
// reader takes it itself), so Beast parses the header section only.
class RequestReader::Parser : public http::basic_parser<true> {
 public:
  Parser(HttpRequest* out, size_t max_fields) : out_(out), max_fields_(max_fields) {}

 private:
  void on_request_impl(http::verb, boost::beast::string_view method, boost::beast::string_view target, int version,
                       error_code& ec) override {
    if (version != 10 && version != 11) {
      ec = http::error::bad_version;
      return;
    }
    out_->method.assign(method.data(), method.size());
    out_->target.assign(target.data(), target.size());
    out_->version_minor = version % 10;
  }
  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_method;
  }
  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code& ec) override {
    if (out_->headers.size() >= max_fields_) {
      ec = http::error::header_limit;
      return;
    }
    out_->headers.Add(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) override {
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  HttpRequest* out_;
  size_t max_fields_;
};

RequestReader::RequestReader(const HttpLimits& limits) : limits_(limits) {}
RequestReader::~RequestReader() = default;

void RequestReader::Next() {
  parser_.reset();
  request_ = HttpRequest{};
  started_ = header_done_ = expect_continue_ = parsed_ = false;
  scanned_ = 0;
  body_left_ = 0;
}

bool RequestReader::wants_continue() const { return header_done_ && expect_continue_ && body_left_ > 0; }

RequestReader::Progress RequestReader::Fail(int status, std::string message) {
  error_status_ = status;
  error_message_ = std::move(message);
  return Progress::kError;
}

RequestReader::Progress RequestReader::Read(std::string_view in, size_t* consumed) {
  *consumed = 0;
  if (!header_done_) {
    if (!started_) {
      // Empty lines before a request line are skipped.
      size_t skip = 0;
      while (skip + 1 < in.size() && in[skip] == '\r' && in[skip + 1] == '\n') skip += 2;
      if (skip == in.size() || (skip + 1 == in.size() && in[skip] == '\r')) {
        *consumed = skip;
        return Progress::kNeedMore;
      }
      *consumed = skip;
      in.remove_prefix(skip);
      started_ = true;
    }
    size_t header_bytes = 0;
    const Progress p = ReadHeader(in, &header_bytes);
    *consumed += header_bytes;
    if (p != Progress::kNeedMore || !header_done_) return p;
    in.remove_prefix(header_bytes);
  }
  size_t body_bytes = 0;
  const Progress p = ReadBody(in, &body_bytes);
  *consumed += body_bytes;
  return p;
}

RequestReader::Progress RequestReader::ReadHeader(std::string_view in, size_t* consumed) {
  // Check the new bytes: a bare LF is refused as soon as it arrives (Beast
  // would wait for a CRLF CRLF that may never come), and the end of the
  // header section is the first CRLF CRLF.
  size_t end = std::string_view::npos;
  const size_t limit = std::min(in.size(), limits_.max_header_bytes);
  for (size_t i = scanned_; i < limit; ++i) {
    // memchr to the next LF: the bytes between need no look.
    const void* lf = std::memchr(in.data() + i, '\n', limit - i);
    if (lf == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(lf) - in.data());
    if (i == 0 || in[i - 1] != '\r') return Fail(400, "A line of the request ends in a bare LF; end lines with CRLF.");
    if (i >= 3 && in[i - 2] == '\n' && in[i - 3] == '\r') {
      end = i + 1;
      break;
    }
  }
  if (end == std::string_view::npos) {
    scanned_ = limit;
    const size_t line_end = in.find("\r\n");
    const size_t line = line_end == std::string_view::npos ? in.size() : line_end;
    if (line > limits_.max_target_bytes + kRequestLineSlack) {
      return Fail(414, fmt::format("The request line is longer than {} bytes.", limits_.max_target_bytes));
    }
    if (in.size() > limits_.max_header_bytes) {
      return Fail(431, fmt::format("The request's header section is larger than {} bytes.", limits_.max_header_bytes));
    }
    return Progress::kNeedMore;
  }
  const std::string_view head = in.substr(0, end);
  // An obs-fold: a line after the request line that starts with a space or tab.
  for (size_t pos = head.find("\r\n"); pos != std::string_view::npos && pos + 2 < head.size();
       pos = head.find("\r\n", pos + 2)) {
    if (head[pos + 2] == ' ' || head[pos + 2] == '\t') {
      return Fail(400, "A header field is folded over two lines (obs-fold), which is not accepted.");
    }
  }
  parser_ = std::make_unique<Parser>(&request_, limits_.max_header_fields);
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes + 4));
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());  // the limit is checked below, as 413
  parser_->eager(false);
  error_code ec;
  const size_t n = parser_->put(boost::asio::const_buffer(head.data(), head.size()), ec);
  if (ec == http::error::header_limit) {
    return Fail(431, fmt::format("The request has more than {} header fields.", limits_.max_header_fields));
  }
  if (ec || n != head.size() || !parser_->is_header_done()) {
    return Fail(400, "The request could not be read as HTTP.");
  }
  if (!IsKnownMethod(request_.method)) return Fail(400, "The request method is not an HTTP method.");
  if (request_.target.size() > limits_.max_target_bytes) {
    return Fail(414, fmt::format("The request target (URL) is longer than {} bytes.", limits_.max_target_bytes));
  }
  const size_t query = request_.target.find('?');
  request_.path = internal::PercentDecode(std::string_view(request_.target).substr(0, query));
  if (query != std::string::npos) request_.query = request_.target.substr(query + 1);
  parsed_ = true;  // refusals from here on can name the method and path
  if (request_.headers.Has("Transfer-Encoding")) {
    return Fail(411, "Send the request body with a Content-Length header; chunked bodies are not accepted.");
  }
  const boost::optional<std::uint64_t> length = parser_->content_length();
  if (length && *length > limits_.max_body_bytes) {
    return Fail(413, fmt::format("The request body is larger than {} bytes.", limits_.max_body_bytes));
  }
  body_left_ = length ? static_cast<size_t>(*length) : 0;
  request_.body.reserve(body_left_);
  expect_continue_ = EqualsNoCase(request_.headers.Get("Expect"), "100-continue");
  header_done_ = true;
  *consumed = end;
  return Progress::kNeedMore;
}

RequestReader::Progress RequestReader::ReadBody(std::string_view in, size_t* consumed) {
  const size_t n = std::min(in.size(), body_left_);
  request_.body.append(in.data(), n);
  body_left_ -= n;
  *consumed = n;
  expect_continue_ = expect_continue_ && request_.body.empty();
  return body_left_ == 0 ? Progress::kRequest : Progress::kNeedMore;
}

}  // namespace norotriage::server
