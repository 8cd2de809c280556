// The clinical review pack (`norotriage kb review`): one printable document,
// generated from the knowledge base, that a clinician can read and sign off.
//
// It lists every finding (the question asked and the answers allowed), every
// flag by level (its condition in plain words and as written, the findings it
// reads, its advice, safety net and sources), every definition, the
// hydration rules and fluid plans with their numbers, every medicine (avoid
// and caution conditions with reasons and sources, doses, caps) and card,
// the mechanisms, pain types, self-care and follow-up texts, the items open
// for clinical review (kb.yaml `open_for_review`) and all sources, with a
// sign-off table per section. Conditions are put into words by
// kb/condition_words.h from the text the loader kept (CompiledKb::condition_text).
//
// The output depends only on the knowledge base (no date, no host), so the
// checked-in docs/clinical-review.md can be compared byte for byte with a
// fresh one (tests/review_pack_current.sh).
//
// Thread safety: pure functions of the immutable knowledge base.
#ifndef NOROTRIAGE_KB_REVIEW_PACK_H_
#define NOROTRIAGE_KB_REVIEW_PACK_H_

#include <string>

#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"

namespace norotriage::internal {

// The pack as Markdown (GitHub-flavoured: tables, nested lists).
// InvalidArgument when a condition cannot be put into words.
Result<std::string> ReviewPackMarkdown(const KnowledgeBase& kb);

// The same pack as one self-contained HTML page with a print stylesheet.
Result<std::string> ReviewPackHtml(const KnowledgeBase& kb);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_KB_REVIEW_PACK_H_
