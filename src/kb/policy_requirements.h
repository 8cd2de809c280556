// What spec/policy.md requires the knowledge base to contain. The loader
// refuses a knowledge base that lacks any of these or sets a flag lower than
// the policy does (the product may add rules, never drop or lower them).
#ifndef NOROTRIAGE_KB_POLICY_REQUIREMENTS_H_
#define NOROTRIAGE_KB_POLICY_REQUIREMENTS_H_

#include <string_view>
#include <utility>

#include "norotriage/assessment.h"

namespace norotriage::internal {

struct RequiredFlag {
  std::string_view id;
  Level level;
};

inline constexpr RequiredFlag kRequiredFlags[] = {
    {"cauda_equina", Level::kEmergency},        {"progressive_weakness", Level::kEmergency},
    {"meningitis_or_sepsis", Level::kEmergency}, {"severe_dehydration", Level::kEmergency},
    {"chest_or_breathing", Level::kEmergency},  {"swallowing_weakness", Level::kEmergency},
    {"seizure", Level::kEmergency},
    {"spinal_infection", Level::kUrgent},       {"kidney_infection", Level::kUrgent},
    {"kidney_stone", Level::kUrgent},           {"spinal_injury", Level::kUrgent},
    {"cancer_concern", Level::kUrgent},         {"new_leg_weakness", Level::kUrgent},
    {"guillain_barre", Level::kUrgent},         {"bilateral_leg_symptoms", Level::kUrgent},
    {"dvt", Level::kUrgent},                    {"rhabdomyolysis", Level::kUrgent},
    {"electrolyte_imbalance", Level::kUrgent},  {"cannot_keep_fluids_down", Level::kUrgent},
    {"dehydration_high_risk", Level::kUrgent},  {"no_urine_8h", Level::kUrgent},
    {"blood_in_stool", Level::kUrgent},         {"green_vomit", Level::kUrgent},
    {"high_fever", Level::kUrgent},             {"prolonged_vomiting", Level::kUrgent},
    {"infant", Level::kUrgent},                 {"child_refuses_to_walk", Level::kUrgent},
    {"hot_swollen_joint", Level::kUrgent},
    {"persistent_back_pain", Level::kRoutine},  {"persistent_leg_pain", Level::kRoutine},
    {"worsening_back_pain", Level::kRoutine},   {"worsening_leg_pain", Level::kRoutine},
    {"back_pain_limits_mobility", Level::kRoutine}, {"nerve_root_pain", Level::kRoutine},
    {"non_mechanical_back_pain", Level::kRoutine},  {"prolonged_diarrhoea", Level::kRoutine},
    {"possible_reactive_arthritis", Level::kRoutine}, {"urinary_infection", Level::kRoutine},
};

inline constexpr std::string_view kRequiredMedicines[] = {"paracetamol", "ibuprofen",
                                                          "sick_day_rules"};
inline constexpr std::string_view kRequiredMechanisms[] = {"fluid_loss", "retching_strain",
                                                           "inflammation", "immobility", "posture"};
inline constexpr std::string_view kRequiredPainRegions[] = {"back", "legs"};
inline constexpr std::string_view kRequiredReviews[] = {"back", "legs", "vomiting", "diarrhoea"};
// Findings the engine's formulas read directly.
inline constexpr std::string_view kRequiredFindings[] = {
    "age_years", "weight_kg", "pre_illness_weight_kg", "keeps_fluids_down"};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_POLICY_REQUIREMENTS_H_
