// ToJson(kb, request): a request written back as spec/request.md JSON.
#include "norotriage/engine.h"
#include "util/json_writer.h"

namespace norotriage {

std::string ToJson(const KnowledgeBase& kb, const Request& request) {
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  if (request.ref) {
    w.Key("ref");
    w.String(*request.ref);
  }
  w.Key("findings");
  w.BeginObject();
  const auto& specs = kb.findings();
  for (size_t i = 0; i < specs.size() && i < request.findings.size(); ++i) {
    const FindingSpec& f = specs[i];
    if (!request.findings.known(i)) {
      if (i < request.declined.size() && request.declined[i]) {
        w.Key(f.id);
        w.Null();
      }
      continue;
    }
    const double v = request.findings.get(i);
    w.Key(f.id);
    switch (f.type) {
      case FindingType::kBool: w.Bool(v != 0); break;
      case FindingType::kChoice: w.String(f.choices[static_cast<size_t>(v)]); break;
      case FindingType::kInteger: w.Int(static_cast<long long>(v)); break;
      case FindingType::kNumber: w.Double(v); break;
    }
  }
  w.EndObject();
  w.EndObject();
  return out;
}

}  // namespace norotriage
