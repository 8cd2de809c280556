// The compiled knowledge base: everything the evaluator needs, immutable.
//
// Value slots: slots [0, findings.size()) are the findings of a request, in
// vocabulary order; then the derived values kWeightLossSlot and
// kHydrationSlot (see SlotLayout). All conditions are slices of `program`.
//
// Thread safety: never modified after the compiler returns it; shared
// read-only by every thread.
#ifndef NOROTRIAGE_COMPILE_COMPILED_KB_H_
#define NOROTRIAGE_COMPILE_COMPILED_KB_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compile/program.h"
#include "norotriage/assessment.h"
#include "norotriage/knowledge_base.h"

namespace norotriage::internal {

using Sources = std::vector<std::string>;  // resolved citations

struct FlagRule {
  std::string id;
  Level level = Level::kUrgent;
  Cond when;
  std::string title, advice, safety_net;
  Sources sources;
  // `contradicts` as written (e.g. "pain_types.back.muscular"): what this
  // flag, when it fires, says the pain is not. Resolved into the targets'
  // `excluded_by` lists; kept for the review pack.
  std::vector<std::string> contradicts;
};

struct Band {                 // an age band with a volume range
  double min_age = 0;         // inclusive
  double max_age = 1e9;       // exclusive
  Range ml{0, 0};
};

struct HydrationRules {
  Cond severe, some;
  std::vector<int> sign_slots;  // slots whose being known makes the status "assessed"
  std::array<std::string, 3> status_text;
  std::string plan_text[3];     // A, B, C
  std::vector<Band> per_stool;  // plan A
  double ors_ml_per_kg = 75, over_hours = 4, ors_max_ml = 4000;
  std::vector<Band> ors_by_age; // plan B without weight
  Cond fluid_limit_when;        // plan B: no volume when true (heart or kidney failure); empty: never
  std::string fluid_limit_text; // what to do instead
  double iv_ml_per_kg = 100, first_ml_per_kg = 30, first_minutes = 30;
  double then_ml_per_kg = 70, then_hours = 2.5;
  double child_below_age = 16, adult_ml_per_kg = 30;
  std::vector<std::pair<double, double>> holliday_segar;  // {up_to_kg (inf for last), ml_per_kg}
  // Amounts a person can pour (issue 16): plan B's ORS per `portion_minutes`,
  // extra after each vomit (with weight), and cups of `cup_ml`. 0: not given.
  double portion_minutes = 0, per_vomit_ml_per_kg = 0, cup_ml = 0;
  Sources sources;
};

struct MedCondition {
  Cond when;
  std::string reason, if_unknown;
  Sources sources;
};

struct DoseRule {
  bool present = false;
  double min_age = 16, min_weight = 0;
  Range mg{0, 0};
  Range hours{0, 0};
  int max_mg_24h = 0, max_doses_24h = 0;
  std::string note;
  // by weight
  double mg_per_kg = 0, max_mg_dose = 0, max_mg_per_kg_24h = 0;
  Range wt_hours{0, 0};
  int wt_max_mg_24h = 0;
  bool has_by_weight = false;
  // How a person measures it (issue 16; `measure:` in medicines.yaml): the
  // weight-based dose in ml of each liquid, rounded down to ml_step; the adult
  // dose in tablets of tablet_mg. Empty/0: not given.
  struct Liquid {
    double mg = 0, per_ml = 5;  // mg in per_ml ml
    std::string name;
  };
  std::vector<Liquid> liquids;
  double ml_step = 0.5;
  double min_share = 0;         // a liquid amount below this share of the mg dose is "too small to measure"
  int tablet_mg = 0;
  std::string tablet_name, measure_text, too_small_text;
};

struct MedicineRule {
  std::string id, name;
  bool is_review = false;              // sick_day_rules style
  MedCondition review;                 // is_review only
  Cond listed_when;                    // listed only when true; empty: always (review: review.when)
  std::vector<std::string> notes;      // said with any advice but avoid (e.g. "not on broken skin")
  std::vector<MedCondition> avoid, caution;
  std::string ok_text;
  DoseRule dose;
  std::string no_weight_text, not_kept_down_text;
  int caution_max_mg_24h = 0;          // 0: none
  Sources sources;                     // union of all conditions' sources
};

// Where a self-care item is said, by disposition (self_care.yaml `dispositions`).
// DO NOT RENUMBER: stored in the knowledge-base image.
enum class CareUse : uint8_t { kNo = 0, kNow = 1, kAfterSeen = 2 };

struct TextRule {                      // mechanisms, self-care, expected course
  std::string id, title, text;
  Cond when;                           // empty: always
  Sources sources;
  std::array<CareUse, 4> use{};        // self-care only: by Level (all kNo for the others)
  std::vector<uint32_t> excluded_by;   // mechanisms only: indexes into flags (see FlagRule::contradicts)
};

struct PainTypeRule {
  std::string type, text;
  Cond when;
  Sources sources;
  std::vector<uint32_t> excluded_by;   // indexes into flags: not listed when one of them fired
};

struct PainRegion {
  std::string region;
  Cond present;
  std::string default_type, default_text;
  std::vector<PainTypeRule> types;
  std::vector<uint32_t> default_excluded_by;  // as PainTypeRule::excluded_by, for the default
};

struct ReviewRule {
  std::string pain, text;
  Cond present;
  int days_slot = -1;
  int after_days = 0;
  Sources sources;
};

// A finding asked only of some people (FindingSpec::asked_when), compiled.
struct Applicability {
  int slot = -1;                 // the finding
  Cond asked_when;               // reads only findings without an Applicability of their own
  double otherwise = 0;          // the value read when asked_when is false and the finding not given
  std::vector<int> reads;        // the finding slots asked_when reads (asked first by the interview)
};

struct ConsistencyRule {
  Cond error_if;
  std::string path, message;
};

// Wording and order of the interview (knowledge/interview.yaml).
struct InterviewRules {
  // The opening screens, in order: {"complaint"} (the complaint checklist),
  // one finding id (a question), or several (a form titled opening_title).
  std::vector<std::vector<std::string>> opening;
  std::string opening_title;                     // form_title.opening
  std::vector<int> complaint_slots;              // bool findings of the complaint checklist
  std::string complaint_title, complaint_help, complaint_why;
  // Group order when the complaint is back pain, aching legs, or neither.
  std::vector<std::string> order_back, order_legs, order_default;
  std::array<std::string, 4> checklist_title;    // by Level (self_care: care-plan checklists)
  std::array<std::string, 4> form_title;
  std::string none_of_these, dont_know, yes, no;
  std::string why_flags;                         // contains "{flags}"
  std::string why_hydration, why_medicines, why_pain_course, why_age, why_weight;
  std::string why_applies;                       // a finding that decides who other findings apply to (sex)
  std::string emergency_banner;
  // Signs shown on the same checklist as the signs they often come with, so
  // that an emergency stop does not hide them (e.g. a swollen leg with chest
  // pain). Pairs of slot lists: {with, show}.
  std::vector<std::pair<std::vector<int>, std::vector<int>>> companions;
  int max_checklist_items = 12;
  int max_form_questions = 5;
};

// How an episode's history is told back (knowledge/history.yaml).
struct HistoryTexts {
  std::string score_change;       // {pain} {first} {first_day} {last} {last_day}
  std::string pain_back, pain_legs;
  std::string hydration_change;   // {before} {before_day} {now} {now_day}
  std::array<std::string, 3> status_names;  // none, some, severe
  std::string overdue;            // {days}
  // Expected course of each pain score: {day, low, high} points.
  std::vector<std::array<double, 3>> course_back, course_legs;
  Sources sources;
};

// Hashes std::string and std::string_view alike, so that a map keyed by
// std::string can be searched with a string_view without building a string
// (FindingIndex runs for every key of every request).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class FastProgram;       // eval/fast_eval.h
class ResultFragments;   // output/result_fragments.h

// Something worked out from the rest of a CompiledKb on first use and kept
// with it: the fast form of the conditions (FastOf, eval/fast_eval.h), the
// knowledge base's texts rendered as JSON (FragmentsOf,
// output/result_fragments.h). It is not part of the image (kb/kb_image.cc). A
// copy or an assignment leaves it empty, so a copy that is changed afterwards
// (tests compile into one) never uses a stale form.
//
// Thread safety: Get may be called from any number of threads at once; the
// first call builds, the others wait for it.
template <typename T>
class DerivedCache {
 public:
  DerivedCache() = default;
  DerivedCache(const DerivedCache&) {}
  DerivedCache& operator=(const DerivedCache&) {
    std::lock_guard lock(mu_);
    ptr_.store(nullptr);
    owner_.reset();
    return *this;
  }

