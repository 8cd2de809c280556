// The wire ids of the assessment enums (spec/result.md). These strings are
// part of contract v1: never change one, only add.
#include "norotriage/assessment.h"

#include <array>

namespace norotriage {
namespace {

// Indexed by the enum's value; the enums are DO NOT RENUMBER.
constexpr std::array<std::string_view, 4> kLevelIds = {"self_care", "routine", "urgent",
                                                       "emergency"};
constexpr std::array<std::string_view, 3> kHydrationIds = {"none", "some", "severe"};
constexpr std::array<std::string_view, 4> kAdviceIds = {"ok", "caution", "avoid", "review"};

// An enum value outside its list can only come from a bad cast; say so rather
// than index out of bounds.
constexpr std::string_view kUnknownId = "unknown";

template <typename Enum, size_t N>
std::string_view IdOf(const std::array<std::string_view, N>& ids, Enum value) {
  const auto i = static_cast<size_t>(value);
  return i < N ? ids[i] : kUnknownId;
}

}  // namespace

std::string_view LevelId(Level level) { return IdOf(kLevelIds, level); }

bool ParseLevel(std::string_view id, Level* out) {
  for (size_t i = 0; i < kLevelIds.size(); ++i) {
    if (kLevelIds[i] == id) {
      if (out != nullptr) *out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

std::string_view HydrationStatusId(HydrationStatus s) { return IdOf(kHydrationIds, s); }

std::string_view AdviceId(Advice a) { return IdOf(kAdviceIds, a); }

}  // namespace norotriage
