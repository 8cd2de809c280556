#include "kb/advice_rules.h"

#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace norotriage::internal {

Status ReadCareUse(const YamlReader& r, const YAML::Node& e, std::array<CareUse, 4>* out) {
  out->fill(CareUse::kNo);
  YAML::Node d = e["dispositions"];
  if (!d) {
    return r.Error(e, "a self-care item must say at which dispositions it is said: 'dispositions' "
                      "(e.g. {self_care: now, routine: now, urgent: after_seen})");
  }
  if (!d.IsMap() || d.size() == 0) {
    return r.Error(d, "'dispositions' maps at least one disposition to 'now' or 'after_seen'");
  }
  for (auto it = d.begin(); it != d.end(); ++it) {
    const std::string level_id = it->first.Scalar();
    Level level;
    if (!ParseLevel(level_id, &level)) {
      return r.Error(it->first, fmt::format("'{}' is not a disposition (emergency, urgent, routine, self_care)",
                                            level_id));
    }
    const std::string use = it->second.IsScalar() ? it->second.Scalar() : std::string();
    CareUse u;
    if (use == "now") {
      u = CareUse::kNow;
    } else if (use == "after_seen") {
      u = CareUse::kAfterSeen;
    } else {
      return r.Error(it->second, fmt::format("'{}' must be 'now' or 'after_seen'", level_id));
    }
    (*out)[static_cast<int>(level)] = u;
  }
  return Status::Ok();
}

namespace {

void AddFlag(std::vector<uint32_t>* list, uint32_t flag) {
  if (std::find(list->begin(), list->end(), flag) == list->end()) list->push_back(flag);
}

}  // namespace

Status ResolveContradicts(const YamlReader& r, const YAML::Node& node, uint32_t flag, CompiledKb* kb) {
  const FlagRule& f = kb->flags[flag];
  const YAML::Node list = node["contradicts"];
  for (size_t k = 0; k < f.contradicts.size(); ++k) {
    const std::string& ref = f.contradicts[k];
    const YAML::Node at = list && list.IsSequence() && k < list.size() ? list[k] : node;
    const std::string_view v = ref;
    if (v.rfind("mechanisms.", 0) == 0) {
      const std::string_view id = v.substr(11);
      auto m = std::find_if(kb->mechanisms.begin(), kb->mechanisms.end(),
                            [&](const TextRule& t) { return t.id == id; });
      if (m == kb->mechanisms.end()) {
        return r.Error(at, fmt::format("flag '{}' contradicts '{}', which is not a mechanism", f.id, ref));
      }
      AddFlag(&m->excluded_by, flag);
      continue;
    }
    if (v.rfind("pain_types.", 0) == 0) {
      const std::string_view rest = v.substr(11);
      const size_t dot = rest.find('.');
      const std::string_view region = rest.substr(0, dot), type = dot == std::string_view::npos
                                                                      ? std::string_view()
                                                                      : rest.substr(dot + 1);
      auto p = std::find_if(kb->pain_regions.begin(), kb->pain_regions.end(),
                            [&](const PainRegion& x) { return x.region == region; });
      if (p == kb->pain_regions.end()) {
        return r.Error(at, fmt::format("flag '{}' contradicts '{}': '{}' is not a pain region", f.id, ref, region));
      }
      bool found = false;
      if (p->default_type == type) {
        AddFlag(&p->default_excluded_by, flag);
        found = true;
      }
      for (PainTypeRule& t : p->types) {
        if (t.type != type) continue;
        AddFlag(&t.excluded_by, flag);
        found = true;
      }
      if (!found) {
        return r.Error(at, fmt::format("flag '{}' contradicts '{}': '{}' is not a pain type of region '{}'",
                                       f.id, ref, type, region));
      }
      continue;
    }
    return r.Error(at, fmt::format("flag '{}' contradicts '{}': write pain_types.<region>.<type> or "
                                   "mechanisms.<id>",
                                   f.id, ref));
  }
  return Status::Ok();
}

}  // namespace norotriage::internal
