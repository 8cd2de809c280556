// Episodes: one person's illness, re-assessed at every check-in, so that the
// advice notices what one answer cannot: pain not following its usual course.
//
// An episode has a start (the day the vomiting or diarrhoea began), the
// person's stable findings (age, weight, conditions, medicines) and dated
// check-ins. Each check-in merges the stable findings with that day's, works
// out the day counts from dates (days_since_onset, back_pain_days,
// leg_aches_days, unless given) and the history findings from earlier
// check-ins (knowledge/findings.yaml, group "history"), assesses, and stores
// the request and the result. The reading, the checks (date order, the limit)
// and the writing are one transaction that locks the episode
// (Store::AppendCheckin), so the rules hold for check-ins made at once from
// several threads, or several processes sharing one database.
//
// Errors: InvalidArgument with a message that starts with the JSON path or
// argument it is about ("date: …", "$.findings.age_years: …"); NotFound for
// an unknown episode; FailedPrecondition for a check-in beyond the limit; the
// Store's errors otherwise. Nothing is written on error.
// Thread safety: as the Store it borrows; the knowledge base is shared read-only.
#ifndef NOROTRIAGE_EPISODE_H_
#define NOROTRIAGE_EPISODE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "norotriage/assessment.h"
#include "norotriage/findings.h"
#include "norotriage/knowledge_base.h"
#include "norotriage/status.h"
#include "norotriage/store.h"

namespace norotriage {

// What today is (UTC), behind an interface so tests can fix it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::string Today() const = 0;  // YYYY-MM-DD
};
class SystemClock : public Clock {
 public:
  std::string Today() const override;
};
class FixedClock : public Clock {
 public:
  explicit FixedClock(std::string today) : today_(std::move(today)) {}
  std::string Today() const override { return today_; }

 private:
  std::string today_;
};

// What a check-in does when its date has a check-in already (a second one
// on one day, e.g. a double submit or answers to correct).
enum class SameDay {
  kAsk,      // refuse with AlreadyExists, so the caller can show that day's answers and ask
  kReplace,  // that day's check-in is replaced by this one's findings
  kAmend,    // this one's findings are added to that day's (given ones win)
  kAdd,      // stored as one more check-in of that date (before version 2: the only way)
};
// "ask", "replace", "amend", "add"; nullopt for anything else.
std::optional<SameDay> ParseSameDay(std::string_view text);

struct CheckinResult {
  CheckinRecord checkin;             // as stored (seq assigned; `replaces` set when it replaced one)
  Request request;                   // as assessed, with derived days and history
  Assessment assessment;             // borrows text from the knowledge base
  std::vector<std::string> history;  // plain sentences about the course so far
};

struct EpisodeView {
  EpisodeRecord episode;
  std::vector<CheckinRecord> checkins;
  std::string today;
  double today_day = 0;              // days since onset today
  // The advice as of today: the last check-in re-assessed with its day counts
  // moved on to today (so a missed check-in shows). Absent with no check-ins.
  std::optional<CheckinResult> current;
  std::vector<std::string> history;
};

// The most check-ins one episode holds. Norovirus lasts days, and the advice
// asks for a check-in a day at most; the limit keeps the work of a check-in
// (which reads the whole history) bounded, whoever makes the episode.
inline constexpr size_t kMaxCheckinsPerEpisode = 100;

class Episodes {
 public:
  // Borrows `store` and `clock` for its lifetime; shares `kb`.
  Episodes(std::shared_ptr<const KnowledgeBase> kb, Store* store, const Clock* clock);

  // `onset_date` "" means today. `stable` holds the findings that do not change.
  // `token_hash` is stored as given (the HTTP API's access token), "" for none.
  Result<EpisodeRecord> Create(std::string_view onset_date, const Request& stable,
                               const std::string& token_hash = "");
  // `date` "" means today. It may not be before the onset or the last check-in.
  // FailedPrecondition when a new check-in would be more than
  // kMaxCheckinsPerEpisode. When the date has a check-in already, `same_day`
  // says what to do (AlreadyExists for kAsk; replace and amend keep the
  // count and are allowed at the limit), all in the store's one transaction.
  Result<CheckinResult> Checkin(const std::string& id, std::string_view date, const Request& findings,
                                SameDay same_day = SameDay::kAsk);
  // The check-in of `date` ("" = today), if there is one: the answers given
  // that day, for a caller to show when it asks what to do with a second one.
  Result<std::optional<CheckinRecord>> CheckinOn(const std::string& id, std::string_view date);
  // The answers given at a check-in (its request without the findings the
  // episode derived: day counts it worked out and the history group).
  Result<Request> AnswersOf(const CheckinRecord& c) const;
  Result<EpisodeView> Show(const std::string& id);
  // {"episode": {…}, "checkins": [{…, "request": {…}, "result": {…}}]}
  Result<std::string> Export(const std::string& id);
  Result<std::vector<EpisodeRecord>> List();
  Status Delete(const std::string& id);

  // The recovery chart of a view, as a standalone SVG document `width` units
  // wide (300..1200; drawn at that many CSS pixels its text is >= 12 px). Its
  // review lines are at the days today's advice gives ("in N more days").
  std::string ChartSvg(const EpisodeView& view, double width = 800) const;
  // {"episode": id, "seq", "date", "day", "history": […], "result": {…}}
  std::string CheckinJson(const std::string& episode_id, const CheckinResult& r) const;
  // The answers of a day's check-in in plain words, one {label, answer} a
  // finding the person gave that day (not the episode's stable findings, not
  // what the episode worked out).
  struct Answer {
    std::string finding;
    std::string label;
    std::string answer;
  };
  Result<std::vector<Answer>> DayAnswers(const EpisodeRecord& e, const CheckinRecord& c) const;
  // The 409 body of a second check-in on one date: {"error": {"code":
  // "same_day", "message", "path": "$.date"}, "checkin": {"seq", "date",
  // "day", "disposition", "answers": [{"finding", "label", "answer"}]}}.
  std::string SameDayJson(const EpisodeRecord& e, const std::string& message,
                          const std::optional<CheckinRecord>& c) const;
  // One day's check-in with its answers: {"seq", "date", "day", "disposition",
  // "answers": [{"finding", "label", "answer"}]}.
  std::string DayJson(const EpisodeRecord& e, const CheckinRecord& c) const;
  // The view as JSON: episode, check-ins (without their full request and
  // result), history, the last check-in's answers (DayJson, "last_checkin"),
  // and the current advice as a result object.
  std::string ViewJson(const EpisodeView& view) const;

  // The findings of `stable` merged under `findings` (findings win).
  Request Merge(const Request& stable, const Request& findings) const;

 private:
  Result<Request> StableOf(const EpisodeRecord& e) const;
  Result<CheckinResult> Evaluate(const EpisodeRecord& e, const std::vector<CheckinRecord>& before,
                                 int64_t date, Request req) const;
  std::vector<std::string> HistoryNotes(const std::vector<CheckinRecord>& checkins,
                                        const CheckinResult* current) const;

  std::shared_ptr<const KnowledgeBase> kb_;
  Store* store_;
  const Clock* clock_;
};

}  // namespace norotriage

#endif  // NOROTRIAGE_EPISODE_H_
