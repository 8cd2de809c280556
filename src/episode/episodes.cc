// Episodes: check-ins with day counts from dates and history from earlier check-ins.
#include "norotriage/episode.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compile/compiled_kb.h"
#include "episode/chart_svg.h"
#include "episode/dates.h"
#include "norotriage/engine.h"
#include "output/review_days.h"
#include "util/json_writer.h"

namespace norotriage {

using internal::FormatDate;
using internal::ParseDate;

std::string SystemClock::Today() const { return internal::NowUtc().substr(0, 10); }

namespace {

std::string NewEpisodeId() {
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", static_cast<uint32_t>(rd()));
  return id;
}

// The slots the episode layer reads and writes, by name.
struct Slots {
  explicit Slots(const KnowledgeBase& kb) : kb_(kb) {}
  int operator()(std::string_view id) const { return kb_.FindingIndex(id); }
  const KnowledgeBase& kb_;
};

// One pain the episode follows: its finding ids.
struct Pain {
  const char* region;  // "back" | "legs"
  const char* present;
  const char* days;
  const char* score;
  const char* trend;
  const char* rising;
  const char* better_then_worse;
};
constexpr Pain kPains[] = {
    {"back", "back_pain", "back_pain_days", "back_pain_score", "back_pain_trend", "back_pain_score_rising",
     "back_pain_better_then_worse"},
    {"legs", "leg_aches", "leg_aches_days", "leg_aches_score", "leg_aches_trend", "leg_aches_score_rising",
     "leg_aches_better_then_worse"},
};

bool IsTrue(const Findings& f, int slot) { return slot >= 0 && f.known(slot) && f.get(slot) != 0; }

std::optional<double> Value(const Findings& f, int slot) {
  if (slot < 0 || !f.known(slot)) return std::nullopt;
  return f.get(slot);
}

// The trend choice id ("better", "same", "worse") of a finding, or "".
std::string_view Choice(const KnowledgeBase& kb, const Findings& f, int slot) {
  if (slot < 0 || !f.known(slot)) return "";
  return kb.findings()[slot].choices[static_cast<size_t>(f.get(slot))];
}

bool Symptomatic(const KnowledgeBase& kb, const Findings& f) {
  Slots s(kb);
  for (const char* id : {"back_pain", "leg_aches", "leg_cramps", "gi_ongoing"}) {
    if (IsTrue(f, s(id))) return true;
  }
  for (const char* id : {"vomits_24h", "stools_24h"}) {
    auto v = Value(f, s(id));
    if (v && *v >= 1) return true;
  }
  return false;
}

// Sets a finding unless the request already gives it (or declines it).
void SetIfUnknown(Request* req, int slot, double v) {
  if (slot < 0 || req->findings.known(slot)) return;
  if (static_cast<size_t>(slot) < req->declined.size() && req->declined[slot]) return;
  req->findings.set(slot, v);
}

struct StoredCheckin {
  Request request;
  int hydration = -1;  // 0..2 when assessed, -1 when not
};

Result<StoredCheckin> ReadStored(const KnowledgeBase& kb, const CheckinRecord& c) {
  auto req = ParseRequest(kb, c.request_json, ParseOptions{.require_age = false});
  if (!req.ok()) {
    return Status::Corruption(fmt::format("check-in {} is not a valid request: {}", c.seq, req.error().ToString()));
  }
  StoredCheckin out{std::move(req).value(), -1};
  nlohmann::json r = nlohmann::json::parse(c.result_json, nullptr, /*allow_exceptions=*/false);
  if (r.is_object() && r.contains("hydration") && r["hydration"].value("assessed", false)) {
    std::string st = r["hydration"].value("status", "none");
    out.hydration = st == "severe" ? 2 : st == "some" ? 1 : 0;
  }
  return out;
}

std::string Number(double v) { return fmt::format("{}", std::round(v * 10) / 10); }

std::string Fill(std::string text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [key, value] : values) {
    std::string k = fmt::format("{{{}}}", key);
    for (size_t pos; (pos = text.find(k)) != std::string::npos;) text.replace(pos, k.size(), value);
  }
  return text;
}

}  // namespace

