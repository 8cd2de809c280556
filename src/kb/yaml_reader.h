// Typed, located access to yaml-cpp nodes for the knowledge-base loader.
//
// Every accessor returns a Status whose message starts with "file:line:col:"
// of the offending node, and checks mappings against the keys they may hold,
// so that a typo in a key is an error instead of a silently dropped rule.
// yaml-cpp throws; nothing here lets an exception escape.
#ifndef NOROTRIAGE_KB_YAML_READER_H_
#define NOROTRIAGE_KB_YAML_READER_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "norotriage/status.h"

namespace norotriage::internal {

class YamlReader {
 public:
  // Borrows nothing; `file` names the file in messages.
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // "file:line:col" of `n` (1-based), plus `offset` columns into a scalar's text.
  std::string Where(const YAML::Node& n, size_t offset = 0) const;
  Status Error(const YAML::Node& n, std::string_view msg, size_t offset = 0) const;

  // REQUIRES nothing of `n`. Fails unless `n` is a mapping whose keys are all in
  // `allowed` and which has every key in `required`.
  Status CheckMap(const YAML::Node& n, std::initializer_list<std::string_view> allowed,
                  std::initializer_list<std::string_view> required = {}) const;
  Status CheckSeq(const YAML::Node& n, std::string_view what) const;

  // Reads `n[key]`. Absent and not required: leaves *out unchanged, OK.
  Status String(const YAML::Node& n, const char* key, bool required, std::string* out) const;
  Status Number(const YAML::Node& n, const char* key, bool required, double* out) const;
  Status Int(const YAML::Node& n, const char* key, bool required, int* out) const;
  Status StringList(const YAML::Node& n, const char* key, bool required,
                    std::vector<std::string>* out) const;
  // A two-number list [low, high] with low <= high.
  Status IntPair(const YAML::Node& n, const char* key, bool required, int* lo, int* hi) const;

  // Columns to add to a scalar node's column to reach its text (1 when quoted).
  static size_t TextColumnShift(const YAML::Node& n);

 private:
  std::string file_;
};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_YAML_READER_H_
