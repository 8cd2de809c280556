// The findings of one request: what a person reported, in three values.
//
// A Findings is a dense array indexed by the knowledge base's finding index
// (KnowledgeBase::FindingIndex). Each slot is unknown, or a number: bools are
// 0/1, choices are the index of the choice in the finding's list, numbers are
// themselves. Unknown is never "no": the engine reasons with it.
//
// Thread safety: a value type; distinct objects may be used from any thread.
#ifndef NOROTRIAGE_FINDINGS_H_
#define NOROTRIAGE_FINDINGS_H_

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace norotriage {

class Findings {
 public:
  static constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

  Findings() = default;
  // All `size` findings unknown.
  explicit Findings(size_t size) : values_(size, kUnknown) {}

  size_t size() const { return values_.size(); }
  bool known(size_t i) const { return !std::isnan(values_[i]); }
  // REQUIRES: i < size(). kUnknown (NaN) when unknown.
  double get(size_t i) const { return values_[i]; }
  // REQUIRES: i < size(); v is finite (validated by the request parser).
  void set(size_t i, double v) { values_[i] = v; }
  void clear(size_t i) { values_[i] = kUnknown; }
  const double* data() const { return values_.data(); }

  bool operator==(const Findings& o) const;

 private:
  std::vector<double> values_;
};

// One assessment request (spec/request.md): an optional reference echoed back,
// and the findings.
struct Request {
  std::optional<std::string> ref;
  Findings findings;
  // declined[i]: finding i was given as null, i.e. asked and answered "I don't
  // know". Still unknown to the engine; the interview does not ask it again.
  // Empty, or one entry per finding.
  std::vector<bool> declined;
};

// A bad request: the JSON path of the offending value (e.g.
// "$.findings.back_pain_score") and what is wrong with it.
struct InputError {
  std::string path;
  std::string message;
  std::string ToString() const { return path + ": " + message; }
};

}  // namespace norotriage

#endif  // NOROTRIAGE_FINDINGS_H_
