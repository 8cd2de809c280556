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
    // policy v2
    {"severe_abdominal_pain", Level::kEmergency}, {"aortic_emergency", Level::kEmergency},
    {"pancreatitis", Level::kEmergency},        {"gut_bleed", Level::kEmergency},
    {"bowel_obstruction", Level::kEmergency},   {"dka", Level::kEmergency},
    {"hus_signs", Level::kEmergency},           {"ectopic_rupture", Level::kEmergency},
    {"neutropenic_sepsis", Level::kEmergency},  {"adrenal_crisis", Level::kEmergency},
    {"lithium_toxicity", Level::kEmergency},    {"young_baby_fever", Level::kEmergency},
    {"testicular_torsion", Level::kEmergency},
    {"constant_abdominal_pain", Level::kUrgent}, {"appendicitis", Level::kUrgent},
    {"sudden_severe_pain", Level::kUrgent},     {"vomiting_blood", Level::kUrgent},
    {"fainted", Level::kUrgent},                {"possible_ectopic", Level::kUrgent},
    {"upper_uti", Level::kUrgent},              {"uti_in_pregnancy", Level::kUrgent},
    {"insulin_and_vomiting", Level::kUrgent},   {"sglt2_and_vomiting", Level::kUrgent},
    {"ketones_rising", Level::kUrgent},         {"steroid_sick_day", Level::kUrgent},
    {"chemo_and_gut_upset", Level::kUrgent},    {"lithium_and_gut_upset", Level::kUrgent},
    {"low_temperature", Level::kUrgent},        {"immunosuppressed_fever", Level::kUrgent},
    {"severe_pain_with_fever", Level::kUrgent}, {"upper_back_pain", Level::kUrgent},
    {"night_pain_with_risk", Level::kUrgent},   {"back_pain_fever_after_bug", Level::kUrgent},
    {"severe_pain_persisting", Level::kRoutine},
};

inline constexpr std::string_view kRequiredMedicines[] = {
    "paracetamol", "ibuprofen", "ibuprofen_gel", "menthol_rub", "sick_day_rules",
    "insulin_sick_day", "steroid_sick_day", "lithium_sick_day"};
inline constexpr std::string_view kRequiredMechanisms[] = {"fluid_loss", "retching_strain",
                                                           "inflammation", "immobility", "posture"};
inline constexpr std::string_view kRequiredPainRegions[] = {"back", "legs"};
inline constexpr std::string_view kRequiredReviews[] = {"back", "legs", "vomiting", "diarrhoea"};
// Findings the engine's formulas read directly.
inline constexpr std::string_view kRequiredFindings[] = {
    "age_years", "weight_kg", "pre_illness_weight_kg", "keeps_fluids_down"};

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_POLICY_REQUIREMENTS_H_
