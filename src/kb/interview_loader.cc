#include "kb/interview_loader.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/status_macros.h"

namespace norotriage::internal {
namespace {

// interview.opening: each entry one screen, `complaint`, a finding id, or a
// list of finding ids (one form); no finding twice.
Status LoadOpening(const YamlReader& r, const YAML::Node& n, const CompiledKb& kb, InterviewRules* iv) {
  YAML::Node o = n["opening"];
  if (!o) return r.Error(n, "missing required key 'opening'");
  if (!o.IsSequence() || o.size() == 0) return r.Error(o, "'opening' must be a list");
  std::set<std::string> seen;
  for (const auto& e : o) {
    std::vector<std::string> screen;
    if (e.IsScalar()) {
      screen.push_back(e.Scalar());
    } else if (e.IsSequence() && e.size() > 0) {
      for (const auto& id : e) {
        if (!id.IsScalar()) return r.Error(id, "items of an 'opening' list must be finding ids");
        screen.push_back(id.Scalar());
      }
    } else {
      return r.Error(e, "an 'opening' entry must be a finding id, 'complaint' or a list of finding ids");
    }
    for (size_t i = 0; i < screen.size(); ++i) {
      const YAML::Node& at = e.IsScalar() ? e : e[i];
      if (screen[i] == "complaint" && screen.size() == 1) continue;
      if (!kb.finding_index.count(screen[i])) {
        return r.Error(at, fmt::format("'{}' is not a finding{}", screen[i],
                                       screen.size() == 1 ? " (or 'complaint')" : ""));
      }
      if (!seen.insert(screen[i]).second) return r.Error(at, fmt::format("'{}' is in the opening twice", screen[i]));
    }
    iv->opening.push_back(std::move(screen));
  }
  return Status::Ok();
}

}  // namespace

Status LoadInterviewRules(const YamlReader& r, const YAML::Node& n, const CompiledKb& kb,
                        const std::function<Status(const YAML::Node&)>& check_sources, InterviewRules* out) {
InterviewRules& iv = *out;
  NT_RETURN_IF_ERROR(r.CheckMap(n, {"opening", "complaint", "group_order", "checklist_title", "form_title",
                                    "labels", "why", "emergency_banner", "companions", "max_checklist_items",
                                    "max_form_questions"},
                                {"opening", "complaint", "group_order", "checklist_title", "form_title",
                                 "labels", "why", "emergency_banner"}));
  NT_RETURN_IF_ERROR(LoadOpening(r, n, kb, &iv));
  YAML::Node c = n["complaint"];
  NT_RETURN_IF_ERROR(r.CheckMap(c, {"findings", "title", "help", "why"}, {"findings", "title", "why"}));
  std::vector<std::string> ids;
  NT_RETURN_IF_ERROR(r.StringList(c, "findings", true, &ids));
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = kb.finding_index.find(ids[i]);
    if (it == kb.finding_index.end() || kb.findings[it->second].type != FindingType::kBool) {
      return r.Error(c["findings"][i], fmt::format("'{}' is not a yes/no finding", ids[i]));
    }
    iv.complaint_slots.push_back(it->second);
  }
  NT_RETURN_IF_ERROR(r.String(c, "title", true, &iv.complaint_title));
  NT_RETURN_IF_ERROR(r.String(c, "help", false, &iv.complaint_help));
  NT_RETURN_IF_ERROR(r.String(c, "why", true, &iv.complaint_why));
  YAML::Node g = n["group_order"];
  NT_RETURN_IF_ERROR(r.CheckMap(g, {"back", "legs", "default"}, {"back", "legs", "default"}));
  NT_RETURN_IF_ERROR(r.StringList(g, "back", true, &iv.order_back));
  NT_RETURN_IF_ERROR(r.StringList(g, "legs", true, &iv.order_legs));
  NT_RETURN_IF_ERROR(r.StringList(g, "default", true, &iv.order_default));
  std::set<std::string> groups;
  for (const auto& f : kb.findings) groups.insert(f.group);
  for (const auto* order : {&iv.order_back, &iv.order_legs, &iv.order_default}) {
    std::set<std::string> listed(order->begin(), order->end());
    if (listed != groups) return r.Error(g, "each group order must list every finding group once");
  }
  for (auto [key, out] : {std::pair{"checklist_title", &iv.checklist_title}, std::pair{"form_title", &iv.form_title}}) {
    YAML::Node t = n[key];
    const bool form = out == &iv.form_title;
    NT_RETURN_IF_ERROR(form ? r.CheckMap(t, {"emergency", "urgent", "routine", "care", "opening"},
                                         {"emergency", "urgent", "routine", "care"})
                            : r.CheckMap(t, {"emergency", "urgent", "routine", "care"},
                                         {"emergency", "urgent", "routine", "care"}));
    if (form) {
      const bool opening_form = std::any_of(iv.opening.begin(), iv.opening.end(),
                                            [](const std::vector<std::string>& e) { return e.size() > 1; });
      NT_RETURN_IF_ERROR(r.String(t, "opening", opening_form, &iv.opening_title));
    }
    NT_RETURN_IF_ERROR(r.String(t, "care", true, &(*out)[0]));
    NT_RETURN_IF_ERROR(r.String(t, "routine", true, &(*out)[1]));
    NT_RETURN_IF_ERROR(r.String(t, "urgent", true, &(*out)[2]));
    NT_RETURN_IF_ERROR(r.String(t, "emergency", true, &(*out)[3]));
  }
  YAML::Node l = n["labels"];
  NT_RETURN_IF_ERROR(r.CheckMap(l, {"none_of_these", "dont_know", "yes", "no"}, {"none_of_these", "dont_know", "yes", "no"}));
  NT_RETURN_IF_ERROR(r.String(l, "none_of_these", true, &iv.none_of_these));
  NT_RETURN_IF_ERROR(r.String(l, "dont_know", true, &iv.dont_know));
  NT_RETURN_IF_ERROR(r.String(l, "yes", true, &iv.yes));
  NT_RETURN_IF_ERROR(r.String(l, "no", true, &iv.no));
  YAML::Node w = n["why"];
  NT_RETURN_IF_ERROR(r.CheckMap(w, {"flags", "hydration", "medicines", "pain_course", "age", "weight", "applies"},
                                {"flags", "hydration", "medicines", "pain_course", "age", "weight"}));
  NT_RETURN_IF_ERROR(r.String(w, "flags", true, &iv.why_flags));
  if (iv.why_flags.find("{flags}") == std::string::npos) return r.Error(w["flags"], "'flags' must contain {flags}");
  NT_RETURN_IF_ERROR(r.String(w, "hydration", true, &iv.why_hydration));
  NT_RETURN_IF_ERROR(r.String(w, "medicines", true, &iv.why_medicines));
  NT_RETURN_IF_ERROR(r.String(w, "pain_course", true, &iv.why_pain_course));
  NT_RETURN_IF_ERROR(r.String(w, "age", true, &iv.why_age));
  NT_RETURN_IF_ERROR(r.String(w, "weight", true, &iv.why_weight));
  NT_RETURN_IF_ERROR(r.String(w, "applies", false, &iv.why_applies));
  NT_RETURN_IF_ERROR(r.String(n, "emergency_banner", true, &iv.emergency_banner));
  if (YAML::Node comp = n["companions"]) {
    NT_RETURN_IF_ERROR(r.CheckSeq(comp, "companions"));
    for (const auto& e : comp) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"with", "show", "sources"}, {"with", "show", "sources"}));
      NT_RETURN_IF_ERROR(check_sources(e));
      std::pair<std::vector<int>, std::vector<int>> pair;
      for (auto [key, out] : {std::pair{"with", &pair.first}, std::pair{"show", &pair.second}}) {
        std::vector<std::string> list;
        NT_RETURN_IF_ERROR(r.StringList(e, key, true, &list));
        for (size_t i = 0; i < list.size(); ++i) {
          auto it = kb.finding_index.find(list[i]);
          if (it == kb.finding_index.end() || kb.findings[it->second].type != FindingType::kBool) {
            return r.Error(e[key][i], fmt::format("'{}' is not a yes/no finding", list[i]));
          }
          out->push_back(it->second);
        }
      }
      iv.companions.push_back(std::move(pair));
    }
  }
  NT_RETURN_IF_ERROR(r.Int(n, "max_checklist_items", false, &iv.max_checklist_items));
  NT_RETURN_IF_ERROR(r.Int(n, "max_form_questions", false, &iv.max_form_questions));
  if (iv.max_checklist_items < 2 || iv.max_checklist_items > 30 || iv.max_form_questions < 1 || iv.max_form_questions > 10) {
    return r.Error(n, "max_checklist_items must be 2-30 and max_form_questions 1-10");
  }
  return Status::Ok();
}

}  // namespace norotriage::internal
