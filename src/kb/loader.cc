#include "kb/loader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "compile/condition_compiler.h"
#include "kb/advice_rules.h"
#include "kb/interview_loader.h"
#include "kb/policy_requirements.h"
#include "kb/yaml_reader.h"
#include "util/spell.h"
#include "util/status_macros.h"

namespace norotriage::internal {
namespace {

constexpr std::string_view kTopKeys[] = {
    "version", "sources", "dispositions", "findings", "consistency", "definitions", "hydration",
    "flags", "medicines", "mechanisms", "pain_types", "self_care", "follow_up", "interview", "history",
    "open_for_review", "call_numbers"};

// A top-level section and the file it came from. `reader` is null when the
// section is absent (a default YAML::Node is a defined null node, so the node
// itself cannot say "absent").
struct Section {
  YAML::Node node;
  const YamlReader* reader = nullptr;
};

class Loader {
 public:
  explicit Loader(const KbLimits& limits) : limits_(limits), kb_(std::make_unique<CompiledKb>()) {}

  Result<std::unique_ptr<CompiledKb>> Run(const std::vector<KbFile>& files) {
    if (files.empty()) return Status::InvalidArgument("the knowledge base has no files");
    if (files.size() > limits_.max_files) {
      return Status::InvalidArgument(fmt::format("the knowledge base has more than {} files", limits_.max_files));
    }
    size_t bytes = 0;
    for (const auto& f : files) bytes += f.text.size();
    if (bytes > limits_.max_bytes) {
      return Status::InvalidArgument(fmt::format("the knowledge base is larger than {} bytes", limits_.max_bytes));
    }
    readers_.reserve(files.size());
    for (const auto& f : files) readers_.emplace_back(f.name);
    for (size_t i = 0; i < files.size(); ++i) NT_RETURN_IF_ERROR(ParseFile(files[i], readers_[i]));
    NT_RETURN_IF_ERROR(LoadVersionAndSources());
    NT_RETURN_IF_ERROR(LoadDispositions());
    NT_RETURN_IF_ERROR(LoadFindings());
    compiler_ = std::make_unique<ConditionCompiler>(
        kb_.get(), CondBudget{limits_.max_condition_tokens, limits_.max_nesting},
        limits_.max_program_size);
    NT_RETURN_IF_ERROR(LoadApplicability());
    NT_RETURN_IF_ERROR(LoadDefinitions());
    NT_RETURN_IF_ERROR(LoadConsistency());
    NT_RETURN_IF_ERROR(LoadHydration());
    NT_RETURN_IF_ERROR(LoadFlags());
    NT_RETURN_IF_ERROR(LoadMedicines());
    NT_RETURN_IF_ERROR(LoadTextRules("mechanisms", &kb_->mechanisms, true));
    NT_RETURN_IF_ERROR(LoadPainTypes());
    NT_RETURN_IF_ERROR(LoadTextRules("self_care", &kb_->self_care, false));
    for (uint32_t i = 0; i < kb_->flags.size(); ++i) {
      NT_RETURN_IF_ERROR(ResolveContradicts(*flag_reader_, flag_nodes_[kb_->flags[i].id], i, kb_.get()));
    }
    NT_RETURN_IF_ERROR(LoadFollowUp());
    NT_RETURN_IF_ERROR(LoadInterview());
    NT_RETURN_IF_ERROR(LoadHistory());
    NT_RETURN_IF_ERROR(LoadOpenForReview());
    NT_RETURN_IF_ERROR(LoadCallNumbers());
    if (rule_count_ > limits_.max_rules) {
      return Status::InvalidArgument(fmt::format("the knowledge base has {} rules; the limit is {}",
                                                 rule_count_, limits_.max_rules));
    }
    NT_RETURN_IF_ERROR(CheckPolicy());
    return std::move(kb_);
  }

 private:
  Status ParseFile(const KbFile& f, const YamlReader& r) {
    YAML::Node root;
    try {
      root = YAML::Load(f.text);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(
          fmt::format("{}:{}:{}: YAML error: {}", f.name, e.mark.line + 1, e.mark.column + 1, e.msg));
    } catch (const std::exception& e) {
      return Status::InvalidArgument(fmt::format("{}: YAML error: {}", f.name, e.what()));
    }
    if (root.IsNull()) return Status::Ok();  // an empty file
    if (!root.IsMap()) return r.Error(root, "a knowledge-base file must be a mapping of sections");
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.Scalar();
      bool known = false;
      for (auto k : kTopKeys) known = known || k == key;
      if (!known) {
        std::vector<std::string> names(std::begin(kTopKeys), std::end(kTopKeys));
        std::string hint = Suggest(key, names);
        return r.Error(it->first, hint.empty() ? fmt::format("unknown section '{}'", key)
                                               : fmt::format("unknown section '{}' (did you mean '{}'?)", key, hint));
      }
      if (auto prev = sections_.find(key); prev != sections_.end()) {
        return r.Error(it->first, fmt::format("section '{}' is already defined at {}", key,
                                              prev->second.reader->Where(prev->second.node)));
      }
      sections_[key] = Section{it->second, &r};
    }
    return Status::Ok();
  }

  // The section's node and reader, or a null node if absent.
  Section Get(const std::string& key) {
    auto it = sections_.find(key);
    return it == sections_.end() ? Section{} : it->second;
  }

  Status Missing(std::string_view key) {
    return Status::InvalidArgument(fmt::format("the knowledge base has no '{}' section", key));
  }

