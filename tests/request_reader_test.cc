// RequestReader (src/server/request_reader.h): the limits at their
// boundaries, each framing rule, and that the bytes may arrive in any
// pieces. The same requests over real sockets are in tests/http/.
#include "server/request_reader.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace norotriage::server {
namespace {

using Progress = RequestReader::Progress;

struct Outcome {
  Progress progress = Progress::kNeedMore;
  int status = 0;
  HttpRequest request;
  size_t consumed = 0;
};

// Reads `bytes` given `piece` bytes at a time (0: all at once), as a
// connection would: what is not consumed is given again with the next bytes.
Outcome ReadOne(const std::string& bytes, size_t piece = 0) {
  RequestReader reader{HttpLimits{}};
  Outcome out;
  std::string pending;
  size_t given = 0;
  while (true) {
    const size_t n = piece == 0 ? bytes.size() - given : std::min(piece, bytes.size() - given);
    pending.append(bytes, given, n);
    given += n;
    size_t consumed = 0;
    out.progress = reader.Read(pending, &consumed);
    pending.erase(0, consumed);
    out.consumed += consumed;
    if (out.progress == Progress::kError) {
      out.status = reader.error_status();
      return out;
    }
    if (out.progress == Progress::kRequest) {
      out.request = reader.request();
      return out;
    }
    if (given == bytes.size()) return out;
  }
}

std::string Get(const std::string& target, const std::string& fields = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n";
}

TEST(RequestReaderTest, ReadsRequestLineFieldsAndBodyInAnyPieces) {
  const std::string bytes =
      "POST /v1/episodes/ab%63/checkins?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-A:  spaced  \r\n\r\nhello"
      "GET /next HTTP/1.1\r\n\r\n";
  for (size_t piece : {0, 1, 2, 7, 64}) {
    SCOPED_TRACE(piece);
    const Outcome o = ReadOne(bytes, piece);
    ASSERT_EQ(o.progress, Progress::kRequest);
    EXPECT_EQ(o.request.method, "POST");
    EXPECT_EQ(o.request.path, "/v1/episodes/abc/checkins");
    EXPECT_EQ(o.request.query, "x=1");
    EXPECT_EQ(o.request.body, "hello");
    EXPECT_EQ(o.request.headers.Get("x-a"), "spaced");
    EXPECT_EQ(o.request.headers.Get("content-LENGTH"), "5");
    // The next request's bytes are left for the next read.
    EXPECT_EQ(o.consumed, bytes.find("GET /next"));
  }
}

TEST(RequestReaderTest, BodyBytesAreNeverARequest) {
  const std::string hidden = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string bytes = "POST /v1/assess HTTP/1.1\r\nContent-Length: " + std::to_string(hidden.size()) +
                            "\r\n\r\n" + hidden;
  const Outcome o = ReadOne(bytes, 3);
  ASSERT_EQ(o.progress, Progress::kRequest);
  EXPECT_EQ(o.request.body, hidden);
  EXPECT_EQ(o.consumed, bytes.size());
}

TEST(RequestReaderTest, HeaderSectionLimitIs16KiBAnd100Fields) {
  std::string fields;
  for (int i = 0; i < 100; ++i) fields += "X-" + std::to_string(i) + ": a\r\n";
  // "Host: x" makes 101 fields: one too many.
  EXPECT_EQ(ReadOne(Get("/", fields)).status, 431);
  std::string ninety_nine;
  for (int i = 0; i < 99; ++i) ninety_nine += "X-" + std::to_string(i) + ": a\r\n";
  EXPECT_EQ(ReadOne(Get("/", ninety_nine)).progress, Progress::kRequest);

  const std::string head = Get("/", "X-Pad: \r\n");
  std::string at_limit = Get("/", "X-Pad: " + std::string(16 * 1024 - head.size(), 'a') + "\r\n");
  ASSERT_EQ(at_limit.size(), 16u * 1024);
  EXPECT_EQ(ReadOne(at_limit, 1000).progress, Progress::kRequest);
  std::string over = Get("/", "X-Pad: " + std::string(16 * 1024 - head.size() + 1, 'a') + "\r\n");
  EXPECT_EQ(ReadOne(over, 1000).status, 431);
  // An endless header is refused as soon as it passes the limit.
  EXPECT_EQ(ReadOne("GET / HTTP/1.1\r\nX: " + std::string(100000, 'a'), 4096).status, 431);
}

TEST(RequestReaderTest, TargetLimitIs8KiB) {
  EXPECT_EQ(ReadOne(Get("/" + std::string(8191, 'a'))).progress, Progress::kRequest);
  EXPECT_EQ(ReadOne(Get("/" + std::string(8192, 'a'))).status, 414);
  // A request line that never ends.
  EXPECT_EQ(ReadOne("GET /" + std::string(20000, 'a'), 1024).status, 414);
}

TEST(RequestReaderTest, BodyLimitIs64KiBDecidedFromTheHeader) {
  const std::string ok = "POST / HTTP/1.1\r\nContent-Length: 65536\r\n\r\n" + std::string(65536, ' ');
  EXPECT_EQ(ReadOne(ok, 10000).progress, Progress::kRequest);
  const Outcome over = ReadOne("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n");
  EXPECT_EQ(over.status, 413);  // before any body byte
}

TEST(RequestReaderTest, FramingRulesOfRfc9112) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"CL and TE", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"},
      {"TE and CL", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc"},
      {"bare LF", "GET / HTTP/1.1\nHost: x\n\n"},
      {"bare LF in a field", "GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"},
      {"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"},
      {"obs-fold with a tab", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"},
      {"space in a name", "GET / HTTP/1.1\r\nBad Name: a\r\n\r\n"},
      {"space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"},
      {"NUL in a value", std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26)},
      {"lone CR in a value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"},
      {"two lengths", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
      {"a length that is no number", "POST / HTTP/1.1\r\nContent-Length: 3x\r\n\r\nabc"},
      {"not a method", "FOO / HTTP/1.1\r\n\r\n"},
      {"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n"},
      {"no version", "GET /\r\n\r\n"},
  };
  for (const auto& [name, bytes] : cases) {
    SCOPED_TRACE(name);
    for (size_t piece : {0, 1}) EXPECT_EQ(ReadOne(bytes, piece).status, 400);
  }
  EXPECT_EQ(ReadOne("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").status, 411);
}

TEST(RequestReaderTest, EmptyLinesBeforeARequestAreSkipped) {
  const Outcome o = ReadOne("\r\n\r\n" + Get("/healthz"), 1);
  ASSERT_EQ(o.progress, Progress::kRequest);
  EXPECT_EQ(o.request.path, "/healthz");
}

TEST(RequestReaderTest, NextStartsAFreshRequest) {
  RequestReader reader{HttpLimits{}};
  std::string bytes = Get("/a", "Expect: 100-continue\r\n") + Get("/b");
  size_t consumed = 0;
  ASSERT_EQ(reader.Read(bytes, &consumed), Progress::kRequest);
  EXPECT_EQ(reader.request().path, "/a");
  reader.Next();
  EXPECT_FALSE(reader.started());
  bytes.erase(0, consumed);
  ASSERT_EQ(reader.Read(bytes, &consumed), Progress::kRequest);
  EXPECT_EQ(reader.request().path, "/b");
  EXPECT_FALSE(reader.request().headers.Has("Expect"));
}

TEST(RequestReaderTest, WantsContinueUntilTheBodyStarts) {
  RequestReader reader{HttpLimits{}};
  const std::string head = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  size_t consumed = 0;
  ASSERT_EQ(reader.Read(head, &consumed), Progress::kNeedMore);
  EXPECT_TRUE(reader.header_done());
  EXPECT_TRUE(reader.wants_continue());
  ASSERT_EQ(reader.Read("a", &consumed), Progress::kNeedMore);
  EXPECT_FALSE(reader.wants_continue());
  ASSERT_EQ(reader.Read("b", &consumed), Progress::kRequest);
  EXPECT_EQ(reader.request().body, "ab");
}

}  // namespace
}  // namespace norotriage::server