std::optional<SameDay> ParseSameDay(std::string_view text) {
  if (text == "ask") return SameDay::kAsk;
  if (text == "replace") return SameDay::kReplace;
  if (text == "amend") return SameDay::kAmend;
  if (text == "add") return SameDay::kAdd;
  return std::nullopt;
}

Episodes::Episodes(std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock)
    : kb_(std::move(kb)), store_(store), clock_(clock) {}

Request Episodes::Merge(const Request& stable, const Request& findings) const {
  Request out = findings;
  const size_t n = kb_->findings().size();
  if (out.findings.size() != n) out.findings = Findings(n);
  out.declined.resize(n, false);
  for (size_t i = 0; i < n && i < stable.findings.size(); ++i) {
    if (out.findings.known(i) || out.declined[i]) continue;
    if (stable.findings.known(i)) out.findings.set(i, stable.findings.get(i));
  }
  if (!out.ref) out.ref = stable.ref;
  return out;
}

Result<Request> Episodes::StableOf(const EpisodeRecord& e) const {
  auto req = ParseRequest(*kb_, e.stable_json, ParseOptions{.require_age = false});
  if (!req.ok()) return Status::Corruption(fmt::format("episode {}: stored findings are not valid", e.id));
  return std::move(req).value();
}

Result<EpisodeRecord> Episodes::Create(std::string_view onset_date, const Request& stable,
                                       const std::string& token_hash) {
  std::string onset = onset_date.empty() ? clock_->Today() : std::string(onset_date);
  if (!ParseDate(onset)) {
    return Status::InvalidArgument(fmt::format("onset: '{}' is not a date (use YYYY-MM-DD)", onset));
  }
  auto today = ParseDate(clock_->Today());
  if (today && *ParseDate(onset) > *today) {
    return Status::InvalidArgument(fmt::format("onset: {} is in the future", onset));
  }
  EpisodeRecord e;
  e.id = NewEpisodeId();
  e.onset_date = onset;
  e.stable_json = ToJson(*kb_, stable);
  e.token_hash = token_hash;
  e.created_at = internal::NowUtc();
  if (Status s = store_->CreateEpisode(e); !s.ok()) return s;
  return e;
}

