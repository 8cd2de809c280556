// The knowledge base as JSON, for programs that build their own forms or
// want to show where advice comes from (GET /v1/knowledge).
//
// Thread safety: a pure function of the immutable knowledge base.
#ifndef NOROTRIAGE_KNOWLEDGE_JSON_H_
#define NOROTRIAGE_KNOWLEDGE_JSON_H_

#include <string>

#include "norotriage/knowledge_base.h"

namespace norotriage {

// One line of JSON:
//   {"version": "…",
//    "findings": [{"id", "type": "bool|number|integer|choice", "group",
//                  "question", "label", "help"?, "min"?, "max"?,
//                  "choices"?: [{"value", "label"}]}],
//    "dispositions": [{"level", "label", "summary"}],      emergency first
//    "flags": [{"id", "level", "title", "advice", "safety_net"?, "sources"}],
//    "medicines": [{"id", "name", "kind": "medicine|review", "avoid": [{"reason", "sources"}],
//                   "caution": […], "review"?: {…}, "dose"?: {…}, "sources"}],
//    "mechanisms": [{"id", "title", "text", "sources"}],
//    "hydration": {"sources"},
//    "call"?: {"country"?, "emergency"?, "urgent"?, "sources"},  the numbers to call
//    "sources": [{"id", "cite"}]}
// Rules' "sources" are the resolved citations, as in a result. Conditions are
// not included: they are compiled programs (see `norotriage kb show`).
// Budget: linear in the size of the knowledge base (tens of kilobytes);
// compute it once and reuse it.
std::string KnowledgeJson(const KnowledgeBase& kb);

}  // namespace norotriage

#endif  // NOROTRIAGE_KNOWLEDGE_JSON_H_
