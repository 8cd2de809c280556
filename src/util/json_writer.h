// JsonWriter: appends compact JSON text to a std::string, fast and without
// building a document tree.
//
//   std::string out;
//   JsonWriter w(&out);
//   w.BeginObject();
//   w.Key("id");   w.String("paracetamol");
//   w.Key("dose"); w.BeginArray(); w.Int(500); w.Int(1000); w.EndArray();
//   w.EndObject();                  // out == {"id":"paracetamol","dose":[500,1000]}
//
// Output:
//   - Commas and colons are written by the writer; no whitespace is written,
//     so the text is one line.
//   - Strings and keys are escaped per RFC 8259: '"' and '\' get a backslash,
//     control characters U+0000..U+001F become \b \f \n \r \t or \u00XX, and
//     valid UTF-8 passes through unchanged (including U+007F and non-ASCII).
//     Each byte that is not part of a valid UTF-8 sequence (stray continuation
//     bytes, overlong forms, surrogates, code points above U+10FFFF, truncated
//     sequences) becomes U+FFFD, so the output is always valid UTF-8 JSON.
//   - Int writes the decimal integer. Double writes the shortest text that
//     reads back as the same double: 0.1 -> 0.1, 3.0 -> 3, 1e21 -> 1e+21,
//     -0.0 -> -0. NaN and infinities, which JSON cannot express, become null.
//
// REQUIRES the caller to make a well-formed sequence of calls: Key only
// directly inside an object and exactly once before each of its values, no
// Key inside an array, every Begin matched by its End, and one top-level value
// per writer. The writer does not repair a bad sequence; in builds with
// assertions enabled, a mismatch at nesting depth up to 64 fails an assert.
//
// Budget: linear in the text written; no allocation other than growing the
// output string (reserve it up front to avoid even that).
//
// Thread safety: none. A writer and its output string belong to one thread.
#ifndef NOROTRIAGE_UTIL_JSON_WRITER_H_
#define NOROTRIAGE_UTIL_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace norotriage::internal {

// The JSON text of one value, appended to *out, byte for byte what
// JsonWriter::String, Int and Double write for it (without the comma a writer
// puts before a value). For writers that lay out fixed structure themselves
// (src/output/result_json.cc). REQUIRES: out is not null.
void AppendJsonString(std::string_view value, std::string* out);
void AppendJsonInt(long long value, std::string* out);
void AppendJsonDouble(double value, std::string* out);

class JsonWriter {
 public:
  // Appends to `*out`, keeping what is already there. `out` is borrowed:
  // REQUIRES it to be non-null and to outlive the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter(const JsonWriter&) = delete;  // two writers on one string would interleave
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();

  // The name of the next member. REQUIRES: directly inside an object.
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(long long value);
  void Double(double value);  // null for NaN and infinities
  void Bool(bool value);
  void Null();
  // Writes `json` as the next value, unchanged. REQUIRES: one complete,
  // valid JSON value (e.g. the output of another writer).
  void Raw(std::string_view json);

  // Nesting depth: 0 at top level, +1 for each open object or array.
  int depth() const { return depth_; }

 private:
  // Writes the comma that separates this value from the previous one.
  void BeforeValue();
  void Open(char bracket, bool is_object);
  void Close(char bracket, bool is_object);

  std::string* out_;             // borrowed; never null
  bool need_comma_ = false;      // a value was written at this level and no Key since
  int depth_ = 0;
  uint64_t object_bits_ = 0;     // bit d-1 set: level d is an object (only for asserts)
  bool after_key_ = false;       // a Key was written and its value not yet (only for asserts)
};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_UTIL_JSON_WRITER_H_