Result<CheckinResult> Episodes::Evaluate(const EpisodeRecord& e, const std::vector<CheckinRecord>& before,
                                         int64_t date, Request req) const {
  const KnowledgeBase& kb = *kb_;
  Slots slot(kb);
  const int64_t onset = *ParseDate(e.onset_date);
  const double day = static_cast<double>(date - onset);
  std::vector<StoredCheckin> prev;
  for (const auto& c : before) {
    auto s = ReadStored(kb, c);
    if (!s.ok()) return s.status();
    prev.push_back(std::move(s).value());
  }
  SetIfUnknown(&req, slot("days_since_onset"), std::min(day, 365.0));
  // A pain's day count: from the first check-in that had it, or from the onset.
  for (const Pain& p : kPains) {
    if (!IsTrue(req.findings, slot(p.present))) continue;
    double days = day;
    for (size_t i = 0; i < prev.size(); ++i) {
      if (!IsTrue(prev[i].request.findings, slot(p.present))) continue;
      auto d0 = Value(prev[i].request.findings, slot(p.days));
      if (d0) days = *d0 + static_cast<double>(date - *ParseDate(before[i].date));
      break;
    }
    SetIfUnknown(&req, slot(p.days), std::clamp(days, 0.0, kb.findings()[slot(p.days)].max));
  }
  // History findings.
  for (const Pain& p : kPains) {
    auto now_score = Value(req.findings, slot(p.score));
    if (now_score) {
      std::vector<double> scores;
      for (const auto& s : prev) {
        if (auto v = Value(s.request.findings, slot(p.score))) scores.push_back(*v);
      }
      scores.push_back(*now_score);
      bool rising = scores.size() >= 3 && scores[scores.size() - 3] < scores[scores.size() - 2] &&
                    scores[scores.size() - 2] < scores.back();
      SetIfUnknown(&req, slot(p.rising), rising ? 1 : 0);
    }
    std::string_view trend = Choice(kb, req.findings, slot(p.trend));
    if (!trend.empty()) {
      bool was_better = std::any_of(prev.begin(), prev.end(), [&](const StoredCheckin& s) {
        return Choice(kb, s.request.findings, slot(p.trend)) == "better";
      });
      SetIfUnknown(&req, slot(p.better_then_worse), trend == "worse" && was_better ? 1 : 0);
    }
  }
  CompactAssessment now = AssessCompact(kb, req.findings);
  const int now_hydration = now.hydration_assessed ? static_cast<int>(now.hydration) : -1;
  const int last_hydration = prev.empty() ? -1 : prev.back().hydration;
  SetIfUnknown(&req, slot("hydration_worsening"), now_hydration >= 0 && last_hydration >= 0 && now_hydration > last_hydration ? 1 : 0);
  // At a check-in nothing is overdue: the person is checking in now. Show()
  // measures the gap from the last check-in to today.
  SetIfUnknown(&req, slot("days_since_last_checkin"), 0);
  SetIfUnknown(&req, slot("symptoms_at_last_checkin"), !prev.empty() && Symptomatic(kb, prev.back().request.findings));

  // The merged request must be one the parser accepts (types, ranges and the
  // consistency rules); going through JSON checks exactly that.
  auto valid = ParseRequest(kb, ToJson(kb, req));
  if (!valid.ok()) return Status::InvalidArgument(valid.error().ToString());
  CheckinResult out;
  out.request = std::move(valid).value();
  out.request.declined = req.declined;
  out.assessment = Assess(kb, out.request);
  out.checkin.date = FormatDate(date);
  out.checkin.day = day;
  out.checkin.request_json = ToJson(kb, out.request);
  out.checkin.result_json = ToJson(out.assessment);
  out.checkin.disposition = std::string(LevelId(out.assessment.disposition));
  out.checkin.created_at = internal::NowUtc();
  return out;
}

Result<Request> Episodes::AnswersOf(const CheckinRecord& c) const {
  auto stored = ReadStored(*kb_, c);
  if (!stored.ok()) return stored.status();
  Request req = std::move(stored->request);
  const auto& specs = kb_->findings();
  for (size_t i = 0; i < specs.size() && i < req.findings.size(); ++i) {
    if (specs[i].group == "history") req.findings.clear(i);
  }
  return req;
}

Result<std::optional<CheckinRecord>> Episodes::CheckinOn(const std::string& id, std::string_view date_text) {
  const std::string date = date_text.empty() ? clock_->Today() : std::string(date_text);
  auto checkins = store_->GetCheckins(id);
  if (!checkins.ok()) return checkins.status();
  for (auto it = checkins->rbegin(); it != checkins->rend(); ++it) {
    if (it->date == date) return std::optional<CheckinRecord>(*it);
  }
  return std::optional<CheckinRecord>();
}

