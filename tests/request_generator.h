// A seeded generator of valid, varied, realistic requests for property tests:
// random subsets of the vocabulary, values on and around the rules'
// thresholds, and "well adult" baselines. Reproducible for a seed.
#ifndef NOROTRIAGE_TESTS_REQUEST_GENERATOR_H_
#define NOROTRIAGE_TESTS_REQUEST_GENERATOR_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "compile/compiled_kb.h"

namespace norotriage::testing {

using nlohmann::json;
using internal::CompiledKb;

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t Next() { return gen_(); }
  // Uniform in [0, n); n > 0. The modulo bias is negligible for small n.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Uniform in [0, 1), 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  std::mt19937_64 gen_;
};

// One request under construction: a value per finding, or nothing (unknown).
using Values = std::vector<std::optional<json>>;

class RequestGenerator {
 public:
  explicit RequestGenerator(const CompiledKb& kb) : kb_(kb), thresholds_(kb.findings.size()) {
    // The constants each number finding is compared with, so that values land
    // on and around the rules' boundaries.
    const auto& code = kb.program.code;
    for (const internal::Instr& in : code) {
      if (in.op == internal::Op::kCompare && in.slot >= 0 &&
          static_cast<size_t>(in.slot) < kb.findings.size()) {
        thresholds_[in.slot].push_back(in.value);
      } else if (in.op == internal::Op::kSum) {
        for (int i = 0; i < in.n; ++i) {
          const int slot = kb.program.sum_slots[in.slot + i];
          if (slot >= 0 && static_cast<size_t>(slot) < kb.findings.size()) {
            thresholds_[slot].push_back(in.value);
            thresholds_[slot].push_back(std::floor(in.value / 2));
          }
        }
      }
    }
    for (auto& t : thresholds_) {
      std::sort(t.begin(), t.end());
      t.erase(std::unique(t.begin(), t.end()), t.end());
    }
  }

  // A random valid value for finding `i`; bools are true with `p_true`.
  json RandomValue(Rng& rng, size_t i, double p_true) const {
    const FindingSpec& f = kb_.findings[i];
    switch (f.type) {
      case FindingType::kBool:
        return rng.Chance(p_true);
      case FindingType::kChoice:
        // The first choice is the usual answer (normal, alert, none, ...):
        // biased to it like a bool to "no", so that well people are generated.
        return rng.Chance(1 - p_true) ? f.choices.front() : rng.Pick(f.choices);
      case FindingType::kNumber:
      case FindingType::kInteger:
        break;
    }
    double x;
    const double r = rng.Unit();
    if (r < 0.5 && !thresholds_[i].empty()) {
      static const std::vector<double> kDeltas = {0, 0, 0, -0.1, 0.1, -0.5, 0.5, -1, 1, -3, 3};
      x = rng.Pick(thresholds_[i]) + rng.Pick(kDeltas);
    } else if (r < 0.8) {
      // Most interesting values are small: days, counts, hours.
      x = f.min + rng.Unit() * std::min(f.max - f.min, 40.0);
    } else {
      x = f.min + rng.Unit() * (f.max - f.min);
    }
    x = std::clamp(x, f.min, f.max);
    if (f.type == FindingType::kInteger) {
      const double n = std::clamp(std::round(x), std::ceil(f.min), std::floor(f.max));
      return static_cast<int64_t>(n);
    }
    x = std::round(x * 10) / 10;  // one decimal, as people answer
    return std::clamp(x, f.min, f.max);
  }

  Values Generate(Rng& rng) const {
    static const std::vector<double> kIncluded = {0.05, 0.15, 0.3, 0.6, 0.9, 1.0};
    static const std::vector<double> kTrue = {0.02, 0.05, 0.15, 0.3, 0.5};
    const double p_included = rng.Pick(kIncluded);
    const double p_true = rng.Pick(kTrue);
    Values v(kb_.findings.size());
    // One request in five starts from a well adult who has answered every
    // question about medicines and hydration (the only way to reach ibuprofen
    // "ok", which needs all its avoid-conditions known to be false); a few
    // of those answers are then changed or left out at random, and sometimes
    // every hydration sign is left out (hydration not assessed).
    const bool well = rng.Chance(0.2);
    const bool no_hydration = well && rng.Chance(0.15);
    std::vector<bool> skip(v.size());
    if (well) {
      for (const auto& [id, value] : WellAdult()) {
        const int i = kb_.finding_index.at(id);
        skip[i] = no_hydration && kb_.findings[i].group == "hydration";
        if (skip[i] || (i != kb_.age_slot && rng.Chance(0.03))) continue;
        v[i] = rng.Chance(0.05) ? RandomValue(rng, i, p_true) : value;
      }
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] || skip[i]) continue;
      if (no_hydration && (kb_.findings[i].group == "hydration" ||
                           static_cast<int>(i) == kb_.pre_weight_slot)) {
        continue;
      }
      if (static_cast<int>(i) == kb_.age_slot || rng.Chance(well ? p_included / 4 : p_included)) {
        v[i] = RandomValue(rng, i, well ? 0.02 : p_true);
      }
    }
    return v;
  }

  static const std::vector<std::pair<std::string, json>>& WellAdult() {
    static const std::vector<std::pair<std::string, json>> well = {
        {"age_years", 35}, {"sex", "male"}, {"pregnancy_weeks", 0},
        {"gi_ongoing", false}, {"keeps_fluids_down", true},
        {"thirst", "normal"}, {"dry_mouth", false}, {"dark_urine", false},
        {"urinations_24h", 6}, {"hours_since_urine", 3}, {"dizzy_on_standing", false},
        {"sunken_eyes", false}, {"skin_pinch", "normal"}, {"alertness", "alert"},
        {"cold_mottled_skin", false},
        {"kidney_disease", false}, {"ulcer_or_gi_bleed", false}, {"anticoagulant", false},
        {"heart_failure", false}, {"asthma", false}, {"asthma_worse_with_nsaids", false},
        {"bp_or_water_tablets", false}, {"heavy_alcohol", false}, {"lithium", false},
        {"regular_nsaid", false}, {"steroid_dependent", false}};
    return well;
  }

 private:
  const CompiledKb& kb_;
  std::vector<std::vector<double>> thresholds_;  // per finding, sorted, unique
};

inline std::string ToRequestJson(const CompiledKb& kb, const Values& v) {
  json findings = json::object();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i]) findings[kb.findings[i].id] = *v[i];
  }
  return json{{"findings", findings}}.dump();
}

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_REQUEST_GENERATOR_H_
