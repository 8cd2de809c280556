#include "norotriage/knowledge_base.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "compile/compiled_kb.h"
#include "kb/kb_image.h"
#include "kb/loader.h"
#include "util/spell.h"

namespace norotriage {

namespace internal {
// The compiled image of knowledge/*.yaml, generated at build time by
// tools/kbc.cc (empty in the kbc tool itself).
std::string_view EmbeddedKbImage();
}  // namespace internal

std::string_view FindingTypeId(FindingType t) {
  switch (t) {
    case FindingType::kBool: return "bool";
    case FindingType::kNumber: return "number";
    case FindingType::kInteger: return "integer";
    case FindingType::kChoice: return "choice";
  }
  return "bool";
}

bool IsCallNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.size() < 2 || s.size() > 15) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

KnowledgeBase::KnowledgeBase(std::unique_ptr<internal::CompiledKb> impl) : impl_(std::move(impl)) {}
KnowledgeBase::~KnowledgeBase() = default;

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::LoadFiles(const std::vector<KbFile>& files,
                                                                      const KbLimits& limits) {
  auto kb = internal::LoadKb(files, limits);
  if (!kb.ok()) return kb.status();
  return std::shared_ptr<const KnowledgeBase>(new KnowledgeBase(std::move(kb).value()));
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::LoadDir(const std::string& dir,
                                                                    const KbLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(fmt::format("{}: not a directory", dir));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") names.push_back(entry.path().string());
  }
  if (ec) return Status::Unavailable(fmt::format("{}: {}", dir, ec.message()));
  std::sort(names.begin(), names.end());
  if (names.empty()) return Status::NotFound(fmt::format("{}: no .yaml files", dir));
  if (names.size() > limits.max_files) {
    return Status::InvalidArgument(fmt::format("{}: more than {} files", dir, limits.max_files));
  }
  std::vector<KbFile> files;
  size_t total = 0;
  for (const auto& name : names) {
    std::ifstream in(name, std::ios::binary);
    if (!in) return Status::Unavailable(fmt::format("{}: cannot read", name));
    std::ostringstream ss;
    ss << in.rdbuf();
    total += ss.str().size();
    if (total > limits.max_bytes) {
      return Status::InvalidArgument(fmt::format("{}: the knowledge base is larger than {} bytes", dir, limits.max_bytes));
    }
    files.push_back({name, ss.str()});
  }
  return LoadFiles(files, limits);
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::LoadBuiltin() {
  std::string_view image = internal::EmbeddedKbImage();
  if (image.empty()) return Status::NotFound("this binary has no built-in knowledge base");
  auto kb = internal::ReadKbImage(image);
  if (!kb.ok()) return kb.status();
  return std::shared_ptr<const KnowledgeBase>(new KnowledgeBase(std::move(kb).value()));
}

std::string KnowledgeBase::ImageForTesting() const { return internal::WriteKbImage(*impl_); }

const std::string& KnowledgeBase::version() const { return impl_->version; }
const std::vector<FindingSpec>& KnowledgeBase::findings() const { return impl_->findings; }
const CallNumbers& KnowledgeBase::call_numbers() const { return impl_->call_numbers; }

std::shared_ptr<const KnowledgeBase> KnowledgeBase::WithCallNumbers(const CallNumbers& numbers) const {
  // A copy leaves the derived caches empty (DerivedCache), so nothing
  // rendered from this knowledge base's numbers is reused.
  auto copy = std::make_unique<internal::CompiledKb>(*impl_);
  CallNumbers& call = copy->call_numbers;
  const bool changed = (!numbers.emergency.empty() && numbers.emergency != call.emergency) ||
                       (!numbers.urgent.empty() && numbers.urgent != call.urgent);
  if (!numbers.emergency.empty()) call.emergency = numbers.emergency;
  if (!numbers.urgent.empty()) call.urgent = numbers.urgent;
  if (changed) call.country.clear();
  return std::shared_ptr<const KnowledgeBase>(new KnowledgeBase(std::move(copy)));
}

int KnowledgeBase::FindingIndex(std::string_view id) const {
  auto it = impl_->finding_index.find(id);
  return it == impl_->finding_index.end() ? -1 : it->second;
}

std::string KnowledgeBase::SuggestFinding(std::string_view id) const {
  std::vector<std::string> ids;
  for (const auto& f : impl_->findings) ids.push_back(f.id);
  return internal::Suggest(id, ids);
}

namespace {

const char* TypeName(FindingType t) {
  switch (t) {
    case FindingType::kBool: return "bool";
    case FindingType::kNumber: return "number";
    case FindingType::kInteger: return "integer";
    case FindingType::kChoice: return "choice";
  }
  return "?";
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
  return out;
}

}  // namespace

std::string KnowledgeBase::Describe() const {
  const auto& kb = *impl_;
  std::string out = fmt::format("Knowledge base {}\n\nFindings ({}):\n", kb.version, kb.findings.size());
  for (const auto& f : kb.findings) {
    std::string type = TypeName(f.type);
    if (f.type == FindingType::kNumber || f.type == FindingType::kInteger) {
      type += fmt::format(" {}–{}", f.min, f.max);
    } else if (f.type == FindingType::kChoice) {
      type += " {" + Join(f.choices, ", ") + "}";
    }
    out += fmt::format("  {:<32} {:<28} {}\n", f.id, type, f.question);
    if (!f.asked_when.empty()) {
      // Who the finding applies to: where asked_when is false and the finding
      // is not given, it is never asked and is read as `otherwise`.
      std::string otherwise;
      if (f.type == FindingType::kBool) {
        otherwise = f.otherwise != 0 ? "true" : "false";
      } else if (f.type == FindingType::kChoice && f.otherwise >= 0 &&
                 static_cast<size_t>(f.otherwise) < f.choices.size()) {
        otherwise = f.choices[static_cast<size_t>(f.otherwise)];
      } else {
        otherwise = fmt::format("{}", f.otherwise);
      }
      out += fmt::format("      asked when: {}; otherwise: {}\n", f.asked_when, otherwise);
    }
  }
  out += fmt::format("\nFlags ({}):\n", kb.flags.size());
  for (const auto& f : kb.flags) {
    out += fmt::format("  {:<30} {:<10} {}\n      sources: {}\n", f.id, LevelId(f.level), f.title,
                       Join(f.sources, "; "));
  }
  out += fmt::format("\nMedicines ({}):\n", kb.medicines.size());
  for (const auto& m : kb.medicines) {
    std::string kind = m.is_review ? "card (advice review)"
                                   : fmt::format("{} avoid, {} caution rules", m.avoid.size(), m.caution.size());
    if (!m.is_review && !m.listed_when.empty()) kind += "; listed only when its condition holds";
    if (!m.is_review && !m.dose.present) kind += "; no dose";
    out += fmt::format("  {:<30} {}\n", m.id, kind);
  }
  out += fmt::format("\nMechanisms ({}):\n", kb.mechanisms.size());
  for (const auto& m : kb.mechanisms) out += fmt::format("  {:<30} {}\n", m.id, m.title);
  out += fmt::format("\nSelf-care items: {}; expected-course items: {}; review points: {}; sources: {}\n",
                     kb.self_care.size(), kb.expected.size(), kb.review.size(), kb.sources.size());
  return out;
}

std::string KnowledgeBase::DumpProgram() const {
  const auto& kb = *impl_;
  std::string out;
  for (const auto& [id, c] : kb.definitions) {
    out += "definition " + id + ":\n" + internal::DumpCond(kb.program, c, kb.slot_names, kb.slot_choices);
  }
  for (const auto& f : kb.flags) {
    out += "flag " + f.id + ":\n" + internal::DumpCond(kb.program, f.when, kb.slot_names, kb.slot_choices);
  }
  out += fmt::format("total instructions: {}\n", kb.program.code.size());
  return out;
}

}  // namespace norotriage
