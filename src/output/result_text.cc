// ToText: the result for a person at a terminal; ToTextSummary: the same in
// one screen, for the end of the terminal interview.
//
// Plain words, 78 columns, most important first: a banner with the
// disposition, then why (the warning signs found), what to do now, fluids,
// pain relief, why it hurts, what to expect, when to get help and the open
// questions, each left out when it would be empty. Every piece of text from the knowledge base or the request
// is sanitised before it is printed, because a control character in it
// (an escape sequence in a `ref`, say) could otherwise drive the terminal;
// without colour the output holds no escape codes at all.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "norotriage/assessment.h"
#include "norotriage/engine.h"
#include "output/amounts_text.h"
#include "output/review_days.h"
#include "util/utf8.h"

namespace norotriage {
namespace {

using internal::kUtf8Replacement;
using internal::Utf8SequenceLength;

constexpr size_t kWidth = 78;
constexpr size_t kBoxInner = kWidth - 8;  // "!!! " + text + " !!!"
constexpr size_t kMaxQuestions = 12;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";

std::string_view LevelStyle(Level level) {
  switch (level) {
    case Level::kEmergency: return "\x1b[1;31m";  // bold red
    case Level::kUrgent: return "\x1b[1;33m";     // bold yellow
    case Level::kRoutine: return "\x1b[1;36m";    // bold cyan
    case Level::kSelfCare: return "\x1b[1;32m";   // bold green
  }
  return kBold;
}

std::string_view LevelWord(Level level) {
  switch (level) {
    case Level::kEmergency: return "Emergency";
    case Level::kUrgent: return "Urgent";
    case Level::kRoutine: return "Routine";
    case Level::kSelfCare: return "Self-care";
  }
  return "Unknown";
}

// What an open question could lead to, in words.
std::string_view CouldMean(Level level) {
  switch (level) {
    case Level::kEmergency: return "could mean an emergency";
    case Level::kUrgent: return "could mean urgent care";
    case Level::kRoutine: return "could mean seeing a doctor";
    case Level::kSelfCare: return "could change the advice";
  }
  return "could change the advice";
}

std::string_view AdviceWords(Advice advice) {
  switch (advice) {
    case Advice::kOk: return "OK";
    case Advice::kCaution: return "Use with care";
    case Advice::kAvoid: return "Avoid";
    case Advice::kReview: return "Check with a pharmacist";
  }
  return "Check with a pharmacist";
}


// Text that is safe to print: tabs and carriage returns become spaces, line
// feeds stay (they break lines), other C0 controls, DEL, C1 controls
// (U+0080..U+009F, which some terminals obey) and invalid UTF-8 become U+FFFD.
std::string Sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\t' || c == '\r') {
        out.push_back(' ');
      } else if ((c < 0x20 && c != '\n') || c == 0x7F) {
        out.append(kUtf8Replacement);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (len == 0 || c1) {
      out.append(kUtf8Replacement);
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

// Columns taken by sanitised text: one per code point (good enough for the
// Latin text of the knowledge base; wide CJK characters would count as one).
size_t Columns(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Word-wraps `text` to `width` columns. The first line starts with `first`,
// later ones with `rest` (a hanging indent). Line feeds in `text` are kept as
// line breaks. A word longer than the line is put on a line of its own, not
// broken. Returns no lines for empty text. REQUIRES: `text` sanitised.
std::vector<std::string> Wrap(std::string_view text, std::string_view first,
                              std::string_view rest, size_t width) {
  std::vector<std::string> lines;
  text = TrimSpaces(text);
  if (text.empty()) return lines;
  std::string line(first);
  size_t col = Columns(first);
  bool has_word = false;
  auto finish_line = [&] {
    lines.push_back(has_word ? line : std::string(TrimSpaces(line)));
    line.assign(rest);
    col = Columns(rest);
    has_word = false;
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view hard = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!hard.empty()) {
      const size_t sp = hard.find(' ');
      const std::string_view word = hard.substr(0, sp);
      hard = sp == std::string_view::npos ? std::string_view() : hard.substr(sp + 1);
      if (word.empty()) continue;
      const size_t w = Columns(word);
      if (has_word && col + 1 + w > width) finish_line();
      if (has_word) {
        line.push_back(' ');
        ++col;
      }
      line.append(word);
      col += w;
      has_word = true;
    }
    finish_line();
  }
  return lines;
}

std::string RangeText(const Range& r) {
  if (r.first == r.second) return fmt::format("{}", r.first);
  return fmt::format("{}\u2013{}", r.first, r.second);  // en dash
}

std::string_view Plural(long long n, std::string_view one, std::string_view many) {
  return n == 1 ? one : many;
}

// "Back pain", "Leg pain", "Vomiting": the label of a pain or region id.
std::string PainLabel(std::string_view id) {
  if (id == "back") return "Back pain";
  if (id == "legs") return "Leg pain";
  if (id == "vomiting") return "Vomiting";
  if (id == "diarrhoea") return "Diarrhoea";
  std::string s = Sanitize(id);
  std::replace(s.begin(), s.end(), '_', ' ');
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string DoseSentence(const Dose& d) {
  std::string s = fmt::format("Dose: {} mg", RangeText(d.mg_per_dose));
  const auto [lo, hi] = d.hours_between;
  if (lo > 0 && hi > lo) {
    s += fmt::format(" every {}\u2013{} hours", lo, hi);
  } else if (lo > 0) {
    // A single figure is the shortest gap, so say it as a minimum.
    s += fmt::format(", at least {} {} apart", lo, Plural(lo, "hour", "hours"));
  }
  if (d.max_mg_per_24h > 0) {
    s += fmt::format(", no more than {} mg in 24 hours", d.max_mg_per_24h);
    if (d.max_doses_per_24h > 0) {
      s += fmt::format(" ({} {} at most)", d.max_doses_per_24h,
                       Plural(d.max_doses_per_24h, "dose", "doses"));
    }
  } else if (d.max_doses_per_24h > 0) {
    s += fmt::format(", no more than {} {} in 24 hours", d.max_doses_per_24h,
                     Plural(d.max_doses_per_24h, "dose", "doses"));
  }
  s += '.';
  if (!d.note.empty()) {
    s += ' ';
    s += d.note;
  }
  return s;
}

// When the review point comes, from its days_left; empty when the days are
// unknown (the review text itself then says when).
std::string ReviewWhen(const ReviewPoint& r) {
  // The recovery chart draws its review line from the same days (review_days.h).
  const std::optional<long long> days = internal::ReviewDaysFromNow(r);
  if (!days) return std::string();
  if (*days < 1) return "That is now.";
  return fmt::format("That is in {} more {}.", *days, Plural(*days, "day", "days"));
}

class TextOut {
 public:
  explicit TextOut(bool color) : color_(color) { out_.reserve(4096); }

  void Banner(const Assessment& a);

  void Heading(std::string_view title) {
    out_.push_back('\n');
    Styled(title, kBold);
    out_.append(std::string(Columns(title), '-'));
    out_.push_back('\n');
  }

  // A wrapped paragraph. `style` (an SGR code, used only with colour) applies
  // to its text, not to the line feeds.
  void Paragraph(std::string_view text, std::string_view first = "", std::string_view rest = "",
                 std::string_view style = {}) {
    for (const std::string& line : Wrap(Sanitize(text), first, rest, kWidth)) {
      Styled(line, style);
    }
  }

  void Bullet(std::string_view text, std::string_view style = {}) {
    Paragraph(text, "* ", "  ", style);
  }
  void SubBullet(std::string_view text) { Paragraph(text, "  - ", "    "); }
  void Indented(std::string_view text) { Paragraph(text, "  ", "  "); }

  void Line(std::string_view text) { Styled(Sanitize(text), {}); }

  std::string Take() { return std::move(out_); }

  // One line as is (REQUIRES: sanitised, no line feed), styled with colour.
  void Styled(std::string_view line, std::string_view style) {
    const bool styled = color_ && !style.empty() && !line.empty();
    if (styled) out_.append(style);
    out_.append(line);
    if (styled) out_.append(kReset);
    out_.push_back('\n');
  }

 private:
  bool color_;
  std::string out_;
};

void TextOut::Banner(const Assessment& a) {
  const std::string label =
      Sanitize(a.disposition_label.empty() ? LevelWord(a.disposition) : a.disposition_label);
  const std::string summary = Sanitize(a.summary);
  const std::string_view style = LevelStyle(a.disposition);
  if (a.disposition == Level::kEmergency) {
    // Unmissable: a box of '!' with the label in capitals.
    std::string shout = label;
    for (char& ch : shout) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    const std::string edge(kWidth, '!');
    Styled(edge, style);
    std::vector<std::string> lines = Wrap(shout, "", "", kBoxInner);
    for (std::string& l : Wrap(summary, "", "", kBoxInner)) lines.push_back(std::move(l));
    for (const std::string& l : lines) {
      const size_t cols = Columns(l);
      const std::string pad(cols < kBoxInner ? kBoxInner - cols : 0, ' ');
      Styled(fmt::format("!!! {}{} !!!", l, pad), style);
    }
    Styled(edge, style);
    return;
  }
  const std::string edge(kWidth, '=');
  Styled(edge, style);
  for (const std::string& l : Wrap(label, "  ", "  ", kWidth)) Styled(l, style);
  for (const std::string& l : Wrap(summary, "  ", "  ", kWidth)) Styled(l, style);
  Styled(edge, style);
}

void WriteFlags(TextOut& t, const Assessment& a) {
  if (a.flags.empty()) return;
  t.Heading("Warning signs found");
  for (const FlagHit& f : a.flags) {
    t.Bullet(fmt::format("[{}] {}", LevelWord(f.level), f.title), LevelStyle(f.level));
    t.Indented(f.advice);
  }
}

void WriteSelfCare(TextOut& t, const Assessment& a) {
  if (!a.self_care.empty()) {
    t.Heading("What to do now");
    for (const TextItem& item : a.self_care) t.Bullet(item.text);
  }
  // Emergency and urgent: home care only once a doctor or nurse has seen them.
  if (!a.self_care_after_seen.empty()) {
    t.Heading("After you have been seen, if the doctor or nurse agrees");
    for (const TextItem& item : a.self_care_after_seen) t.Bullet(item.text);
  }
}

void WriteWhy(TextOut& t, const Assessment& a) {
  if (a.mechanisms.empty() && a.pain_types.empty()) return;
  t.Heading("Why it hurts");
  for (const MechanismHit& m : a.mechanisms) {
    t.Bullet(m.title);
    t.Indented(m.explanation);
  }
  for (const PainType& p : a.pain_types) {
    std::string line = fmt::format("{}: {}", PainLabel(p.region), p.type);
    if (!p.text.empty()) line += fmt::format(" \u2014 {}", p.text);  // em dash
    t.Bullet(line);
  }
}

void WriteFluids(TextOut& t, const Assessment& a) {
  const HydrationResult& h = a.hydration;
  const bool any = h.assessed || !h.status_text.empty() || !h.plan_text.empty() || h.fluid_limit || h.ors_ml ||
                   h.ors_ml_range || h.per_loose_stool_ml || h.maintenance_ml_per_day ||
                   h.weight_loss_percent || h.iv;
  if (!any) return;
  t.Heading("Fluids");
  t.Paragraph(h.status_text);
  t.Paragraph(h.plan_text);
  const std::string over =
      h.over_hours > 0
          ? fmt::format(" over {} {}", h.over_hours, Plural(h.over_hours, "hour", "hours"))
          : std::string();
  if (h.fluid_limit) {
    // Heart or kidney failure: no volume (the plan text above says what to do).
    t.Bullet("Oral rehydration solution (ORS): no set amount for you. Sip it as above, and keep to "
             "any fluid limit a doctor gave you.");
  } else if (h.ors_ml) {
    t.Bullet(fmt::format("Oral rehydration solution (ORS): about {} ml{}.", *h.ors_ml, over));
  } else if (h.ors_ml_range) {
    t.Bullet(fmt::format("Oral rehydration solution (ORS): {} ml{}.", RangeText(*h.ors_ml_range),
                         over));
  }
  if (std::string portion = internal::PortionSentence(h); !portion.empty()) t.Bullet(portion);
  // With a fluid limit no amount to drink is said at all: extra per stool and
  // a daily need could both go past the limit a doctor set.
  if (h.per_loose_stool_ml && !h.fluid_limit) {
    t.Bullet(fmt::format("After each loose stool: {} ml more to drink.",
                         RangeText(*h.per_loose_stool_ml)));
  }
  if (std::string vomit = internal::VomitSentence(h); !vomit.empty()) t.Bullet(vomit);
  if (std::string need = internal::DailyNeedText(h); !need.empty()) {
    t.Bullet(fmt::format("Usual fluid need: {}.", need));
  }
  if (h.weight_loss_percent && std::isfinite(*h.weight_loss_percent)) {
    t.Bullet(fmt::format("Weight lost since before the illness: {:.1f}%.",
                         *h.weight_loss_percent));
  }
  if (h.iv) {
    t.Bullet(fmt::format(
        "For clinicians (plan {}, intravenous fluids): {} ml in total; {} ml over {} minutes, "
        "then {} ml over {} hours.",
        h.plan, h.iv->total_ml, h.iv->first_ml, h.iv->first_minutes, h.iv->then_ml,
        h.iv->then_hours));
  }
}

void WriteMedicines(TextOut& t, const Assessment& a) {
  // Pain relief (tablets and, with back or leg pain, rubs), then the
  // sick-day cards (advice `review`) about medicines the person already takes.
  for (const bool cards : {false, true}) {
    bool heading = false;
    for (const MedicineResult& m : a.medicines) {
      if ((m.advice == Advice::kReview) != cards) continue;
      if (!heading) t.Heading(cards ? "Your usual medicines while you are ill" : "Pain relief");
      heading = true;
      const std::string_view name = m.name.empty() ? m.id : m.name;
      if (cards) {
        t.Bullet(name);
      } else {
        t.Bullet(fmt::format("{}: {}", name, AdviceWords(m.advice)));
      }
      for (std::string_view reason : m.reasons) t.SubBullet(reason);
      if (m.dose) {
        t.Indented(DoseSentence(*m.dose));
        // The same dose as a person measures it (issue 16).
        for (const LiquidDose& l : m.dose->liquids) t.Indented(internal::LiquidSentence(l, m.dose->too_small_text));
        if (!m.dose->liquids.empty()) t.Indented(m.dose->measure_text);
        if (m.dose->tablets) t.Indented(internal::TabletSentence(*m.dose->tablets));
        t.Indented(m.dose_text);
      } else if (!m.dose_text.empty()) {
        t.Indented(cards ? std::string(m.dose_text) : fmt::format("Dose: {}", m.dose_text));
      }
    }
  }
}

void WriteExpect(TextOut& t, const Assessment& a) {
  if (a.expected.empty() && a.review.empty()) return;
  t.Heading("What to expect");
  for (const TextItem& item : a.expected) t.Bullet(item.text);
  for (const ReviewPoint& r : a.review) {
    std::string line = fmt::format("{}: {}", PainLabel(r.pain), r.text);
    const std::string when = ReviewWhen(r);
    if (!when.empty()) line += fmt::format(" {}", when);
    t.Bullet(line);
  }
}

void WriteSafetyNet(TextOut& t, const Assessment& a) {
  if (a.safety_net.empty()) return;
  t.Heading("Get help if");
  // Most serious first; the engine's order is kept within a level.
  std::vector<const SafetyNetItem*> items;
  items.reserve(a.safety_net.size());
  for (const SafetyNetItem& s : a.safety_net) items.push_back(&s);
  std::stable_sort(items.begin(), items.end(), [](const SafetyNetItem* x, const SafetyNetItem* y) {
    return static_cast<int>(x->level) > static_cast<int>(y->level);
  });
  for (const SafetyNetItem* s : items) {
    t.Bullet(s->text, s->level == Level::kEmergency ? LevelStyle(Level::kEmergency)
                                                    : std::string_view());
  }
  if (!a.safety_net_more.empty()) {
    const size_t n = a.safety_net_more.size();
    t.Line(fmt::format("  ... and {} more {}, less likely for you (the web page and --json list them).", n,
                       Plural(n, "sign", "signs")));
  }
}

void WriteQuestions(TextOut& t, const Assessment& a) {
  if (a.unanswered.empty()) return;
  t.Heading("Questions that could change this advice");
  const size_t shown = std::min(a.unanswered.size(), kMaxQuestions);
  for (size_t i = 0; i < shown; ++i) {
    const UnansweredItem& u = a.unanswered[i];
    const std::string_view question = u.question.empty() ? u.finding : u.question;
    t.Bullet(fmt::format("[{}] {}", CouldMean(u.could_reach), question));
  }
  if (shown < a.unanswered.size()) {
    const size_t more = a.unanswered.size() - shown;
    t.Line(fmt::format("  ... and {} more {}.", more, Plural(more, "question", "questions")));
  }
}

// Most serious first; the engine's order is kept within a level.
std::vector<const SafetyNetItem*> SafetyNetBySeverity(const Assessment& a) {
  std::vector<const SafetyNetItem*> items;
  items.reserve(a.safety_net.size());
  for (const SafetyNetItem& s : a.safety_net) items.push_back(&s);
  std::stable_sort(items.begin(), items.end(), [](const SafetyNetItem* x, const SafetyNetItem* y) {
    return static_cast<int>(x->level) > static_cast<int>(y->level);
  });
  return items;
}

// "Call 999 for an ambulance. Call 111 for urgent advice.", or "" when the
// assessment has no knowledge base or it sets no numbers.
std::string CallLine(const Assessment& a) {
  if (a.call == nullptr) return std::string();
  const CallNumbers& c = *a.call;
  std::string line;
  if (!c.emergency.empty()) {
    line += a.disposition == Level::kEmergency ? fmt::format("Call {} now for an ambulance.", c.emergency)
                                               : fmt::format("Emergency: call {} for an ambulance.", c.emergency);
  }
  if (!c.urgent.empty()) {
    if (!line.empty()) line += ' ';
    line += fmt::format("Urgent advice: call {}.", c.urgent);
  }
  return line;
}

}  // namespace

std::string ToTextSummary(const Assessment& a, bool color) {
  TextOut t(color);
  const std::string_view style = LevelStyle(a.disposition);
  const bool emergency = a.disposition == Level::kEmergency;
  const std::string edge(kWidth, emergency ? '!' : '=');
  std::vector<std::string> body;  // wrapped lines between the edges
  auto add = [&body](std::string_view text, std::string_view first, std::string_view rest) {
    for (std::string& l : Wrap(Sanitize(text), first, rest, kWidth)) body.push_back(std::move(l));
  };
  add(a.disposition_label.empty() ? LevelWord(a.disposition) : a.disposition_label, "  ", "  ");
  const size_t label_lines = body.size();
  add(a.summary, "  ", "  ");
  std::string why;
  for (const FlagHit& f : a.flags) why += fmt::format("{}{}", why.empty() ? "" : "; ", f.title);
  add(why.empty() ? std::string("Why: we found no warning signs in your answers.")
                  : fmt::format("Why: {}.", why),
      "  ", "       ");
  add(CallLine(a), "  ", "  ");
  // The safety net, most serious first, while the summary fits one screen
  // (kMaxSummaryLines with the edges and the closing line).
  constexpr size_t kMaxSummaryLines = 30;
  const std::vector<const SafetyNetItem*> net = SafetyNetBySeverity(a);
  std::vector<std::vector<std::string>> signs;
  size_t used = body.size() + 4;  // two edges, the safety-net heading, the closing line
  for (const SafetyNetItem* s : net) {
    std::vector<std::string> lines = Wrap(Sanitize(s->text), "  * ", "    ", kWidth);
    if (used + lines.size() + 1 > kMaxSummaryLines) break;  // + 1: the "more" line
    used += lines.size();
    signs.push_back(std::move(lines));
  }
  t.Styled(edge, style);
  for (size_t i = 0; i < body.size(); ++i) t.Styled(body[i], i < label_lines ? style : std::string_view());
  if (!signs.empty()) {
    t.Styled("  Get help if:", kBold);
    for (size_t i = 0; i < signs.size(); ++i) {
      const std::string_view sign_style =
          net[i]->level == Level::kEmergency ? LevelStyle(Level::kEmergency) : std::string_view();
      for (const std::string& l : signs[i]) t.Styled(l, sign_style);
    }
    if (signs.size() < net.size()) {
      const size_t more = net.size() - signs.size();
      t.Styled(fmt::format("    ... and {} more {} under \"Get help if\" above.", more, Plural(more, "sign", "signs")),
             {});
    }
  }
  t.Styled("  This is not a diagnosis. Scroll up for the full advice.", {});
  t.Styled(edge, style);
  return t.Take();
}

std::string ToText(const Assessment& a, bool color) {
  TextOut t(color);
  t.Banner(a);
  WriteFlags(t, a);
  WriteSelfCare(t, a);
  WriteFluids(t, a);
  WriteMedicines(t, a);
  WriteWhy(t, a);
  WriteExpect(t, a);
  WriteSafetyNet(t, a);
  WriteQuestions(t, a);
  t.Line("");
  if (a.ref) t.Paragraph(fmt::format("Reference: {}", *a.ref));
  t.Line(fmt::format("Knowledge base {}", a.kb_version.empty() ? "(no version)" : a.kb_version));
  return t.Take();
}

}  // namespace norotriage
