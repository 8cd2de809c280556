#include "output/amounts_text.h"

#include <cmath>

#include <fmt/format.h>

namespace norotriage::internal {
namespace {

std::string_view Fraction(int quarters) {
  switch (quarters) {
    case 1: return "\u00bc";  // ¼
    case 2: return "\u00bd";  // ½
    case 3: return "\u00be";  // ¾
    default: return "";
  }
}

// "1", "8½", "¼" (no unit).
std::string CupsNumber(double cups) {
  const long long q = std::llround(cups * 4.0);
  const long long whole = q / 4;
  const int rest = static_cast<int>(q % 4);
  if (whole == 0) return std::string(Fraction(rest));
  return fmt::format("{}{}", whole, Fraction(rest));
}

std::string_view CupWord(double cups) { return cups > 1.0 ? "cups" : "cup"; }

// "8.5", "8", "204" (the shortest form that reads back the same).
std::string Ml(double ml) { return fmt::format("{}", ml); }

std::string Mg(double mg) { return fmt::format("{}", mg); }

std::string MlRange(const Range& r) {
  return r.first == r.second ? fmt::format("{}", r.first) : fmt::format("{} to {}", r.first, r.second);
}

}  // namespace

std::string CupsText(double cups) {
  if (!(cups >= 0.25)) return "less than \u00bc cup";
  return fmt::format("{} {}", CupsNumber(cups), CupWord(cups));
}

std::string CupsRangeText(std::pair<double, double> cups) {
  if (cups.first == cups.second) return CupsText(cups.first);
  if (!(cups.first >= 0.25)) return fmt::format("up to {}", CupsText(cups.second));
  return fmt::format("{} to {} {}", CupsNumber(cups.first), CupsNumber(cups.second), CupWord(cups.second));
}

std::string PortionSentence(const HydrationResult& h) {
  if (!h.ors_ml_per_portion || h.fluid_limit || h.portion_minutes <= 0) return "";
  std::string cups;
  if (h.ors_cups_per_portion) cups = fmt::format(" ({})", CupsRangeText(*h.ors_cups_per_portion));
  return fmt::format("Every {} minutes: about {} ml{}, in small sips.", h.portion_minutes,
                     MlRange(*h.ors_ml_per_portion), cups);
}

std::string VomitSentence(const HydrationResult& h) {
  if (!h.per_vomit_ml || h.fluid_limit) return "";
  return fmt::format("After each vomit: wait 10 minutes, then about {} ml more to drink.", *h.per_vomit_ml);
}

std::string DailyNeedText(const HydrationResult& h) {
  if (!h.maintenance_ml_per_day || h.fluid_limit) return "";
  std::string s = fmt::format("about {} ml a day", *h.maintenance_ml_per_day);
  if (h.maintenance_cups_per_day) s += fmt::format(" ({})", CupsText(*h.maintenance_cups_per_day));
  return s;
}

std::string LiquidSentence(const LiquidDose& l, std::string_view too_small_text) {
  if (!l.measurable) return fmt::format("{}: {}", l.name, too_small_text);
  return fmt::format("{}: {} ml each time ({} mg), no more than {} {} in 24 hours.", l.name, Ml(l.ml), Mg(l.mg),
                     l.max_doses_per_24h, l.max_doses_per_24h == 1 ? "time" : "times");
}

std::string TabletSentence(const TabletDose& t) {
  const auto [lo, hi] = t.count;
  std::string count = lo == hi ? fmt::format("{}", lo)
                    : hi == lo + 1 ? fmt::format("{} or {}", lo, hi)
                                   : fmt::format("{} to {}", lo, hi);
  std::string s = fmt::format("As tablets: {} {} ({} mg each) each time", count, hi == 1 ? "tablet" : "tablets",
                              t.mg_each);
  if (t.max_per_24h > 0) {
    s += fmt::format(", no more than {} {} in 24 hours", t.max_per_24h, t.max_per_24h == 1 ? "tablet" : "tablets");
  }
  return s + ".";
}

}  // namespace norotriage::internal