  // The kept value; on the first call, what build() returns
  // (a std::shared_ptr<const T>, never null).
  template <typename Build>
  const T& Get(Build build) {
    if (const T* p = ptr_.load(std::memory_order_acquire)) return *p;
    std::lock_guard lock(mu_);
    if (const T* p = ptr_.load(std::memory_order_relaxed)) return *p;
    owner_ = build();
    ptr_.store(owner_.get(), std::memory_order_release);
    return *owner_;
  }

 private:
  std::mutex mu_;                        // guards building
  std::atomic<const T*> ptr_{nullptr};   // owner_.get() once built
  std::shared_ptr<const T> owner_;
};

struct DispositionText {
  std::string label, summary;
};

// An item of kb.yaml `open_for_review`: a question of policy left to clinicians
// (listed in the review pack, kb/review_pack.h; never read by the engine).
struct OpenItem {
  std::string id, text;
  Sources sources;
};

struct CompiledKb {
  std::string version;
  std::vector<FindingSpec> findings;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> finding_index;
  std::vector<std::string> slot_names;                 // findings, then derived
  std::vector<std::vector<std::string>> slot_choices;  // per slot
  int weight_loss_slot = -1, hydration_slot = -1;
  int age_slot = -1, weight_slot = -1, pre_weight_slot = -1;
  int keeps_fluids_down_slot = -1;
  // Findings that do not change during an illness (group "patient", except
  // weight, and group "medicines": long-term conditions and medicines): a
  // flag false on these alone can never apply to this person.
  std::vector<int> static_slots;
  // Findings worked out from an episode's history (group "history"): never
  // asked as questions, so never listed in `unanswered`.
  std::vector<uint8_t> history_slot;  // 1 for a history finding (vector<bool> would not serialise)
  size_t slot_count() const { return slot_names.size(); }

