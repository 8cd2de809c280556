#include "util/json_writer.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace norotriage::internal {
namespace {

std::string StringJson(std::string_view s) {
  std::string out;
  JsonWriter w(&out);
  w.String(s);
  return out;
}

std::string DoubleJson(double d) {
  std::string out;
  JsonWriter w(&out);
  w.Double(d);
  return out;
}

struct EscapeCase {
  std::string_view input;
  std::string_view expected;
};

TEST(JsonWriterTest, EscapesStrings) {
  using namespace std::string_view_literals;
  const EscapeCase cases[] = {
      {"", R"("")"},
      {"plain text", R"("plain text")"},
      {R"(say "hi")", R"("say \"hi\"")"},
      {R"(back\slash)", R"("back\\slash")"},
      {"line\nbreak", R"("line\nbreak")"},
      {"tab\there\r", R"("tab\there\r")"},
      {"\b\f", R"("\b\f")"},
      {"\x01", R"("\u0001")"},
      {"\x1b[31m", R"("\u001b[31m")"},
      {"\x1f", R"("\u001f")"},
      {"nul\0byte"sv, R"("nul\u0000byte")"},
      {"/ and \x7f", "\"/ and \x7f\""},  // neither needs escaping
      // Valid UTF-8 passes through unchanged: 2, 3 and 4 byte sequences.
      {"caf\xC3\xA9 \xE2\x80\x94 500\xE2\x80\x93" "1000 \xF0\x9F\x98\x80",
       "\"caf\xC3\xA9 \xE2\x80\x94 500\xE2\x80\x93" "1000 \xF0\x9F\x98\x80\""},
      {"\xE2\x80\xA8", "\"\xE2\x80\xA8\""},  // U+2028 is valid inside JSON strings
  };
  for (const EscapeCase& c : cases) {
    EXPECT_EQ(StringJson(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  const EscapeCase cases[] = {
      {"a\xFFz", "\"a\xEF\xBF\xBDz\""},                      // never a lead byte
      {"a\x80z", "\"a\xEF\xBF\xBDz\""},                      // stray continuation
      {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},          // overlong '/'
      {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},  // surrogate
      {"end\xE2\x82", "\"end\xEF\xBF\xBD\xEF\xBF\xBD\""},    // truncated
      {"\xF4\x90\x80\x80",                                   // above U+10FFFF
       "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
  };
  for (const EscapeCase& c : cases) {
    EXPECT_EQ(StringJson(c.input), c.expected);
  }
}

// The escaping rules written the slow, obvious way: the writer scans 16 and
// 8 bytes at a time, and this checks it at every position of every length.
std::string ReferenceQuoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case 0x01: out += "\\u0001"; break;
      case 0xE9: out += "\xEF\xBF\xBD"; break;  // a lone Latin-1 byte: not UTF-8
      default: out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

TEST(JsonWriterTest, EscapesAtEveryPositionOfEveryLength) {
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\xE9", "\xC3\xA9"};
  for (size_t len = 0; len <= 48; ++len) {
    const std::string plain(len, 'a');
    EXPECT_EQ(StringJson(plain), ReferenceQuoted(plain)) << "length " << len;
    for (size_t pos = 0; pos < len; ++pos) {
      for (const std::string& special : specials) {
        std::string text = plain;
        text.replace(pos, 1, special);
        const std::string expected = special == "\xC3\xA9" ? "\"" + text + "\"" : ReferenceQuoted(text);
        EXPECT_EQ(StringJson(text), expected) << "length " << len << ", position " << pos;
        // Two in one string: the scan goes on after the first.
        if (pos + 3 < text.size()) {
          text.replace(text.size() - 1, 1, special);
          const std::string expected2 = special == "\xC3\xA9" ? "\"" + text + "\"" : ReferenceQuoted(text);
          EXPECT_EQ(StringJson(text), expected2) << "length " << len << ", positions " << pos << " and last";
        }
      }
    }
  }
}

TEST(JsonWriterTest, EscapesKeys) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a\"b\n");
  w.Int(1);
  w.EndObject();
  EXPECT_EQ(out, R"({"a\"b\n":1})");
}

TEST(JsonWriterTest, NestingAndCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(-2);
  w.BeginObject();
  w.Key("b");
  w.Null();
  w.Key("c");
  w.Bool(false);
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.Key("d");
  w.BeginObject();
  w.EndObject();
  w.Key("e");
  w.Bool(true);
  w.Key("f");
  w.String("x");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[1,-2,{"b":null,"c":false},[]],"d":{},"e":true,"f":"x"})");
  EXPECT_EQ(w.depth(), 0);
}

TEST(JsonWriterTest, EmptyContainers) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  EXPECT_EQ(out, "[[],{}]");
}

TEST(JsonWriterTest, AppendsToExistingText) {
  std::string out = "prefix ";
  JsonWriter w(&out);
  w.BeginArray();
  w.String("x");
  w.EndArray();
  EXPECT_EQ(out, R"(prefix ["x"])");
}

TEST(JsonWriterTest, Ints) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Int(0);
  w.Int(std::numeric_limits<long long>::max());
  w.Int(std::numeric_limits<long long>::min());
  w.EndArray();
  EXPECT_EQ(out, "[0,9223372036854775807,-9223372036854775808]");
}

TEST(JsonWriterTest, DoublesAreShortestRoundTrip) {
  // Whole doubles are written without a fraction: 3.0 -> 3.
  EXPECT_EQ(DoubleJson(0.1), "0.1");
  EXPECT_EQ(DoubleJson(3.0), "3");
  EXPECT_EQ(DoubleJson(3.1), "3.1");
  EXPECT_EQ(DoubleJson(2.5), "2.5");
  EXPECT_EQ(DoubleJson(-0.5), "-0.5");
  EXPECT_EQ(DoubleJson(0.0), "0");
  EXPECT_EQ(DoubleJson(1e21), "1e+21");
  for (double d : {0.1 + 0.2, 1.0 / 3.0, 1e-300, 6.02214076e23, -2.2250738585072014e-308,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
    const std::string text = DoubleJson(d);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), d) << text;
  }
}

TEST(JsonWriterTest, NonFiniteDoublesAreNull) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Double(std::numeric_limits<double>::quiet_NaN());
  w.Double(std::numeric_limits<double>::infinity());
  w.Double(-std::numeric_limits<double>::infinity());
  w.Double(1.5);
  w.EndArray();
  EXPECT_EQ(out, "[null,null,null,1.5]");
}

TEST(JsonWriterTest, DepthTracksNesting) {
  std::string out;
  JsonWriter w(&out);
  EXPECT_EQ(w.depth(), 0);
  w.BeginObject();
  w.Key("k");
  w.BeginArray();
  EXPECT_EQ(w.depth(), 2);
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.depth(), 0);
}

TEST(JsonWriterTest, DeepNestingBeyondTrackedDepth) {
  std::string out;
  JsonWriter w(&out);
  constexpr int kDepth = 100;
  for (int i = 0; i < kDepth; ++i) w.BeginArray();
  w.Int(1);
  for (int i = 0; i < kDepth; ++i) w.EndArray();
  EXPECT_EQ(out, std::string(kDepth, '[') + "1" + std::string(kDepth, ']'));
}

}  // namespace
}  // namespace norotriage::internal