  Status CheckId(const YamlReader& r, const YAML::Node& n, const std::string& id,
                 std::set<std::string>* seen, std::string_view what) {
    if (id.empty()) return r.Error(n, fmt::format("{} has an empty id", what));
    for (char c : id) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '_' || c == '-')) {
        return r.Error(n["id"] ? n["id"] : n, fmt::format("{} id '{}' must be lower_snake_case", what, id));
      }
    }
    if (!seen->insert(id).second) return r.Error(n["id"] ? n["id"] : n, fmt::format("duplicate {} id '{}'", what, id));
    return Status::Ok();
  }

  Status LoadVersionAndSources() {
    Section v = Get("version");
    if (!v.reader) return Missing("version");
    if (!v.node.IsScalar() || v.node.Scalar().empty()) return v.reader->Error(v.node, "version must be text");
    kb_->version = v.node.Scalar();
    Section s = Get("sources");
    if (!s.reader) return Missing("sources");
    NT_RETURN_IF_ERROR(s.reader->CheckSeq(s.node, "sources"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(s.reader->CheckMap(e, {"id", "cite", "url"}, {"id", "cite"}));
      std::string id, cite;
      NT_RETURN_IF_ERROR(s.reader->String(e, "id", true, &id));
      NT_RETURN_IF_ERROR(s.reader->String(e, "cite", true, &cite));
      NT_RETURN_IF_ERROR(CheckId(*s.reader, e, id, &seen, "source"));
      source_index_[id] = kb_->sources.size();
      kb_->sources.emplace_back(id, cite);
    }
    return Status::Ok();
  }

  Status LoadDispositions() {
    Section s = Get("dispositions");
    if (!s.reader) return Missing("dispositions");
    NT_RETURN_IF_ERROR(s.reader->CheckSeq(s.node, "dispositions"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(s.reader->CheckMap(e, {"id", "label", "summary"}, {"id", "label", "summary"}));
      std::string id;
      NT_RETURN_IF_ERROR(s.reader->String(e, "id", true, &id));
      Level level;
      if (!ParseLevel(id, &level)) {
        return s.reader->Error(e["id"], fmt::format("'{}' is not a disposition (emergency, urgent, routine, self_care)", id));
      }
      NT_RETURN_IF_ERROR(CheckId(*s.reader, e, id, &seen, "disposition"));
      auto& d = kb_->dispositions[static_cast<int>(level)];
      NT_RETURN_IF_ERROR(s.reader->String(e, "label", true, &d.label));
      NT_RETURN_IF_ERROR(s.reader->String(e, "summary", true, &d.summary));
    }
    if (seen.size() != 4) return s.reader->Error(s.node, "dispositions must list all four levels");
    return Status::Ok();
  }

  Status LoadFindings() {
    Section s = Get("findings");
    if (!s.reader) return Missing("findings");
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "findings"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "type", "min", "max", "choices", "choice_labels", "group",
                                        "question", "label", "help", "unit", "asked_when", "otherwise"},
                                    {"id", "type", "question"}));
      FindingSpec f;
      std::string type;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &f.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, f.id, &seen, "finding"));
      NT_RETURN_IF_ERROR(r.String(e, "type", true, &type));
      NT_RETURN_IF_ERROR(r.String(e, "group", false, &f.group));
      NT_RETURN_IF_ERROR(r.String(e, "question", true, &f.question));
      NT_RETURN_IF_ERROR(r.String(e, "help", false, &f.help));
      NT_RETURN_IF_ERROR(r.String(e, "label", false, &f.label));
      if (f.label.empty()) f.label = f.question;
      NT_RETURN_IF_ERROR(r.String(e, "asked_when", false, &f.asked_when));
      if (e["asked_when"].IsDefined() != e["otherwise"].IsDefined()) {
        return r.Error(e, "'asked_when' and 'otherwise' go together: give both or neither");
      }
      if (!f.asked_when.empty()) applicability_nodes_.push_back(e);
      if (type == "bool") {
        f.type = FindingType::kBool;
      } else if (type == "number" || type == "integer") {
        f.type = type == "number" ? FindingType::kNumber : FindingType::kInteger;
        NT_RETURN_IF_ERROR(r.Number(e, "min", true, &f.min));
        NT_RETURN_IF_ERROR(r.Number(e, "max", true, &f.max));
        if (f.min > f.max) return r.Error(e["min"], "min is above max");
      } else if (type == "choice") {
        f.type = FindingType::kChoice;
        NT_RETURN_IF_ERROR(r.StringList(e, "choices", true, &f.choices));
        if (f.choices.empty() || f.choices.size() > 64) return r.Error(e["choices"], "a choice needs 1 to 64 choices");
        std::set<std::string> cs(f.choices.begin(), f.choices.end());
        if (cs.size() != f.choices.size()) return r.Error(e["choices"], "duplicate choice");
        f.choice_labels = f.choices;
        if (YAML::Node labels = e["choice_labels"]) {
          if (!labels.IsMap()) return r.Error(labels, "choice_labels must map each choice to its label");
          for (auto it = labels.begin(); it != labels.end(); ++it) {
            auto pos = std::find(f.choices.begin(), f.choices.end(), it->first.Scalar());
            if (pos == f.choices.end()) {
              return r.Error(it->first, fmt::format("'{}' is not a choice of '{}'", it->first.Scalar(), f.id));
            }
            f.choice_labels[pos - f.choices.begin()] = it->second.Scalar();
          }
        }
      } else {
        return r.Error(e["type"], fmt::format("type '{}' is not bool, number, integer or choice", type));
      }
      if (f.type != FindingType::kChoice && (e["choices"] || e["choice_labels"])) {
        return r.Error(e, "only a choice finding has choices");
      }
      if ((f.type == FindingType::kBool || f.type == FindingType::kChoice) && (e["min"] || e["max"])) {
        return r.Error(e, "only a number finding has min and max");
      }
      kb_->finding_index[f.id] = static_cast<int>(kb_->findings.size());
      kb_->findings.push_back(std::move(f));
    }
    if (kb_->findings.size() > limits_.max_findings) {
      return r.Error(s.node, fmt::format("more than {} findings", limits_.max_findings));
    }
    for (auto id : kRequiredFindings) {
      if (!kb_->finding_index.count(std::string(id))) {
        return r.Error(s.node, fmt::format("the finding '{}' is required by the policy and missing", id));
      }
    }
    for (const auto& f : kb_->findings) {
      kb_->slot_names.push_back(f.id);
      kb_->slot_choices.push_back(f.choices);
    }
    kb_->weight_loss_slot = static_cast<int>(kb_->slot_names.size());
    kb_->slot_names.push_back("weight_loss_percent");
    kb_->slot_choices.emplace_back();
    kb_->hydration_slot = static_cast<int>(kb_->slot_names.size());
    kb_->slot_names.push_back("hydration");
    kb_->slot_choices.push_back({"none", "some", "severe"});
    kb_->age_slot = kb_->finding_index["age_years"];
    kb_->weight_slot = kb_->finding_index["weight_kg"];
    kb_->pre_weight_slot = kb_->finding_index["pre_illness_weight_kg"];
    kb_->keeps_fluids_down_slot = kb_->finding_index["keeps_fluids_down"];
    for (const auto& f : kb_->findings) kb_->history_slot.push_back(f.group == "history");
    for (size_t i = 0; i < kb_->findings.size(); ++i) {
      const std::string& group = kb_->findings[i].group;
      if ((group == "patient" && static_cast<int>(i) != kb_->weight_slot) || group == "medicines") {
        kb_->static_slots.push_back(static_cast<int>(i));
      }
    }
    return Status::Ok();
  }

  // Compiles the condition at n[key]; errors point into the condition text.
  Status Condition(const YamlReader& r, const YAML::Node& n, const char* key, bool required, Cond* out,
                   const std::string* define_as = nullptr) {
    YAML::Node v = n[key];
    if (!v) return required ? r.Error(n, fmt::format("missing required key '{}'", key)) : Status::Ok();
    if (!v.IsScalar() || v.Scalar().empty()) return r.Error(v, fmt::format("'{}' must be a condition", key));
    ++rule_count_;
    auto c = define_as ? compiler_->Define(*define_as, v.Scalar()) : compiler_->Compile(v.Scalar());
    if (!c.ok()) {
      return r.Error(v, c.error().message, YamlReader::TextColumnShift(v) + c.error().offset);
    }
    *out = c.value();
    kb_->condition_text.emplace_back(out->begin, v.Scalar());  // rising: code only grows
    return Status::Ok();
  }

  Status SourcesOf(const YamlReader& r, const YAML::Node& n, Sources* out, bool required = true) {
    YAML::Node v = n["sources"];
    if (!v) return required ? r.Error(n, "a rule must cite its sources ('sources: [...]')") : Status::Ok();
    if (!v.IsSequence() || v.size() == 0) return r.Error(v, "'sources' must be a non-empty list of source ids");
    for (const auto& e : v) {
      std::string id = e.IsScalar() ? e.Scalar() : "";
      auto it = source_index_.find(id);
      if (it == source_index_.end()) {
        std::vector<std::string> ids;
        for (const auto& [k, _] : source_index_) ids.push_back(k);
        std::string hint = Suggest(id, ids);
        return r.Error(e, hint.empty() ? fmt::format("unknown source '{}'", id)
                                       : fmt::format("unknown source '{}' (did you mean '{}'?)", id, hint));
      }
      out->push_back(kb_->sources[it->second].second);
    }
    return Status::Ok();
  }

  // Who each finding applies to (FindingSpec::asked_when, `otherwise`).
  // Compiled before the definitions, so asked_when reads findings only.
  Status LoadApplicability() {
    const YamlReader& r = *Get("findings").reader;
    std::set<int> applies;
    for (const auto& e : applicability_nodes_) applies.insert(kb_->finding_index[e["id"].Scalar()]);
    for (const auto& e : applicability_nodes_) {
      Applicability a;
      a.slot = kb_->finding_index[e["id"].Scalar()];
      FindingSpec& f = kb_->findings[a.slot];
      NT_RETURN_IF_ERROR(Condition(r, e, "asked_when", true, &a.asked_when));
      --rule_count_;  // part of the vocabulary, not a rule
      std::set<int> reads;
      for (uint32_t pc = a.asked_when.begin; pc < a.asked_when.end; ++pc) {
        const Instr& in = kb_->program.code[pc];
        if (in.op == Op::kSum) {
          for (int i = 0; i < in.n; ++i) reads.insert(kb_->program.sum_slots[in.slot + i]);
        } else if (in.op != Op::kAnd && in.op != Op::kOr && in.op != Op::kNot && in.op != Op::kAtLeast) {
          reads.insert(in.slot);
        }
      }
      for (int s : reads) {
        if (s >= static_cast<int>(kb_->findings.size()) || applies.count(s)) {
          return r.Error(e["asked_when"], fmt::format("'asked_when' may read only findings that are asked of "
                                                      "everyone, not '{}'", kb_->slot_names[s]));
        }
      }
      a.reads.assign(reads.begin(), reads.end());
      const YAML::Node o = e["otherwise"];
      const std::string text = o.IsScalar() ? o.Scalar() : "";
      bool ok = false;
      if (f.type == FindingType::kBool) {
        ok = text == "true" || text == "false";
        a.otherwise = text == "true" ? 1 : 0;
      } else if (f.type == FindingType::kChoice) {
        auto it = std::find(f.choices.begin(), f.choices.end(), text);
        ok = it != f.choices.end();
        a.otherwise = static_cast<double>(it - f.choices.begin());
      } else {
        NT_RETURN_IF_ERROR(r.Number(e, "otherwise", true, &a.otherwise));
        ok = a.otherwise >= f.min && a.otherwise <= f.max &&
             (f.type != FindingType::kInteger || a.otherwise == std::floor(a.otherwise));
      }
      if (!ok) {
        return r.Error(o, fmt::format("'otherwise' must be a value '{}' can take ({})", f.id,
                                      f.type == FindingType::kBool     ? "true or false"
                                      : f.type == FindingType::kChoice ? "one of its choices"
                                                                       : "a number in its range"));
      }
      f.otherwise = a.otherwise;
      kb_->applicability.push_back(std::move(a));
    }
    std::sort(kb_->applicability.begin(), kb_->applicability.end(),
              [](const Applicability& x, const Applicability& y) { return x.slot < y.slot; });
    return Status::Ok();
  }

  Status LoadDefinitions() {
    Section s = Get("definitions");
    if (!s.reader) return Status::Ok();
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "definitions"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "when", "sources", "note"}, {"id", "when"}));
      std::string id;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &id));
      NT_RETURN_IF_ERROR(CheckId(r, e, id, &seen, "definition"));
      if (compiler_->IsName(id)) {
        return r.Error(e["id"], fmt::format("definition '{}' has the name of a finding", id));
      }
      Cond c;
      NT_RETURN_IF_ERROR(Condition(r, e, "when", true, &c, &id));
      --rule_count_;  // definitions are not rules of their own
    }
    return Status::Ok();
  }

  Status LoadConsistency() {
    Section s = Get("consistency");
    if (!s.reader) return Status::Ok();
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "consistency"));
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"error_if", "path", "message"}, {"error_if", "path", "message"}));
      ConsistencyRule c;
      NT_RETURN_IF_ERROR(Condition(r, e, "error_if", true, &c.error_if));
      NT_RETURN_IF_ERROR(r.String(e, "path", true, &c.path));
      NT_RETURN_IF_ERROR(r.String(e, "message", true, &c.message));
      if (!kb_->finding_index.count(c.path)) return r.Error(e["path"], fmt::format("'{}' is not a finding", c.path));
      kb_->consistency.push_back(std::move(c));
    }
    return Status::Ok();
  }

  Status Bands(const YamlReader& r, const YAML::Node& n, const char* key, std::vector<Band>* out) {
    YAML::Node v = n[key];
    if (!v || !v.IsSequence() || v.size() == 0) return r.Error(v ? v : n, fmt::format("'{}' must be a list of age bands", key));
    for (const auto& e : v) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"min_age_years", "max_age_years", "ml"}, {"ml"}));
      Band b;
      NT_RETURN_IF_ERROR(r.Number(e, "min_age_years", false, &b.min_age));
      NT_RETURN_IF_ERROR(r.Number(e, "max_age_years", false, &b.max_age));
      NT_RETURN_IF_ERROR(r.IntPair(e, "ml", true, &b.ml.first, &b.ml.second));
      out->push_back(b);
    }
    return Status::Ok();
  }

  Status LoadHydration() {
    Section s = Get("hydration");
    if (!s.reader) return Missing("hydration");
    const YamlReader& r = *s.reader;
    const YAML::Node& h = s.node;
    HydrationRules& hy = kb_->hydration;
    NT_RETURN_IF_ERROR(r.CheckMap(h, {"severe", "some", "status_text", "plans", "maintenance", "cup_ml", "sources"},
                                  {"severe", "some", "status_text", "plans", "maintenance", "sources"}));
    NT_RETURN_IF_ERROR(PositiveNumber(r, h, "cup_ml", &hy.cup_ml));
    NT_RETURN_IF_ERROR(Condition(r, h, "severe", true, &hy.severe));
    NT_RETURN_IF_ERROR(Condition(r, h, "some", true, &hy.some));
    NT_RETURN_IF_ERROR(SourcesOf(r, h, &hy.sources));
    // The status is "assessed" when any finding the two conditions read is known.
    std::set<int> signs;
    for (Cond c : {hy.severe, hy.some}) {
      for (uint32_t pc = c.begin; pc < c.end; ++pc) {
        const Instr& in = kb_->program.code[pc];
        if (in.op == Op::kSum) {
          for (int i = 0; i < in.n; ++i) signs.insert(kb_->program.sum_slots[in.slot + i]);
        } else if (in.slot >= 0 && in.op != Op::kAnd && in.op != Op::kOr && in.op != Op::kNot &&
                   in.op != Op::kAtLeast) {
          signs.insert(in.slot);
        }
      }
    }
    if (signs.count(kb_->hydration_slot)) return r.Error(h, "hydration conditions cannot use 'hydration'");
    hy.sign_slots.assign(signs.begin(), signs.end());
    YAML::Node st = h["status_text"];
    NT_RETURN_IF_ERROR(r.CheckMap(st, {"none", "some", "severe"}, {"none", "some", "severe"}));
    NT_RETURN_IF_ERROR(r.String(st, "none", true, &hy.status_text[0]));
    NT_RETURN_IF_ERROR(r.String(st, "some", true, &hy.status_text[1]));
    NT_RETURN_IF_ERROR(r.String(st, "severe", true, &hy.status_text[2]));
    YAML::Node plans = h["plans"];
    NT_RETURN_IF_ERROR(r.CheckMap(plans, {"A", "B", "C"}, {"A", "B", "C"}));
    YAML::Node a = plans["A"], b = plans["B"], c = plans["C"];
    NT_RETURN_IF_ERROR(r.CheckMap(a, {"text", "per_loose_stool_ml", "per_vomit_ml_per_kg"},
                                  {"text", "per_loose_stool_ml"}));
    NT_RETURN_IF_ERROR(r.String(a, "text", true, &hy.plan_text[0]));
    NT_RETURN_IF_ERROR(PositiveNumber(r, a, "per_vomit_ml_per_kg", &hy.per_vomit_ml_per_kg));
    NT_RETURN_IF_ERROR(Bands(r, a, "per_loose_stool_ml", &hy.per_stool));
    NT_RETURN_IF_ERROR(r.CheckMap(b, {"text", "ors_ml_per_kg", "over_hours", "max_ml", "by_age",
                                      "fluid_limit_when", "fluid_limit_text", "portion_minutes"},
                                  {"text", "ors_ml_per_kg", "over_hours", "max_ml", "by_age"}));
    NT_RETURN_IF_ERROR(r.String(b, "text", true, &hy.plan_text[1]));
    NT_RETURN_IF_ERROR(PositiveNumber(r, b, "portion_minutes", &hy.portion_minutes));
    NT_RETURN_IF_ERROR(r.Number(b, "ors_ml_per_kg", true, &hy.ors_ml_per_kg));
    NT_RETURN_IF_ERROR(r.Number(b, "over_hours", true, &hy.over_hours));
    NT_RETURN_IF_ERROR(r.Number(b, "max_ml", true, &hy.ors_max_ml));
    NT_RETURN_IF_ERROR(Bands(r, b, "by_age", &hy.ors_by_age));
    if (b["fluid_limit_when"].IsDefined() != b["fluid_limit_text"].IsDefined()) {
      return r.Error(b, "'fluid_limit_when' and 'fluid_limit_text' go together: give both or neither");
    }
    NT_RETURN_IF_ERROR(Condition(r, b, "fluid_limit_when", false, &hy.fluid_limit_when));
    NT_RETURN_IF_ERROR(r.String(b, "fluid_limit_text", false, &hy.fluid_limit_text));
    NT_RETURN_IF_ERROR(r.CheckMap(c, {"text", "iv_ml_per_kg", "first_ml_per_kg", "first_minutes",
                                      "then_ml_per_kg", "then_hours"},
                                  {"text", "iv_ml_per_kg", "first_ml_per_kg", "first_minutes",
                                   "then_ml_per_kg", "then_hours"}));
    NT_RETURN_IF_ERROR(r.String(c, "text", true, &hy.plan_text[2]));
    NT_RETURN_IF_ERROR(r.Number(c, "iv_ml_per_kg", true, &hy.iv_ml_per_kg));
    NT_RETURN_IF_ERROR(r.Number(c, "first_ml_per_kg", true, &hy.first_ml_per_kg));
    NT_RETURN_IF_ERROR(r.Number(c, "first_minutes", true, &hy.first_minutes));
    NT_RETURN_IF_ERROR(r.Number(c, "then_ml_per_kg", true, &hy.then_ml_per_kg));
    NT_RETURN_IF_ERROR(r.Number(c, "then_hours", true, &hy.then_hours));
    YAML::Node m = h["maintenance"];
    NT_RETURN_IF_ERROR(r.CheckMap(m, {"child_below_age_years", "adult_ml_per_kg", "holliday_segar"},
                                  {"child_below_age_years", "adult_ml_per_kg", "holliday_segar"}));
    NT_RETURN_IF_ERROR(r.Number(m, "child_below_age_years", true, &hy.child_below_age));
    NT_RETURN_IF_ERROR(r.Number(m, "adult_ml_per_kg", true, &hy.adult_ml_per_kg));
    YAML::Node hs = m["holliday_segar"];
    NT_RETURN_IF_ERROR(r.CheckSeq(hs, "holliday_segar"));
    for (size_t i = 0; i < hs.size(); ++i) {
      NT_RETURN_IF_ERROR(r.CheckMap(hs[i], {"up_to_kg", "ml_per_kg"}, {"ml_per_kg"}));
      double up = std::numeric_limits<double>::infinity(), ml = 0;
      NT_RETURN_IF_ERROR(r.Number(hs[i], "up_to_kg", i + 1 < hs.size(), &up));
      NT_RETURN_IF_ERROR(r.Number(hs[i], "ml_per_kg", true, &ml));
      hy.holliday_segar.emplace_back(up, ml);
    }
    return Status::Ok();
  }

  Status LoadFlags() {
    Section s = Get("flags");
    if (!s.reader) return Missing("flags");
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "flags"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "level", "when", "title", "advice", "safety_net", "sources", "contradicts"},
                                    {"id", "level", "when", "title", "advice", "safety_net", "sources"}));
      FlagRule f;
      std::string level;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &f.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, f.id, &seen, "flag"));
      NT_RETURN_IF_ERROR(r.String(e, "level", true, &level));
      if (!ParseLevel(level, &f.level) || f.level == Level::kSelfCare) {
        return r.Error(e["level"], fmt::format("level '{}' is not emergency, urgent or routine", level));
      }
      NT_RETURN_IF_ERROR(Condition(r, e, "when", true, &f.when));
      NT_RETURN_IF_ERROR(r.String(e, "title", true, &f.title));
      NT_RETURN_IF_ERROR(r.String(e, "advice", true, &f.advice));
      NT_RETURN_IF_ERROR(r.String(e, "safety_net", true, &f.safety_net));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &f.sources));
      NT_RETURN_IF_ERROR(r.StringList(e, "contradicts", false, &f.contradicts));
      flag_nodes_[f.id] = YAML::Node(e);
      flag_reader_ = &r;
      kb_->flags.push_back(std::move(f));
    }
    std::stable_sort(kb_->flags.begin(), kb_->flags.end(),
                     [](const FlagRule& a, const FlagRule& b) { return a.level > b.level; });
    return Status::Ok();
  }

  Status MedConditions(const YamlReader& r, const YAML::Node& n, const char* key,
                       std::vector<MedCondition>* out, bool with_unknown, Sources* all) {
    YAML::Node v = n[key];
    if (!v) return Status::Ok();
    NT_RETURN_IF_ERROR(r.CheckSeq(v, key));
    for (const auto& e : v) {
      if (with_unknown) {
        NT_RETURN_IF_ERROR(r.CheckMap(e, {"when", "reason", "if_unknown", "sources"},
                                      {"when", "reason", "if_unknown", "sources"}));
      } else {
        NT_RETURN_IF_ERROR(r.CheckMap(e, {"when", "reason", "sources"}, {"when", "reason", "sources"}));
      }
      MedCondition c;
      NT_RETURN_IF_ERROR(Condition(r, e, "when", true, &c.when));
      NT_RETURN_IF_ERROR(r.String(e, "reason", true, &c.reason));
      NT_RETURN_IF_ERROR(r.String(e, "if_unknown", with_unknown, &c.if_unknown));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &c.sources));
      all->insert(all->end(), c.sources.begin(), c.sources.end());
      out->push_back(std::move(c));
    }
    return Status::Ok();
  }

  // An optional number that must be above 0 when given (0 when absent).
  static Status PositiveNumber(const YamlReader& r, const YAML::Node& n, const char* key, double* out) {
    NT_RETURN_IF_ERROR(r.Number(n, key, false, out));
    if (n[key] && !(*out > 0)) return r.Error(n[key], fmt::format("'{}' must be above 0", key));
    return Status::Ok();
  }

  // dose.measure: the amounts a person measures (liquids in ml, tablets).
  Status LoadMeasure(const YamlReader& r, const YAML::Node& n, MedicineRule* m) {
    NT_RETURN_IF_ERROR(r.CheckMap(n, {"liquids", "ml_step", "min_share_of_dose", "tablet_mg", "tablet_name",
                                      "syringe_text", "too_small_text", "sources"},
                                  {"ml_step", "sources"}));
    DoseRule& dr = m->dose;
    NT_RETURN_IF_ERROR(PositiveNumber(r, n, "ml_step", &dr.ml_step));
    NT_RETURN_IF_ERROR(r.Number(n, "min_share_of_dose", false, &dr.min_share));
    if (n["min_share_of_dose"] && !(dr.min_share > 0 && dr.min_share <= 1)) {
      return r.Error(n["min_share_of_dose"], "'min_share_of_dose' must be above 0 and at most 1");
    }
    NT_RETURN_IF_ERROR(r.Int(n, "tablet_mg", false, &dr.tablet_mg));
    if (n["tablet_mg"] && dr.tablet_mg <= 0) return r.Error(n["tablet_mg"], "'tablet_mg' must be above 0");
    if (n["tablet_mg"].IsDefined() != n["tablet_name"].IsDefined()) {
      return r.Error(n, "'tablet_mg' and 'tablet_name' go together: give both or neither");
    }
    NT_RETURN_IF_ERROR(r.String(n, "tablet_name", false, &dr.tablet_name));
    NT_RETURN_IF_ERROR(r.String(n, "syringe_text", false, &dr.measure_text));
    NT_RETURN_IF_ERROR(r.String(n, "too_small_text", false, &dr.too_small_text));
    if (YAML::Node ls = n["liquids"]) {
      NT_RETURN_IF_ERROR(r.CheckSeq(ls, "liquids"));
      if (dr.too_small_text.empty() || dr.measure_text.empty()) {
        return r.Error(n, "'liquids' need a 'syringe_text' and a 'too_small_text'");
      }
      for (const auto& l : ls) {
        NT_RETURN_IF_ERROR(r.CheckMap(l, {"mg", "per_ml", "name"}, {"mg", "per_ml", "name"}));
        DoseRule::Liquid liquid;
        NT_RETURN_IF_ERROR(PositiveNumber(r, l, "mg", &liquid.mg));
        NT_RETURN_IF_ERROR(PositiveNumber(r, l, "per_ml", &liquid.per_ml));
        NT_RETURN_IF_ERROR(r.String(l, "name", true, &liquid.name));
        dr.liquids.push_back(std::move(liquid));
      }
    }
    Sources sources;
    NT_RETURN_IF_ERROR(SourcesOf(r, n, &sources));
    m->sources.insert(m->sources.end(), sources.begin(), sources.end());
    return Status::Ok();
  }

  Status LoadDose(const YamlReader& r, const YAML::Node& d, MedicineRule* m) {
    NT_RETURN_IF_ERROR(r.CheckMap(d, {"adult", "by_weight", "no_weight_text", "caution_max_mg_per_24h",
                                      "not_kept_down_text", "measure"}, {"adult"}));
    DoseRule& dr = m->dose;
    dr.present = true;
    YAML::Node a = d["adult"];
    NT_RETURN_IF_ERROR(r.CheckMap(a, {"min_age_years", "min_weight_kg", "mg_per_dose", "hours_between",
                                      "max_mg_per_24h", "max_doses_per_24h", "note"},
                                  {"min_age_years", "mg_per_dose", "hours_between", "max_mg_per_24h"}));
    NT_RETURN_IF_ERROR(r.Number(a, "min_age_years", true, &dr.min_age));
    NT_RETURN_IF_ERROR(r.Number(a, "min_weight_kg", false, &dr.min_weight));
    NT_RETURN_IF_ERROR(r.IntPair(a, "mg_per_dose", true, &dr.mg.first, &dr.mg.second));
    NT_RETURN_IF_ERROR(r.IntPair(a, "hours_between", true, &dr.hours.first, &dr.hours.second));
    NT_RETURN_IF_ERROR(r.Int(a, "max_mg_per_24h", true, &dr.max_mg_24h));
    NT_RETURN_IF_ERROR(r.Int(a, "max_doses_per_24h", false, &dr.max_doses_24h));
    NT_RETURN_IF_ERROR(r.String(a, "note", false, &dr.note));
    if (YAML::Node w = d["by_weight"]) {
      NT_RETURN_IF_ERROR(r.CheckMap(w, {"mg_per_kg", "max_mg_per_dose", "hours_between", "max_mg_per_kg_per_24h",
                                        "max_mg_per_24h"},
                                    {"mg_per_kg", "max_mg_per_dose", "hours_between", "max_mg_per_kg_per_24h",
                                     "max_mg_per_24h"}));
      dr.has_by_weight = true;
      NT_RETURN_IF_ERROR(r.Number(w, "mg_per_kg", true, &dr.mg_per_kg));
      NT_RETURN_IF_ERROR(r.Number(w, "max_mg_per_dose", true, &dr.max_mg_dose));
      NT_RETURN_IF_ERROR(r.IntPair(w, "hours_between", true, &dr.wt_hours.first, &dr.wt_hours.second));
      NT_RETURN_IF_ERROR(r.Number(w, "max_mg_per_kg_per_24h", true, &dr.max_mg_per_kg_24h));
      NT_RETURN_IF_ERROR(r.Int(w, "max_mg_per_24h", true, &dr.wt_max_mg_24h));
    }
    if (YAML::Node me = d["measure"]) NT_RETURN_IF_ERROR(LoadMeasure(r, me, m));
    NT_RETURN_IF_ERROR(r.String(d, "no_weight_text", false, &m->no_weight_text));
    NT_RETURN_IF_ERROR(r.Int(d, "caution_max_mg_per_24h", false, &m->caution_max_mg_24h));
    NT_RETURN_IF_ERROR(r.String(d, "not_kept_down_text", false, &m->not_kept_down_text));
    return Status::Ok();
  }

  Status LoadMedicines() {
    Section s = Get("medicines");
    if (!s.reader) return Missing("medicines");
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "medicines"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "name", "avoid", "caution", "ok_text", "dose", "review",
                                        "listed_when", "notes"},
                                    {"id", "name"}));
      MedicineRule m;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &m.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, m.id, &seen, "medicine"));
      NT_RETURN_IF_ERROR(r.String(e, "name", true, &m.name));
      if (YAML::Node rv = e["review"]) {
        if (e["avoid"] || e["caution"] || e["dose"] || e["listed_when"] || e["notes"]) {
          return r.Error(e, "a 'review' medicine entry has no avoid, caution, dose, listed_when or notes");
        }
        NT_RETURN_IF_ERROR(r.CheckMap(rv, {"when", "reason", "sources"}, {"when", "reason", "sources"}));
        m.is_review = true;
        NT_RETURN_IF_ERROR(Condition(r, rv, "when", true, &m.review.when));
        NT_RETURN_IF_ERROR(r.String(rv, "reason", true, &m.review.reason));
        NT_RETURN_IF_ERROR(SourcesOf(r, rv, &m.review.sources));
        m.sources = m.review.sources;
      } else {
        NT_RETURN_IF_ERROR(MedConditions(r, e, "avoid", &m.avoid, true, &m.sources));
        NT_RETURN_IF_ERROR(MedConditions(r, e, "caution", &m.caution, false, &m.sources));
        NT_RETURN_IF_ERROR(r.String(e, "ok_text", false, &m.ok_text));
        NT_RETURN_IF_ERROR(Condition(r, e, "listed_when", false, &m.listed_when));
        if (e["notes"]) NT_RETURN_IF_ERROR(r.StringList(e, "notes", true, &m.notes));
        if (YAML::Node d = e["dose"]) NT_RETURN_IF_ERROR(LoadDose(r, d, &m));
        if (m.sources.empty()) return r.Error(e, "a medicine must cite its sources in its conditions");
      }
      std::sort(m.sources.begin(), m.sources.end());
      m.sources.erase(std::unique(m.sources.begin(), m.sources.end()), m.sources.end());
      kb_->medicines.push_back(std::move(m));
    }
    return Status::Ok();
  }

  Status LoadTextRules(const char* key, std::vector<TextRule>* out, bool is_mechanism) {
    Section s = Get(key);
    if (!s.reader) return is_mechanism ? Missing(key) : Status::Ok();
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, key));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      TextRule t;
      if (is_mechanism) {
        NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "when", "title", "explanation", "sources"},
                                      {"id", "when", "title", "explanation", "sources"}));
        NT_RETURN_IF_ERROR(r.String(e, "title", true, &t.title));
        NT_RETURN_IF_ERROR(r.String(e, "explanation", true, &t.text));
      } else {
        NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "when", "text", "sources", "dispositions"}, {"id", "text", "sources"}));
        NT_RETURN_IF_ERROR(r.String(e, "text", true, &t.text));
        NT_RETURN_IF_ERROR(ReadCareUse(r, e, &t.use));
      }
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &t.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, t.id, &seen, key));
      NT_RETURN_IF_ERROR(Condition(r, e, "when", is_mechanism, &t.when));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &t.sources));
      out->push_back(std::move(t));
    }
    return Status::Ok();
  }

  Status LoadPainTypes() {
    Section s = Get("pain_types");
    if (!s.reader) return Missing("pain_types");
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "pain_types"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"region", "present", "default", "default_text", "types"},
                                    {"region", "present", "default", "default_text", "types"}));
      PainRegion p;
      NT_RETURN_IF_ERROR(r.String(e, "region", true, &p.region));
      if (!seen.insert(p.region).second) return r.Error(e["region"], fmt::format("duplicate region '{}'", p.region));
      NT_RETURN_IF_ERROR(Condition(r, e, "present", true, &p.present));
      NT_RETURN_IF_ERROR(r.String(e, "default", true, &p.default_type));
      NT_RETURN_IF_ERROR(r.String(e, "default_text", true, &p.default_text));
      YAML::Node types = e["types"];
      NT_RETURN_IF_ERROR(r.CheckSeq(types, "types"));
      for (const auto& t : types) {
        NT_RETURN_IF_ERROR(r.CheckMap(t, {"type", "when", "text", "sources"}, {"type", "when", "text", "sources"}));
        PainTypeRule pt;
        NT_RETURN_IF_ERROR(r.String(t, "type", true, &pt.type));
        NT_RETURN_IF_ERROR(Condition(r, t, "when", true, &pt.when));
        NT_RETURN_IF_ERROR(r.String(t, "text", true, &pt.text));
        NT_RETURN_IF_ERROR(SourcesOf(r, t, &pt.sources));
        p.types.push_back(std::move(pt));
      }
      kb_->pain_regions.push_back(std::move(p));
    }
    return Status::Ok();
  }

  Status LoadFollowUp() {
    Section s = Get("follow_up");
    if (!s.reader) return Missing("follow_up");
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckMap(s.node, {"expected", "review"}, {"expected", "review"}));
    YAML::Node ex = s.node["expected"];
    NT_RETURN_IF_ERROR(r.CheckSeq(ex, "expected"));
    std::set<std::string> seen;
    for (const auto& e : ex) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "when", "text", "sources"}, {"id", "text", "sources"}));
      TextRule t;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &t.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, t.id, &seen, "expected"));
      NT_RETURN_IF_ERROR(r.String(e, "text", true, &t.text));
      NT_RETURN_IF_ERROR(Condition(r, e, "when", false, &t.when));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &t.sources));
      kb_->expected.push_back(std::move(t));
    }
    YAML::Node rv = s.node["review"];
    NT_RETURN_IF_ERROR(r.CheckSeq(rv, "review"));
    std::set<std::string> pains;
    for (const auto& e : rv) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"pain", "present", "days", "after_days", "text", "sources"},
                                    {"pain", "present", "days", "after_days", "text", "sources"}));
      ReviewRule rr;
      std::string days;
      NT_RETURN_IF_ERROR(r.String(e, "pain", true, &rr.pain));
      if (!pains.insert(rr.pain).second) return r.Error(e["pain"], fmt::format("duplicate review '{}'", rr.pain));
      NT_RETURN_IF_ERROR(Condition(r, e, "present", true, &rr.present));
      NT_RETURN_IF_ERROR(r.String(e, "days", true, &days));
      auto it = kb_->finding_index.find(days);
      if (it == kb_->finding_index.end() || kb_->findings[it->second].type == FindingType::kBool ||
          kb_->findings[it->second].type == FindingType::kChoice) {
        return r.Error(e["days"], fmt::format("'{}' is not a number finding", days));
      }
      rr.days_slot = it->second;
      NT_RETURN_IF_ERROR(r.Int(e, "after_days", true, &rr.after_days));
      NT_RETURN_IF_ERROR(r.String(e, "text", true, &rr.text));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &rr.sources));
      kb_->review.push_back(std::move(rr));
    }
    return Status::Ok();
  }

  Status LoadInterview() {
    Section s = Get("interview");
    if (!s.reader) return Missing("interview");
    const YamlReader& r = *s.reader;
    auto check_sources = [&](const YAML::Node& e) {
      Sources ignored;
      return SourcesOf(r, e, &ignored);
    };
    return LoadInterviewRules(r, s.node, *kb_, check_sources, &kb_->interview);
  }

  Status Course(const YamlReader& r, const YAML::Node& n, const char* key, std::vector<std::array<double, 3>>* out) {
    YAML::Node v = n[key];
    if (!v || !v.IsSequence() || v.size() == 0) return r.Error(v ? v : n, fmt::format("'{}' must be a list of [day, low, high]", key));
    double last_day = -1;
    for (const auto& p : v) {
      std::array<double, 3> pt{};
      if (!p.IsSequence() || p.size() != 3) return r.Error(p, "each point is [day, low, high]");
      for (size_t i = 0; i < 3; ++i) {
        if (!p[i].IsScalar() || !YAML::convert<double>::decode(p[i], pt[i])) return r.Error(p[i], "must be a number");
      }
      if (pt[0] <= last_day || pt[1] > pt[2] || pt[1] < 0 || pt[2] > 10) {
        return r.Error(p, "points need rising days and 0 <= low <= high <= 10");
      }
      last_day = pt[0];
      out->push_back(pt);
    }
    return Status::Ok();
  }

  Status LoadHistory() {
    Section s = Get("history");
    if (!s.reader) return Missing("history");
    const YamlReader& r = *s.reader;
    const YAML::Node& n = s.node;
    HistoryTexts& h = kb_->history;
    NT_RETURN_IF_ERROR(r.CheckMap(n, {"score_change", "pain_names", "hydration_change", "status_names", "overdue",
                                      "expected_course", "sources"},
                                  {"score_change", "pain_names", "hydration_change", "status_names", "overdue",
                                   "expected_course", "sources"}));
    NT_RETURN_IF_ERROR(r.String(n, "score_change", true, &h.score_change));
    NT_RETURN_IF_ERROR(r.String(n, "hydration_change", true, &h.hydration_change));
    NT_RETURN_IF_ERROR(r.String(n, "overdue", true, &h.overdue));
    for (auto [text, keys] : {std::pair{&h.score_change, "{pain} {first} {first_day} {last} {last_day}"},
                              std::pair{&h.hydration_change, "{before} {before_day} {now} {now_day}"},
                              std::pair{&h.overdue, "{days}"}}) {
      std::string all = keys;
      size_t pos = 0;
      while (pos < all.size()) {
        size_t end = all.find(' ', pos);
        if (end == std::string::npos) end = all.size();
        std::string key = all.substr(pos, end - pos);
        if (text->find(key) == std::string::npos) return r.Error(n, fmt::format("a history text lacks {}", key));
        pos = end + 1;
      }
    }
    YAML::Node names = n["pain_names"];
    NT_RETURN_IF_ERROR(r.CheckMap(names, {"back", "legs"}, {"back", "legs"}));
    NT_RETURN_IF_ERROR(r.String(names, "back", true, &h.pain_back));
    NT_RETURN_IF_ERROR(r.String(names, "legs", true, &h.pain_legs));
    YAML::Node st = n["status_names"];
    NT_RETURN_IF_ERROR(r.CheckMap(st, {"none", "some", "severe"}, {"none", "some", "severe"}));
    NT_RETURN_IF_ERROR(r.String(st, "none", true, &h.status_names[0]));
    NT_RETURN_IF_ERROR(r.String(st, "some", true, &h.status_names[1]));
    NT_RETURN_IF_ERROR(r.String(st, "severe", true, &h.status_names[2]));
    YAML::Node course = n["expected_course"];
    NT_RETURN_IF_ERROR(r.CheckMap(course, {"back", "legs"}, {"back", "legs"}));
    NT_RETURN_IF_ERROR(Course(r, course, "back", &h.course_back));
    NT_RETURN_IF_ERROR(Course(r, course, "legs", &h.course_legs));
    NT_RETURN_IF_ERROR(SourcesOf(r, n, &h.sources));
    return Status::Ok();
  }

  // kb.yaml `open_for_review` (optional): questions of policy left to clinicians.
  Status LoadOpenForReview() {
    Section s = Get("open_for_review");
    if (!s.reader) return Status::Ok();
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckSeq(s.node, "open_for_review"));
    std::set<std::string> seen;
    for (const auto& e : s.node) {
      NT_RETURN_IF_ERROR(r.CheckMap(e, {"id", "text", "sources"}, {"id", "text", "sources"}));
      OpenItem o;
      NT_RETURN_IF_ERROR(r.String(e, "id", true, &o.id));
      NT_RETURN_IF_ERROR(CheckId(r, e, o.id, &seen, "open_for_review"));
      NT_RETURN_IF_ERROR(r.String(e, "text", true, &o.text));
      NT_RETURN_IF_ERROR(SourcesOf(r, e, &o.sources));
      kb_->open_for_review.push_back(std::move(o));
    }
    return Status::Ok();
  }

  // kb.yaml `call_numbers` (optional): the phone numbers a person is told to
  // call, with the country they belong to and the sources that give them.
  Status LoadCallNumbers() {
    Section s = Get("call_numbers");
    if (!s.reader) return Status::Ok();
    const YamlReader& r = *s.reader;
    NT_RETURN_IF_ERROR(r.CheckMap(s.node, {"country", "emergency", "urgent", "sources"},
                                  {"country", "emergency", "urgent", "sources"}));
    CallNumbers& c = kb_->call_numbers;
    NT_RETURN_IF_ERROR(r.String(s.node, "country", true, &c.country));
    for (auto [key, out] : {std::pair{"emergency", &c.emergency}, std::pair{"urgent", &c.urgent}}) {
      NT_RETURN_IF_ERROR(r.String(s.node, key, true, out));
      if (!IsCallNumber(*out)) {
        return r.Error(s.node[key], fmt::format("'{}' is not a phone number (2 to 15 digits, optionally after '+')",
                                                *out));
      }
    }
    return SourcesOf(r, s.node, &kb_->call_sources);
  }

  Status CheckPolicy() {
    for (const auto& req : kRequiredFlags) {
      auto it = std::find_if(kb_->flags.begin(), kb_->flags.end(),
                             [&](const FlagRule& f) { return f.id == req.id; });
      if (it == kb_->flags.end()) {
        return Status::InvalidArgument(fmt::format(
            "{}: the flag '{}' is required by the policy and missing", flag_file(), req.id));
      }
      if (it->level < req.level) {
        return flag_reader_->Error(flag_nodes_[it->id]["level"],
                                   fmt::format("flag '{}' must be at least '{}' (the policy's level)", req.id,
                                               LevelId(req.level)));
      }
    }
    auto need = [&](auto& list, auto get, std::string_view what, std::string_view id) -> Status {
      bool found = std::any_of(list.begin(), list.end(), [&](const auto& x) { return get(x) == id; });
      if (!found) {
        return Status::InvalidArgument(
            fmt::format("the {} '{}' is required by the policy and missing", what, id));
      }
      return Status::Ok();
    };
    for (auto id : kRequiredMedicines) {
      NT_RETURN_IF_ERROR(need(kb_->medicines, [](const MedicineRule& m) { return m.id; }, "medicine", id));
    }
    for (auto id : kRequiredMechanisms) {
      NT_RETURN_IF_ERROR(need(kb_->mechanisms, [](const TextRule& m) { return m.id; }, "mechanism", id));
    }
    for (auto id : kRequiredPainRegions) {
      NT_RETURN_IF_ERROR(need(kb_->pain_regions, [](const PainRegion& m) { return m.region; }, "pain region", id));
    }
    for (auto id : kRequiredReviews) {
      NT_RETURN_IF_ERROR(need(kb_->review, [](const ReviewRule& m) { return m.pain; }, "review point", id));
    }
    return Status::Ok();
  }

  std::string flag_file() const { return flag_reader_ ? flag_reader_->file() : "flags"; }

  KbLimits limits_;
  std::unique_ptr<CompiledKb> kb_;
  std::vector<YamlReader> readers_;
  std::map<std::string, Section> sections_;
  std::map<std::string, size_t> source_index_;
  std::unique_ptr<ConditionCompiler> compiler_;
  std::map<std::string, YAML::Node> flag_nodes_;
  const YamlReader* flag_reader_ = nullptr;
  size_t rule_count_ = 0;
  std::vector<YAML::Node> applicability_nodes_;  // findings with asked_when, in file order
};

}  // namespace

Result<std::unique_ptr<CompiledKb>> LoadKb(const std::vector<KbFile>& files, const KbLimits& limits) {
  try {
    Loader loader(limits);
    return loader.Run(files);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("knowledge base: YAML error: {}", e.what()));
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("knowledge base: {}", e.what()));
  }
}

}  // namespace norotriage::internal