  Program program;
  std::vector<std::pair<std::string, Cond>> definitions;
  std::vector<ConsistencyRule> consistency;
  std::vector<Applicability> applicability;             // in vocabulary order
  std::array<DispositionText, 4> dispositions;         // indexed by Level
  std::vector<FlagRule> flags;                         // highest level first, file order within
  HydrationRules hydration;
  std::vector<MedicineRule> medicines;
  std::vector<TextRule> mechanisms;
  std::vector<PainRegion> pain_regions;
  std::vector<TextRule> self_care;
  std::vector<TextRule> expected;
  std::vector<ReviewRule> review;
  std::vector<std::pair<std::string, std::string>> sources;  // id, cite
  InterviewRules interview;
  HistoryTexts history;
  std::vector<OpenItem> open_for_review;
  CallNumbers call_numbers;                            // kb.yaml `call_numbers` (optional: empty)
  Sources call_sources;
  // The source text of every condition the loader compiled, keyed by the
  // start of its code (each compiled condition appends a fresh slice of
  // `program`, so starts are unique), in rising order. Read with
  // ConditionText; only the review pack uses it.
  std::vector<std::pair<uint32_t, std::string>> condition_text;

  // Derived on first use; see DerivedCache.
  mutable DerivedCache<FastProgram> fast_cache;
  mutable DerivedCache<ResultFragments> result_fragments;
};

// The source text of condition `c` as written in the knowledge base, or ""
// when it has none (an empty condition, or one compiled outside the loader).
inline std::string_view ConditionText(const CompiledKb& kb, Cond c) {
  if (c.empty()) return {};
  auto it = std::lower_bound(kb.condition_text.begin(), kb.condition_text.end(), c.begin,
                             [](const auto& e, uint32_t b) { return e.first < b; });
  return it != kb.condition_text.end() && it->first == c.begin ? std::string_view(it->second)
                                                              : std::string_view();
}

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_COMPILE_COMPILED_KB_H_
