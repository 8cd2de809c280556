#include "output/result_fragments.h"

#include <memory>

#include "output/result_json.h"
#include "util/json_writer.h"

namespace norotriage::internal {
namespace {

bool Same(std::string_view v, std::string_view kb_text) {
  return v.data() == kb_text.data() && v.size() == kb_text.size();
}

}  // namespace

void ResultFragments::AddressIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  used_ = 0;
  for (const Slot& s : old) {
    if (s.key) Insert(s.key, s.value);
  }
}

void ResultFragments::AddressIndex::Insert(const void* key, uint32_t value) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  for (size_t i = Home(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].key == key) return;
    if (!slots_[i].key) {
      slots_[i] = {key, value};
      ++used_;
      return;
    }
  }
}

void ResultFragments::AddString(const std::string& s) {
  // Empty texts are cheaper to write than to look up; they are not kept.
  if (s.empty() || string_index_.Find(s.data()) != AddressIndex::kNone) return;
  std::string json;
  AppendJsonString(s, &json);
  string_index_.Insert(s.data(), static_cast<uint32_t>(strings_.size()));
  strings_.push_back({s, std::move(json)});
}

void ResultFragments::AddSources(const Sources& sources) {
  for (const std::string& s : sources) AddString(s);
  if (sources.empty()) return;
  RenderedList list;
  list.from.assign(sources.begin(), sources.end());
  AppendStringListJson(list.from, &list.json);
  sources_index_.Insert(sources.front().data(), static_cast<uint32_t>(sources_.size()));
  sources_.push_back(std::move(list));
}

ResultFragments::ResultFragments(const CompiledKb& kb) : kb_(kb) {
  // Every text of the knowledge base that Assess puts into an Assessment
  // (eval/assess.cc, fluids.cc, medicines.cc). One left out here is only
  // slower to write: it is escaped like any other text.
  AddString(kb.version);
  for (const auto& d : kb.dispositions) {
    AddString(d.label);
    AddString(d.summary);
  }
  unanswered_.resize(kb.findings.size());
  for (size_t i = 0; i < kb.findings.size(); ++i) {
    const FindingSpec& f = kb.findings[i];
    AddString(f.id);
    AddString(f.question);
    finding_index_.Insert(f.id.data(), static_cast<uint32_t>(i));
    for (size_t level = 0; level < unanswered_[i].size(); ++level) {
      std::string& head = unanswered_[i][level];
      head.reserve(64 + f.id.size() + f.question.size());  // one allocation for most
      AppendUnansweredHeadJson({f.id, static_cast<Level>(level), f.question, {}}, &head);
    }
  }
  safety_net_.reserve(kb.flags.size());
  for (size_t i = 0; i < kb.flags.size(); ++i) {
    const FlagRule& f = kb.flags[i];
    AddString(f.id);
    AddString(f.title);
    AddString(f.advice);
    AddSources(f.sources);
    std::string json;
    AppendSafetyNetItemJson({f.id, f.level, f.safety_net}, &json);
    safety_net_index_.Insert(f.safety_net.data(), static_cast<uint32_t>(i));
    safety_net_.push_back(std::move(json));
  }
  const HydrationRules& h = kb.hydration;
  for (const auto& t : h.status_text) AddString(t);
  for (const auto& t : h.plan_text) AddString(t);
  AddString(h.fluid_limit_text);
  AddSources(h.sources);
  for (const MedicineRule& m : kb.medicines) {
    AddString(m.id);
    AddString(m.name);
    AddString(m.review.reason);
    for (const auto* conditions : {&m.avoid, &m.caution}) {
      for (const MedCondition& c : *conditions) {
        AddString(c.reason);
        AddString(c.if_unknown);
      }
    }
    for (const auto& n : m.notes) AddString(n);
    AddString(m.ok_text);
    AddString(m.dose.note);
    for (const auto& l : m.dose.liquids) AddString(l.name);
    AddString(m.dose.tablet_name);
    AddString(m.dose.measure_text);
    AddString(m.dose.too_small_text);
    AddString(m.no_weight_text);
    AddString(m.not_kept_down_text);
    AddSources(m.sources);
  }
  for (const auto* rules : {&kb.mechanisms, &kb.self_care, &kb.expected}) {
    for (const TextRule& r : *rules) {
      AddString(r.id);
      AddString(r.title);
      AddString(r.text);
      AddSources(r.sources);
    }
  }
  for (const PainRegion& r : kb.pain_regions) {
    AddString(r.region);
    AddString(r.default_type);
    AddString(r.default_text);
    for (const PainTypeRule& t : r.types) {
      AddString(t.type);
      AddString(t.text);
    }
  }
  for (const ReviewRule& r : kb.review) {
    AddString(r.pain);
    AddString(r.text);
  }
}

const std::string* ResultFragments::SourceList(const std::vector<std::string_view>& sources) const {
  if (sources.empty()) return nullptr;
  const uint32_t i = sources_index_.Find(sources.front().data());
  if (i == AddressIndex::kNone) return nullptr;
  const RenderedList& list = sources_[i];
  if (list.from.size() != sources.size()) return nullptr;
  for (size_t k = 0; k < sources.size(); ++k) {
    if (!Same(sources[k], list.from[k])) return nullptr;
  }
  return &list.json;
}

const std::string* ResultFragments::SafetyNetItem(const norotriage::SafetyNetItem& item) const {
  const uint32_t i = safety_net_index_.Find(item.text.data());
  if (i == AddressIndex::kNone) return nullptr;
  const FlagRule& f = kb_.flags[i];
  if (!Same(item.text, f.safety_net) || !Same(item.flag, f.id) || item.level != f.level) return nullptr;
  return &safety_net_[i];
}

const std::string* ResultFragments::UnansweredHead(const UnansweredItem& item) const {
  const uint32_t i = finding_index_.Find(item.finding.data());
  if (i == AddressIndex::kNone) return nullptr;
  const FindingSpec& f = kb_.findings[i];
  const auto level = static_cast<size_t>(item.could_reach);
  if (!Same(item.finding, f.id) || !Same(item.question, f.question) || level >= unanswered_[i].size()) {
    return nullptr;
  }
  return &unanswered_[i][level];
}

const ResultFragments& FragmentsOf(const CompiledKb& kb) {
  return kb.result_fragments.Get([&] { return std::make_shared<const ResultFragments>(kb); });
}

}  // namespace norotriage::internal
