#include "kb/yaml_reader.h"

#include <cmath>

#include <fmt/format.h>

#include "util/spell.h"

namespace norotriage::internal {

std::string YamlReader::Where(const YAML::Node& n, size_t offset) const {
  YAML::Mark m = n.Mark();
  if (m.is_null()) return file_;
  return fmt::format("{}:{}:{}", file_, m.line + 1, m.column + 1 + offset);
}

Status YamlReader::Error(const YAML::Node& n, std::string_view msg, size_t offset) const {
  return Status::InvalidArgument(fmt::format("{}: {}", Where(n, offset), msg));
}

size_t YamlReader::TextColumnShift(const YAML::Node& n) {
  // yaml-cpp tags quoted scalars "!" and plain ones "?".
  return n.Tag() == "!" ? 1 : 0;
}

Status YamlReader::CheckMap(const YAML::Node& n, std::initializer_list<std::string_view> allowed,
                            std::initializer_list<std::string_view> required) const {
  if (!n.IsMap()) return Error(n, "expected a mapping (key: value lines)");
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) return Error(it->first, "keys must be plain words");
    const std::string key = it->first.Scalar();
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string hint = Suggest(key, names);
      return Error(it->first, hint.empty() ? fmt::format("unknown key '{}'", key)
                                           : fmt::format("unknown key '{}' (did you mean '{}'?)", key, hint));
    }
  }
  for (auto r : required) {
    if (!n[std::string(r)]) return Error(n, fmt::format("missing required key '{}'", r));
  }
  return Status::Ok();
}

Status YamlReader::CheckSeq(const YAML::Node& n, std::string_view what) const {
  if (!n.IsSequence()) return Error(n, fmt::format("'{}' must be a list", what));
  return Status::Ok();
}

Status YamlReader::String(const YAML::Node& n, const char* key, bool required,
                          std::string* out) const {
  YAML::Node v = n[key];
  if (!v) return required ? Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
  if (!v.IsScalar()) return Error(v, fmt::format("'{}' must be text", key));
  *out = v.Scalar();
  if (required && out->empty()) return Error(v, fmt::format("'{}' must not be empty", key));
  return Status::Ok();
}

Status YamlReader::Number(const YAML::Node& n, const char* key, bool required, double* out) const {
  YAML::Node v = n[key];
  if (!v) return required ? Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
  double d = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, d) || !std::isfinite(d)) {
    return Error(v, fmt::format("'{}' must be a number", key));
  }
  *out = d;
  return Status::Ok();
}

Status YamlReader::Int(const YAML::Node& n, const char* key, bool required, int* out) const {
  double d = 0;
  YAML::Node v = n[key];
  if (!v) return required ? Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
  if (Status s = Number(n, key, required, &d); !s.ok()) return s;
  if (d != std::floor(d) || std::fabs(d) > 1e9) {
    return Error(v, fmt::format("'{}' must be a whole number", key));
  }
  *out = static_cast<int>(d);
  return Status::Ok();
}

Status YamlReader::StringList(const YAML::Node& n, const char* key, bool required,
                              std::vector<std::string>* out) const {
  YAML::Node v = n[key];
  if (!v) return required ? Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
  if (!v.IsSequence()) return Error(v, fmt::format("'{}' must be a list", key));
  out->clear();
  for (const auto& e : v) {
    if (!e.IsScalar()) return Error(e, fmt::format("items of '{}' must be text", key));
    out->push_back(e.Scalar());
  }
  return Status::Ok();
}

Status YamlReader::IntPair(const YAML::Node& n, const char* key, bool required, int* lo,
                           int* hi) const {
  YAML::Node v = n[key];
  if (!v) return required ? Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
  double a = 0, b = 0;
  if (!v.IsSequence() || v.size() != 2 || !v[0].IsScalar() || !v[1].IsScalar() ||
      !YAML::convert<double>::decode(v[0], a) || !YAML::convert<double>::decode(v[1], b) ||
      a != std::floor(a) || b != std::floor(b) || a > b || a < 0 || b > 1e7) {
    return Error(v, fmt::format("'{}' must be two whole numbers [low, high]", key));
  }
  *lo = static_cast<int>(a);
  *hi = static_cast<int>(b);
  return Status::Ok();
}

}  // namespace norotriage::internal