Result<CheckinResult> Episodes::Checkin(const std::string& id, std::string_view date_text, const Request& findings,
                                        SameDay same_day) {
  const std::string date_str = date_text.empty() ? clock_->Today() : std::string(date_text);
  // A check-in is read, evaluate, write: its date check, day counts and
  // history findings depend on the episode's earlier check-ins. The store
  // runs `make` in one transaction that locks the episode, so two check-ins
  // at once (a double submit, two devices, two servers on one database) are
  // judged one after the other, each against the one stored before it.
  std::optional<CheckinResult> made;  // the last call's (`make` may be retried)
  std::vector<CheckinRecord> all;     // the check-ins before it, then it
  auto make = [&](const EpisodeRecord& e, const std::vector<CheckinRecord>& before) -> Result<CheckinRecord> {
    auto date = ParseDate(date_str);
    if (!date) return Status::InvalidArgument(fmt::format("date: '{}' is not a date (use YYYY-MM-DD)", date_str));
    if (*date < *ParseDate(e.onset_date)) {
      return Status::InvalidArgument(fmt::format("date: {} is before the episode began ({})", date_str, e.onset_date));
    }
    auto today = ParseDate(clock_->Today());
    if (today && *date > *today) return Status::InvalidArgument(fmt::format("date: {} is in the future", date_str));
    if (!before.empty() && *date < *ParseDate(before.back().date)) {
      return Status::InvalidArgument(
          fmt::format("date: {} is before the last check-in ({})", date_str, before.back().date));
    }
    // A second check-in on one date: asked, or that day's replaced or amended
    // (the same transaction, so the day cannot change under it).
    const bool same_date = !before.empty() && before.back().date == FormatDate(*date);
    if (same_date && same_day == SameDay::kAsk) {
      return Status::AlreadyExists(fmt::format(
          "date: {} has a check-in already; replace it, amend it, or keep both", date_str));
    }
    const bool replacing = same_date && (same_day == SameDay::kReplace || same_day == SameDay::kAmend);
    if (!replacing && before.size() >= kMaxCheckinsPerEpisode) {
      return Status::FailedPrecondition(fmt::format(
          "this episode has {} check-ins, the most one episode can hold; start a new episode",
          kMaxCheckinsPerEpisode));
    }
    auto stable = StableOf(e);
    if (!stable.ok()) return stable.status();
    Request given = findings;
    if (replacing && same_day == SameDay::kAmend) {
      auto earlier = AnswersOf(before.back());
      if (!earlier.ok()) return earlier.status();
      given = Merge(*earlier, findings);
    }
    Request req = Merge(*stable, given);
    if (!req.findings.known(kb_->FindingIndex("age_years"))) {
      return Status::InvalidArgument(
          "$.findings.age_years: is required (give it when the episode is made, or at the check-in)");
    }
    // A replacement is judged on the check-ins before the day it replaces.
    std::vector<CheckinRecord> earlier(before.begin(), before.end() - (replacing ? 1 : 0));
    auto result = Evaluate(e, earlier, *date, std::move(req));
    if (!result.ok()) return result.status();
    made = std::move(result).value();
    if (replacing) made->checkin.replaces = before.back().seq;
    all = std::move(earlier);
    return made->checkin;
  };
  auto stored = store_->AppendCheckin(id, make);
  if (!stored.ok()) return stored.status();
  made->checkin = std::move(stored).value();
  all.push_back(made->checkin);
  made->history = HistoryNotes(all, nullptr);
  return std::move(*made);
}

