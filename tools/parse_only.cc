// norotriage_parse_only: the speed limit of batch mode's input side.
//
//   norotriage_parse_only FILE
//
// Reads newline-delimited JSON in 1 MiB blocks and walks every line with
// simdjson's on-demand parser, touching every key and every value (numbers
// as doubles, strings unescaped, bools), and nothing else: no validation
// against the vocabulary, no assessment, no output. Lines are parsed in place
// in the read buffer (no copy, no allocation per line), so this is what one
// thread can do at best with simdjson on this input; bench/ compares
// `norotriage batch --compact` with it.
//
// Prints "parse_only: N lines, F values, E errors, X records/s, Y MB/s" on
// standard output; the time runs from opening the file to its end.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <simdjson.h>

namespace {

namespace od = simdjson::ondemand;

struct Tally {
  uint64_t values = 0;
  double sum = 0;        // keeps the values observable
};

// Touches `v` and everything inside it. Request documents are two levels
// deep; deeper nesting than kMaxDepth counts as an error.
constexpr int kMaxDepth = 8;

simdjson::error_code Touch(od::value v, int depth, Tally* t) {
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  ++t->values;
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (auto e = v.get_object().get(obj)) return e;
      for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        t->sum += static_cast<double>(key.size());
        od::value child;
        if (auto e = field.value().get(child)) return e;
        if (auto e = Touch(child, depth + 1, t)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      for (auto item : arr) {
        od::value child;
        if (auto e = item.get(child)) return e;
        if (auto e = Touch(child, depth + 1, t)) return e;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      double d;
      if (auto e = v.get_double().get(d)) return e;
      t->sum += d;
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return e;
      t->sum += static_cast<double>(s.size());
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b;
      if (auto e = v.get_bool().get(b)) return e;
      t->sum += b;
      return simdjson::SUCCESS;
    }
    case od::json_type::null:
      return v.is_null().error();
  }
  return simdjson::INCORRECT_TYPE;
}

// Parses one line. REQUIRES: `line` is followed by SIMDJSON_PADDING readable bytes.
bool ParseLine(od::parser& parser, const char* line, size_t len, Tally* t) {
  od::document doc;
  if (parser.iterate(simdjson::padded_string_view(line, len, len + simdjson::SIMDJSON_PADDING)).get(doc)) return false;
  od::value root;
  if (doc.get_value().get(root)) return false;
  if (Touch(root, 0, t)) return false;
  const char* rest = nullptr;
  return doc.current_location().get(rest) != simdjson::SUCCESS;  // nothing after the value
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: norotriage_parse_only FILE\n");
    return 64;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::FILE* in = std::fopen(argv[1], "rb");
  if (!in) {
    std::fprintf(stderr, "error: %s: cannot open the file\n", argv[1]);
    return 66;
  }
  constexpr size_t kBlock = 1 << 20;
  std::vector<char> buf(kBlock + simdjson::SIMDJSON_PADDING);
  std::vector<char> carry;  // a line that spans two blocks, padded
  std::string partial;
  od::parser parser;
  Tally tally;
  uint64_t lines = 0, errors = 0, bytes = 0;
  auto parse = [&](const char* p, size_t n) {
    if (n > 0 && p[n - 1] == '\r') --n;
    if (n == 0) return;
    ++lines;
    if (!ParseLine(parser, p, n, &tally)) ++errors;
  };
  for (size_t len; (len = std::fread(buf.data(), 1, kBlock, in)) > 0;) {
    bytes += len;
    const char* p = buf.data();
    const char* end = p + len;
    if (!partial.empty()) {  // finish the line the previous block began
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', len));
      if (!nl) {
        partial.append(p, len);
        continue;
      }
      partial.append(p, nl - p);
      carry.assign(partial.begin(), partial.end());
      carry.resize(partial.size() + simdjson::SIMDJSON_PADDING);
      parse(carry.data(), partial.size());
      partial.clear();
      p = nl + 1;
    }
    for (const char* nl; p < end && (nl = static_cast<const char*>(std::memchr(p, '\n', end - p)));
         p = nl + 1) {
      parse(p, nl - p);  // the rest of the block and its padding follow the line
    }
    partial.assign(p, end);
  }
  if (std::ferror(in)) {
    std::fprintf(stderr, "error: %s: cannot read the file\n", argv[1]);
    return 74;
  }
  std::fclose(in);
  if (!partial.empty()) {
    carry.assign(partial.begin(), partial.end());
    carry.resize(partial.size() + simdjson::SIMDJSON_PADDING);
    parse(carry.data(), partial.size());
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("parse_only: %llu lines, %llu values, %llu errors, %.0f records/s, %.1f MB/s (checksum %.6g)\n",
              static_cast<unsigned long long>(lines), static_cast<unsigned long long>(tally.values),
              static_cast<unsigned long long>(errors), s > 0 ? static_cast<double>(lines) / s : 0.0,
              s > 0 ? static_cast<double>(bytes) / s / 1e6 : 0.0, tally.sum);
  return errors == 0 ? 0 : 65;
}
