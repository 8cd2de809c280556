// Amounts in words (issue 16): fluids per 15 minutes and in cups, liquid
// doses in ml, adult doses in tablets. Shared by the terminal text, FHIR and
// CDS Hooks, so that every surface says the same figures the same way.
#ifndef NOROTRIAGE_OUTPUT_AMOUNTS_TEXT_H_
#define NOROTRIAGE_OUTPUT_AMOUNTS_TEXT_H_

#include <string>
#include <utility>

#include "norotriage/assessment.h"

namespace norotriage::internal {

// Quarter cups in words: "¼ cup", "1 cup", "8½ cups"; 0 is "less than ¼ cup".
std::string CupsText(double cups);
// "½ to 1 cup", or CupsText when both ends are equal.
std::string CupsRangeText(std::pair<double, double> cups);
// Plan B for each portion: "Every 15 minutes: about 250 ml (1 cup), in small
// sips." Empty when the result has no portion.
std::string PortionSentence(const HydrationResult& h);
// "After each vomit: about 140 ml more to drink." Empty without per_vomit_ml.
std::string VomitSentence(const HydrationResult& h);
// "about 2100 ml a day (8½ cups)": the daily need; empty without it.
std::string DailyNeedText(const HydrationResult& h);
// "Paracetamol liquid … (120 mg in 5 ml): 8.5 ml each time (204 mg), no more
// than 4 times in 24 hours." or, when it cannot be measured, the name and
// `too_small_text`.
std::string LiquidSentence(const LiquidDose& l, std::string_view too_small_text);
// "As tablets: 1 or 2 tablets (500 mg each) each time, no more than 8
// tablets in 24 hours."
std::string TabletSentence(const TabletDose& t);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_OUTPUT_AMOUNTS_TEXT_H_