std::vector<std::string> Episodes::HistoryNotes(const std::vector<CheckinRecord>& checkins,
                                                const CheckinResult* current) const {
  const KnowledgeBase& kb = *kb_;
  const auto& h = kb.compiled().history;
  Slots slot(kb);
  std::vector<std::string> notes;
  std::vector<StoredCheckin> stored;
  for (const auto& c : checkins) {
    auto s = ReadStored(kb, c);
    if (s.ok()) stored.push_back(std::move(s).value());
    else stored.push_back({});
  }
  for (const Pain& p : kPains) {
    std::vector<std::pair<double, double>> points;  // day, score
    for (size_t i = 0; i < stored.size(); ++i) {
      if (stored[i].request.findings.size() == 0) continue;
      if (auto v = Value(stored[i].request.findings, slot(p.score))) points.emplace_back(checkins[i].day, *v);
    }
    if (points.size() < 2) continue;
    notes.push_back(Fill(h.score_change, {{"pain", std::string(p.region) == "back" ? h.pain_back : h.pain_legs},
                                          {"first", Number(points.front().second)},
                                          {"first_day", Number(points.front().first)},
                                          {"last", Number(points.back().second)},
                                          {"last_day", Number(points.back().first)}}));
  }
  std::vector<std::pair<double, int>> hydration;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i].hydration >= 0) hydration.emplace_back(checkins[i].day, stored[i].hydration);
  }
  if (hydration.size() >= 2 && hydration.front().second != hydration.back().second) {
    notes.push_back(Fill(h.hydration_change, {{"before", h.status_names[hydration.front().second]},
                                              {"before_day", Number(hydration.front().first)},
                                              {"now", h.status_names[hydration.back().second]},
                                              {"now_day", Number(hydration.back().first)}}));
  }
  if (current) {
    auto gap = Value(current->request.findings, slot("days_since_last_checkin"));
    if (gap && *gap >= 3 && IsTrue(current->request.findings, slot("symptoms_at_last_checkin"))) {
      notes.push_back(Fill(h.overdue, {{"days", Number(*gap)}}));
    }
  }
  return notes;
}

Result<EpisodeView> Episodes::Show(const std::string& id) {
  auto e = store_->GetEpisode(id);
  if (!e.ok()) return e.status();
  auto checkins = store_->GetCheckins(id);
  if (!checkins.ok()) return checkins.status();
  EpisodeView view;
  view.episode = *e;
  view.checkins = *checkins;
  view.today = clock_->Today();
  const int64_t onset = *ParseDate(e->onset_date);
  const int64_t today = ParseDate(view.today).value_or(onset);
  view.today_day = static_cast<double>(std::max<int64_t>(0, today - onset));
  if (!view.checkins.empty()) {
    const CheckinRecord& last = view.checkins.back();
    auto stored = ReadStored(*kb_, last);
    if (!stored.ok()) return stored.status();
    Request req = std::move(stored->request);
    const int64_t last_date = *ParseDate(last.date);
    const double gap = static_cast<double>(std::max<int64_t>(0, today - last_date));
    Slots slot(*kb_);
    if (gap > 0) {
      // Move the day counts on to today, as if nothing else changed.
      for (const char* id : {"days_since_onset", "back_pain_days", "leg_aches_days"}) {
        int s = slot(id);
        if (req.findings.known(s)) {
          req.findings.set(s, std::min(req.findings.get(s) + gap, kb_->findings()[s].max));
        }
      }
      req.findings.set(slot("days_since_last_checkin"), std::min(gap, 365.0));
      req.findings.set(slot("symptoms_at_last_checkin"), Symptomatic(*kb_, req.findings) ? 1 : 0);
    }
    CheckinResult current;
    current.checkin = last;
    current.request = std::move(req);
    current.assessment = Assess(*kb_, current.request);
    view.current = std::move(current);
  }
  view.history = HistoryNotes(view.checkins, view.current ? &*view.current : nullptr);
  return view;
}

