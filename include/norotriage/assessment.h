// The result of one assessment (spec/result.md), as plain data.
//
// Text fields are views into the KnowledgeBase that produced the assessment:
// REQUIRES that knowledge base to outlive the Assessment (and, when `kb` is
// set, to be the one it names). Lists are in the
// order the spec gives (flags highest level first; unanswered highest
// reachable disposition first).
#ifndef NOROTRIAGE_ASSESSMENT_H_
#define NOROTRIAGE_ASSESSMENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "norotriage/knowledge_base.h"

namespace norotriage {

class KnowledgeBase;

// DO NOT RENUMBER: ordered, compared and stored.
enum class Level { kSelfCare = 0, kRoutine = 1, kUrgent = 2, kEmergency = 3 };
std::string_view LevelId(Level level);           // "self_care", "routine", ...
bool ParseLevel(std::string_view id, Level* out);

enum class HydrationStatus { kNone = 0, kSome = 1, kSevere = 2 };
std::string_view HydrationStatusId(HydrationStatus s);

enum class Advice { kOk, kCaution, kAvoid, kReview };
std::string_view AdviceId(Advice a);

using Range = std::pair<int, int>;  // inclusive [low, high]

struct FlagHit {
  std::string_view id;
  Level level = Level::kSelfCare;
  std::string_view title;
  std::string_view advice;
  std::vector<std::string_view> because;   // finding ids that made it fire
  std::vector<std::string_view> sources;   // citations
};

struct IvPlan {              // plan C figures for clinicians, when weight is known
  int total_ml = 0;
  int first_ml = 0;
  int first_minutes = 0;
  int then_ml = 0;
  double then_hours = 0;
};

struct HydrationResult {
  HydrationStatus status = HydrationStatus::kNone;
  bool assessed = false;
  char plan = 'A';                           // 'A', 'B' or 'C'
  std::optional<int> ors_ml;                 // plan B with weight
  std::optional<Range> ors_ml_range;         // plan B without weight
  int over_hours = 0;                        // plan B: hours for the ORS
  std::optional<Range> per_loose_stool_ml;   // plan A
  std::optional<int> maintenance_ml_per_day; // when weight is known
  std::optional<double> weight_loss_percent; // one decimal
  std::optional<IvPlan> iv;                  // plan C with weight
  // Issue 16: amounts a person can pour. Plan B's ORS for each `portion_minutes`
  // (ors_ml or ors_ml_range / (over_hours * 60 / portion_minutes)), rounded to
  // the nearest 5 ml, at least 5; lo == hi with a weight.
  int portion_minutes = 0;                   // 15; 0 when no portion is given
  std::optional<Range> ors_ml_per_portion;
  std::optional<std::pair<double, double>> ors_cups_per_portion;  // quarter cups (cup_ml)
  std::optional<int> per_vomit_ml;           // plans A and B, with weight (nearest 5 ml)
  std::optional<double> maintenance_cups_per_day;  // quarter cups, with maintenance_ml_per_day
  int cup_ml = 0;                            // the cup the cups count (250); 0: no cups
  bool fluid_limit = false;                  // plan B in heart or kidney failure: no volume given
  std::string_view fluid_limit_text;         // what to do instead (fluid_limit only)
  std::vector<std::string_view> because;     // finding ids behind the status
  std::string_view status_text;
  std::string_view plan_text;
  std::vector<std::string_view> sources;
};

// A weight-based dose measured from one strength of liquid (issue 16): ml is
// the mg dose rounded DOWN to the knowledge base's step (0.5 ml), so that
// ml x strength <= the mg dose and max_doses_per_24h x that <= max_mg_per_24h.
struct LiquidDose {
  double strength_mg = 0;                    // mg ...
  double strength_ml = 5;                    // ... in this many ml
  std::string_view name;                     // e.g. "infant paracetamol liquid (120 mg in 5 ml)"
  double ml = 0;                             // 0: too small to measure (measurable false)
  double mg = 0;                             // what `ml` holds
  int max_doses_per_24h = 0;
  bool measurable = false;
};

// The adult dose as whole tablets of one strength: count.first to
// count.second tablets a dose, at most max_per_24h in 24 hours.
struct TabletDose {
  int mg_each = 0;
  std::string_view name;                     // e.g. "500 mg tablets"
  Range count{0, 0};
  int max_per_24h = 0;
};

struct Dose {
  Range mg_per_dose{0, 0};
  Range hours_between{0, 0};                 // min_hours_between = first
  int max_mg_per_24h = 0;
  int max_doses_per_24h = 0;                 // 0: not stated
  std::string_view note;
  // Issue 16 (default-initialised, so that Dose{mg, hours, max, doses, note} still builds one):
  std::vector<LiquidDose> liquids{};         // weight-based doses (children), one per strength
  std::optional<TabletDose> tablets{};       // adult doses
  std::string_view measure_text{};           // "use the syringe that comes with the medicine"
  std::string_view too_small_text{};         // said for a liquid that is not measurable
};

struct MedicineResult {
  std::string_view id;
  std::string_view name;
  Advice advice = Advice::kOk;
  std::vector<std::string_view> reasons;
  std::optional<Dose> dose;
  std::string_view dose_text;                // e.g. "follow the pack" when no dose
  std::vector<std::string_view> sources;
};

struct MechanismHit {
  std::string_view id;
  std::string_view title;
  std::string_view explanation;
  std::vector<std::string_view> because;
  std::vector<std::string_view> sources;
};

struct PainType {
  std::string_view region;                   // "back" | "legs"
  std::string_view type;                     // "muscular" | "nerve" | "infectious" | "vascular"
  std::string_view text;
};

struct TextItem {
  std::string_view id;
  std::string_view text;
};

struct ReviewPoint {
  std::string_view pain;                     // "back" | "legs" | "vomiting" | "diarrhoea"
  std::optional<double> days_left;           // absent when the days are unknown
  int after_days = 0;
  std::string_view text;
};

struct SafetyNetItem {
  std::string_view flag;
  Level level = Level::kSelfCare;
  std::string_view text;
};

struct UnansweredItem {
  std::string_view finding;
  Level could_reach = Level::kSelfCare;
  std::string_view question;
  std::vector<std::string_view> for_flags;   // flags the answer could raise
};

struct Assessment {
  std::optional<std::string> ref;
  Level disposition = Level::kSelfCare;
  std::string_view disposition_label;
  std::string_view summary;
  std::vector<FlagHit> flags;
  HydrationResult hydration;
  std::vector<MedicineResult> medicines;
  std::vector<MechanismHit> mechanisms;
  std::vector<PainType> pain_types;
  std::vector<TextItem> self_care;            // what to do now (and while waiting)
  std::vector<TextItem> self_care_after_seen; // emergency/urgent: home care for after being seen
  std::vector<TextItem> expected;            // follow_up.expected, one item per part
  std::vector<ReviewPoint> review;
  std::vector<SafetyNetItem> safety_net;       // at most 10 signs, most serious first
  std::vector<SafetyNetItem> safety_net_more;  // the rest, in the same order
  std::vector<UnansweredItem> unanswered;
  std::string_view kb_version;
  std::vector<std::string_view> rules_fired;
  // The numbers to call for help (result "call"): the knowledge base's
  // (KnowledgeBase::call_numbers), set by Assess; null: none. Borrowed.
  const CallNumbers* call = nullptr;
  // The knowledge base whose texts the views above show, set by Assess; null
  // for an assessment built by hand. Borrowed. Writers use it to copy those
  // texts ready-rendered (ToJson); what they write is the same without it.
  const KnowledgeBase* kb = nullptr;
};

}  // namespace norotriage

#endif  // NOROTRIAGE_ASSESSMENT_H_
