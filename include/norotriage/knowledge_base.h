// The compiled knowledge base: vocabulary, rules, numbers and words.
//
// A KnowledgeBase is loaded from YAML (doc/knowledge-format.md), validated,
// and compiled once into an immutable program. It is never modified after
// Load returns, so one instance may be shared by any number of threads.
// It is neither copyable nor movable: results and views borrow from it.
#ifndef NOROTRIAGE_KNOWLEDGE_BASE_H_
#define NOROTRIAGE_KNOWLEDGE_BASE_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "norotriage/status.h"

namespace norotriage {

namespace internal { struct CompiledKb; }

enum class FindingType { kBool, kNumber, kInteger, kChoice };
std::string_view FindingTypeId(FindingType t);  // "bool", "number", "integer", "choice"

// One entry of the finding vocabulary (spec/request.md).
struct FindingSpec {
  std::string id;
  FindingType type = FindingType::kBool;
  double min = 0, max = 0;                  // kNumber/kInteger only, inclusive
  std::vector<std::string> choices;         // kChoice only
  std::vector<std::string> choice_labels;   // parallel to choices
  std::string group;
  std::string question;                     // plain language, grade <= 8
  std::string label;                        // short phrase for checklists; the question if not given
  std::string help;
  // Who the finding applies to (policy "Who a finding applies to"). When
  // `asked_when` is not empty and is false for a request that does not give
  // the finding, the finding does not apply: it is read as `otherwise`
  // (never unknown), never asked and never listed as unanswered. A value the
  // request gives always counts. Empty: it applies to everyone.
  std::string asked_when;                   // condition text (doc/knowledge-format.md)
  double otherwise = 0;                     // bool 0/1, choice index, or number
};

// A file of the knowledge base: its name (used in error messages) and text.
struct KbFile {
  std::string name;
  std::string text;
};

// The phone numbers a person is told to call (knowledge/kb.yaml
// `call_numbers`: the defaults of the country the knowledge base is written
// for; `norotriage serve --emergency-number N --urgent-number N` sets a
// deployment's own). Each number is empty or passes IsCallNumber.
struct CallNumbers {
  std::string country;    // whose numbers the defaults are, e.g. "United Kingdom"; "" when set for a deployment
  std::string emergency;  // an ambulance, e.g. "999"
  std::string urgent;     // urgent advice that is not an emergency, e.g. "111"
};

// True when `s` can be dialled from a tel: link and read aloud: 2 to 15
// digits, optionally after one leading '+' (E.164 is at most 15 digits).
bool IsCallNumber(std::string_view s);

// Budgets for loading; exceeding one is a clean InvalidArgument error.
struct KbLimits {
  size_t max_files = 64;
  size_t max_bytes = 4 << 20;        // all files together
  size_t max_rules = 1000;
  size_t max_findings = 250;
  size_t max_condition_tokens = 512;
  size_t max_nesting = 32;           // parentheses and at_least() in one condition
  size_t max_program_size = 200000;  // instructions after definitions are inlined
};

class KnowledgeBase {
 public:
  // Reads every *.yaml file of `dir`. Errors name file, line and column.
  static Result<std::shared_ptr<const KnowledgeBase>> LoadDir(const std::string& dir,
                                                              const KbLimits& limits = {});
  // Loads from memory (used for the built-in knowledge base and by fuzzers).
  static Result<std::shared_ptr<const KnowledgeBase>> LoadFiles(const std::vector<KbFile>& files,
                                                                const KbLimits& limits = {});
  // The knowledge base built into the binary: knowledge/ as validated and
  // compiled at build time (an invalid knowledge base fails the build).
  // Loads in well under a millisecond.
  static Result<std::shared_ptr<const KnowledgeBase>> LoadBuiltin();

  KnowledgeBase(const KnowledgeBase&) = delete;  // results borrow from it: identity matters
  KnowledgeBase& operator=(const KnowledgeBase&) = delete;
  ~KnowledgeBase();

  const std::string& version() const;
  const std::vector<FindingSpec>& findings() const;
  // Index of the finding `id`, or -1.
  int FindingIndex(std::string_view id) const;
  // The known finding id closest to `id` (for "did you mean"), or "" if none is close.
  std::string SuggestFinding(std::string_view id) const;
  // Human-readable listing of findings and rules (`norotriage kb show`).
  std::string Describe() const;
  // The numbers to call for help (see CallNumbers).
  const CallNumbers& call_numbers() const;
  // A copy of this knowledge base whose call numbers are `numbers` (an empty
  // number keeps this one's; the country is cleared when a number changes).
  // REQUIRES: each non-empty number passes IsCallNumber.
  // Budget: a copy of the compiled knowledge base (well under a millisecond).
  std::shared_ptr<const KnowledgeBase> WithCallNumbers(const CallNumbers& numbers) const;
  // Dump of the compiled program of every rule (golden tests, `kb show --program`).
  std::string DumpProgram() const;

  // The compiled binary image (tools/kbc.cc writes it at build time).
  std::string ImageForTesting() const;

  // For the library's own layers (engine, interview). Not part of the stable API.
  const internal::CompiledKb& compiled() const { return *impl_; }

 private:
  explicit KnowledgeBase(std::unique_ptr<internal::CompiledKb> impl);
  std::unique_ptr<internal::CompiledKb> impl_;
};

}  // namespace norotriage

#endif  // NOROTRIAGE_KNOWLEDGE_BASE_H_