Result<std::string> Episodes::Export(const std::string& id) {
  auto e = store_->GetEpisode(id);
  if (!e.ok()) return e.status();
  auto checkins = store_->GetCheckins(id);
  if (!checkins.ok()) return checkins.status();
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("episode");
  w.BeginObject();
  w.Key("id"); w.String(e->id);
  w.Key("onset_date"); w.String(e->onset_date);
  w.Key("created_at"); w.String(e->created_at);
  w.Key("stable"); w.Raw(e->stable_json);
  w.EndObject();
  w.Key("checkins");
  w.BeginArray();
  for (const auto& c : *checkins) {
    w.BeginObject();
    w.Key("seq"); w.Int(c.seq);
    w.Key("date"); w.String(c.date);
    w.Key("day"); w.Double(c.day);
    w.Key("disposition"); w.String(c.disposition);
    w.Key("created_at"); w.String(c.created_at);
    w.Key("request"); w.Raw(c.request_json);
    w.Key("result"); w.Raw(c.result_json);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

Result<std::vector<EpisodeRecord>> Episodes::List() { return store_->ListEpisodes(); }

Status Episodes::Delete(const std::string& id) { return store_->DeleteEpisode(id); }

std::string Episodes::ChartSvg(const EpisodeView& view, double width) const {
  const auto& kb = kb_->compiled();
  Slots slot(*kb_);
  internal::ChartInput in;
  in.title = fmt::format("Recovery since {}", view.episode.onset_date);
  for (const auto& c : view.checkins) {
    auto s = ReadStored(*kb_, c);
    internal::ChartCheckin cc;
    cc.day = c.day;
    cc.date = c.date;
    ParseLevel(c.disposition, &cc.disposition);
    if (s.ok()) {
      cc.back_score = Value(s->request.findings, slot("back_pain_score"));
      cc.leg_score = Value(s->request.findings, slot("leg_aches_score"));
      in.show_back = in.show_back || cc.back_score || IsTrue(s->request.findings, slot("back_pain"));
      in.show_legs = in.show_legs || cc.leg_score || IsTrue(s->request.findings, slot("leg_aches"));
    }
    in.checkins.push_back(std::move(cc));
  }
  in.back_band.points = kb.history.course_back;
  in.leg_band.points = kb.history.course_legs;
  // The review lines where the advice of today says they are: today's day
  // plus the text's "in N more days" (one computation, review_days.h). A pain
  // whose review is not in today's advice (no days known, or not there) gets
  // no line.
  in.back_review_day = -1;
  in.leg_review_day = -1;
  if (view.current) {
    for (const ReviewPoint& r : view.current->assessment.review) {
      const auto days = internal::ReviewDaysFromNow(r);
      if (!days) continue;
      const double day = view.today_day + static_cast<double>(*days);
      if (r.pain == "back") in.back_review_day = day;
      if (r.pain == "legs") in.leg_review_day = day;
    }
  }
  in.width = width;
  in.today = view.today_day;
  for (Level l : {Level::kEmergency, Level::kUrgent, Level::kRoutine, Level::kSelfCare}) {
    in.disposition_labels[l] = kb.dispositions[static_cast<int>(l)].label;
  }
  return internal::RenderChartSvg(in);
}

std::string Episodes::CheckinJson(const std::string& episode_id, const CheckinResult& r) const {
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("episode"); w.String(episode_id);
  w.Key("seq"); w.Int(r.checkin.seq);
  w.Key("date"); w.String(r.checkin.date);
  w.Key("day"); w.Double(r.checkin.day);
  w.Key("replaced"); w.Bool(r.checkin.replaces != 0);
  w.Key("history");
  w.BeginArray();
  for (const auto& h : r.history) w.String(h);
  w.EndArray();
  w.Key("result"); w.Raw(r.checkin.result_json);
  w.EndObject();
  return out;
}

Result<std::vector<Episodes::Answer>> Episodes::DayAnswers(const EpisodeRecord& e, const CheckinRecord& c) const {
  auto answers = AnswersOf(c);
  if (!answers.ok()) return answers.status();
  auto stable = StableOf(e);
  if (!stable.ok()) return stable.status();
  const auto& specs = kb_->findings();
  std::vector<Answer> out;
  for (size_t i = 0; i < specs.size() && i < answers->findings.size(); ++i) {
    const FindingSpec& f = specs[i];
    if (f.id == "days_since_onset") continue;  // worked out from the dates
    const bool declined = i < answers->declined.size() && answers->declined[i];
    if (!answers->findings.known(i) && !declined) continue;
    const bool stable_declined = i < stable->declined.size() && stable->declined[i];
    if ((declined && stable_declined) ||
        (!declined && i < stable->findings.size() && stable->findings.known(i) &&
         stable->findings.get(i) == answers->findings.get(i))) {
      continue;  // the episode's, not the day's
    }
    std::string text;
    if (declined) {
      text = "I don't know";
    } else {
      const double v = answers->findings.get(i);
      switch (f.type) {
        case FindingType::kBool: text = v != 0 ? "Yes" : "No"; break;
        case FindingType::kChoice: {
          const auto k = static_cast<size_t>(v);
          text = k < f.choice_labels.size() && !f.choice_labels[k].empty() ? f.choice_labels[k]
                 : k < f.choices.size()                                     ? f.choices[k]
                                                                            : Number(v);
          break;
        }
        default: text = Number(v);
      }
    }
    out.push_back({f.id, f.label.empty() ? f.question : f.label, std::move(text)});
  }
  return out;
}

std::string Episodes::SameDayJson(const EpisodeRecord& e, const std::string& message,
                                  const std::optional<CheckinRecord>& c) const {
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("error");
  w.BeginObject();
  w.Key("code"); w.String("same_day");
  // "date: …" from Checkin: the path is the body's.
  w.Key("message"); w.String(message.rfind("date: ", 0) == 0 ? message.substr(6) : message);
  w.Key("path"); w.String("$.date");
  w.EndObject();
  if (c) {
    w.Key("checkin");
    w.Raw(DayJson(e, *c));
  }
  w.EndObject();
  return out;
}

std::string Episodes::DayJson(const EpisodeRecord& e, const CheckinRecord& c) const {
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("seq"); w.Int(c.seq);
  w.Key("date"); w.String(c.date);
  w.Key("day"); w.Double(c.day);
  w.Key("disposition"); w.String(c.disposition);
  w.Key("answers");
  w.BeginArray();
  if (auto answers = DayAnswers(e, c); answers.ok()) {
    for (const auto& a : *answers) {
      w.BeginObject();
      w.Key("finding"); w.String(a.finding);
      w.Key("label"); w.String(a.label);
      w.Key("answer"); w.String(a.answer);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return out;
}

std::string Episodes::ViewJson(const EpisodeView& view) const {
  Slots slot(*kb_);
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("episode");
  w.BeginObject();
  w.Key("id"); w.String(view.episode.id);
  w.Key("onset_date"); w.String(view.episode.onset_date);
  w.Key("created_at"); w.String(view.episode.created_at);
  w.EndObject();
  w.Key("today"); w.String(view.today);
  w.Key("today_day"); w.Double(view.today_day);
  w.Key("checkins");
  w.BeginArray();
  for (const auto& c : view.checkins) {
    w.BeginObject();
    w.Key("seq"); w.Int(c.seq);
    w.Key("date"); w.String(c.date);
    w.Key("day"); w.Double(c.day);
    w.Key("disposition"); w.String(c.disposition);
    if (auto s = ReadStored(*kb_, c); s.ok()) {
      if (auto v = Value(s->request.findings, slot("back_pain_score"))) { w.Key("back_pain_score"); w.Double(*v); }
      if (auto v = Value(s->request.findings, slot("leg_aches_score"))) { w.Key("leg_aches_score"); w.Double(*v); }
      if (s->hydration >= 0) { w.Key("hydration"); w.String(HydrationStatusId(static_cast<HydrationStatus>(s->hydration))); }
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("history");
  w.BeginArray();
  for (const auto& h : view.history) w.String(h);
  w.EndArray();
  // The last check-in's answers: a client about to check in again on its
  // date shows them and asks (same_day) before it sends anything.
  if (!view.checkins.empty()) {
    w.Key("last_checkin");
    w.Raw(DayJson(view.episode, view.checkins.back()));
  }
  if (view.current) {
    w.Key("current");
    w.Raw(ToJson(view.current->assessment));
  }
  w.EndObject();
  return out;
}

}  // namespace norotriage
