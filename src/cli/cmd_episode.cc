// norotriage episode new|checkin|show|list|export|delete: follow a recovery.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interview_session.h"
#include "norotriage/engine.h"
#include "norotriage/episode.h"
#include "norotriage/interview.h"
#include "norotriage/store.h"

namespace norotriage::cli {
namespace {

struct Options {
  std::string db;           // --db PATH|URL; "" = DefaultDatabasePath()
  std::string today;        // --today DATE; "" = the system clock
  std::string id;
  std::string file = "-";
  std::string onset;        // new --onset
  std::string date;         // checkin --date
  std::string same_day;     // checkin --same-day: ask|replace|amend|add; "" = ask
  std::string chart;        // show --chart FILE.svg
  bool json = false;
  bool interactive = false;
  std::string color = "auto";
};

int ExitFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kAlreadyExists: return kExitDataErr;
    case Status::Code::kUnavailable: return 69;         // EX_UNAVAILABLE
    case Status::Code::kResourceExhausted: return 74;   // EX_IOERR: e.g. the disk is full
    default: return kExitSoftware;
  }
}

int Fail(const Status& s) {
  fmt::print(stderr, "error: {}\n", s.message());
  return ExitFor(s);
}

void Write(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

// Reads a request file without requiring age (the episode may hold it).
bool ReadRequest(const KnowledgeBase& kb, const std::string& path, Request* out, int* status) {
  auto text = ReadInput(path);
  if (!text.ok()) {
    fmt::print(stderr, "error: {}\n", text.status().message());
    *status = kExitNoInput;
    return false;
  }
  auto req = ParseRequest(kb, *text, ParseOptions{.require_age = false});
  if (!req.ok()) {
    fmt::print(stderr, "error: {}: {}\n", req.error().path, req.error().message);
    *status = kExitDataErr;
    return false;
  }
  *out = std::move(req).value();
  return true;
}

std::string Score(const KnowledgeBase& kb, const Request& r, const char* id) {
  int i = kb.FindingIndex(id);
  return i >= 0 && r.findings.known(i) ? fmt::format("{}/10", r.findings.get(i)) : "-";
}

std::string HistoryText(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string out = "How it is going\n---------------\n";
  for (const auto& n : notes) out += "* " + n + "\n";
  return out + "\n";
}

class Runner {
 public:
  explicit Runner(const GlobalOptions& g, const Options& o) : g_(g), o_(o) {}

  int New() {
    if (!Open()) return status_;
    Request stable;
    stable.findings = Findings(kb_->findings().size());
    if (o_.file != "" && !(o_.file == "-" && isatty(STDIN_FILENO))) {
      if (!ReadRequest(*kb_, o_.file, &stable, &status_)) return status_;
    }
    auto e = episodes_->Create(o_.onset, stable);
    if (!e.ok()) return Fail(e.status());
    Write(o_.json ? fmt::format("{{\"id\":\"{}\",\"onset_date\":\"{}\"}}\n", e->id, e->onset_date) : e->id + "\n");
    return kExitOk;
  }

  // That day's check-in in words, for a second check-in on one date.
  std::string SameDayText(const CheckinRecord& c) {
    std::string out = fmt::format("There is a check-in for {} already (check-in {}, day {}, advice: {}). Its answers:\n",
                                  c.date, c.seq, c.day, c.disposition);
    auto e = store_->GetEpisode(o_.id);
    if (!e.ok()) return out;
    auto answers = episodes_->DayAnswers(*e, c);
    if (answers.ok()) {
      for (const auto& a : *answers) out += fmt::format("  {}: {}\n", a.label, a.answer);
    }
    return out;
  }

  int Checkin() {
    if (!Open()) return status_;
    Request findings;
    findings.findings = Findings(kb_->findings().size());
    SameDay same_day = o_.same_day.empty() ? SameDay::kAsk : *ParseSameDay(o_.same_day);
    if (o_.interactive && same_day == SameDay::kAsk) {
      // Asked before the questions: update that day's check-in, or stop.
      auto earlier = episodes_->CheckinOn(o_.id, o_.date);
      if (!earlier.ok()) return Fail(earlier.status());
      if (*earlier) {
        std::FILE* to = o_.json ? stderr : stdout;
        fmt::print(to, "{}\nUpdate that check-in with today's answers? [u] update (answers you give now win), "
                       "[r] replace it, [c] cancel: ", SameDayText(**earlier));
        std::fflush(to);
        std::string line;
        if (!std::getline(std::cin, line) || line.empty() || (line[0] != 'u' && line[0] != 'r')) {
          fmt::print(to, "\nNothing changed.\n");
          return kExitOk;
        }
        same_day = line[0] == 'u' ? SameDay::kAmend : SameDay::kReplace;
      }
    }
    if (o_.interactive) {
      // Ask only what is not already known from the episode's stable findings.
      auto e = store_->GetEpisode(o_.id);
      if (!e.ok()) return Fail(e.status());
      auto stable = ParseRequest(*kb_, e->stable_json, ParseOptions{.require_age = false});
      if (!stable.ok()) return Fail(Status::Corruption("the episode's stored findings are not valid"));
      bool color = o_.color == "always" || (o_.color == "auto" && isatty(STDOUT_FILENO));
      InterviewSession session(*kb_, stable.value(), std::cin, o_.json ? stderr : stdout, color);
      session.Run();
      findings = session.request();
    } else if (!ReadRequest(*kb_, o_.file, &findings, &status_)) {
      return status_;
    }
    auto r = episodes_->Checkin(o_.id, o_.date, findings, same_day);
    if (!r.ok() && r.status().code() == Status::Code::kAlreadyExists) {
      auto earlier = episodes_->CheckinOn(o_.id, o_.date);
      fmt::print(stderr, "error: {}\n{}Give --same-day amend (add these answers to it), --same-day replace, "
                         "or --same-day add (keep both).\n",
                 r.status().message(), earlier.ok() && *earlier ? SameDayText(**earlier) : "");
      return ExitFor(r.status());
    }
    if (!r.ok()) return Fail(r.status());
    if (o_.json) {
      Write(episodes_->CheckinJson(o_.id, *r) + "\n");
      return kExitOk;
    }
    bool color = o_.color == "always" || (o_.color == "auto" && isatty(STDOUT_FILENO));
    Write(fmt::format("Check-in {} {}: {} (day {}).\n\n", r->checkin.seq,
                      r->checkin.replaces != 0 ? "updated" : "saved", r->checkin.date, r->checkin.day) +
          HistoryText(r->history) + ToText(r->assessment, color));
    return kExitOk;
  }

  int Show() {
    if (!Open()) return status_;
    auto v = episodes_->Show(o_.id);
    if (!v.ok()) return Fail(v.status());
    if (!o_.chart.empty()) {
      std::ofstream f(o_.chart, std::ios::binary);
      f << episodes_->ChartSvg(*v);
      if (!f) {
        fmt::print(stderr, "error: {}: cannot write the chart\n", o_.chart);
        return kExitCantCreate;
      }
    }
    if (o_.json) {
      Write(episodes_->ViewJson(*v) + "\n");
      return kExitOk;
    }
    std::string out = fmt::format("Episode {}\nBegan {}; today is {} (day {}).\n\n", v->episode.id,
                                  v->episode.onset_date, v->today, v->today_day);
    out += fmt::format("{:>3}  {:<10}  {:>4}  {:>6}  {:>6}  {:<8}  {}\n", "#", "Date", "Day", "Back", "Legs", "Fluids",
                       "Advice");
    for (const auto& c : v->checkins) {
      auto req = ParseRequest(*kb_, c.request_json, ParseOptions{.require_age = false});
      std::string back = "-", legs = "-";
      if (req.ok()) {
        back = Score(*kb_, req.value(), "back_pain_score");
        legs = Score(*kb_, req.value(), "leg_aches_score");
      }
      std::string fluids = "-";
      auto pos = c.result_json.find("\"status\":\"");
      if (pos != std::string::npos) fluids = c.result_json.substr(pos + 10, c.result_json.find('"', pos + 10) - pos - 10);
      out += fmt::format("{:>3}  {:<10}  {:>4}  {:>6}  {:>6}  {:<8}  {}\n", c.seq, c.date, c.day, back, legs, fluids,
                         c.disposition);
    }
    if (v->checkins.empty()) out += "  (no check-ins yet)\n";
    out += "\n" + HistoryText(v->history);
    if (v->current) {
      bool color = o_.color == "always" || (o_.color == "auto" && isatty(STDOUT_FILENO));
      out += "Advice for today\n================\n" + ToText(v->current->assessment, color);
    }
    if (!o_.chart.empty()) out += fmt::format("\nChart written to {}\n", o_.chart);
    Write(out);
    return kExitOk;
  }

  int List() {
    if (!Open()) return status_;
    auto list = episodes_->List();
    if (!list.ok()) return Fail(list.status());
    std::string out;
    for (const auto& e : *list) out += fmt::format("{}  began {}  made {}\n", e.id, e.onset_date, e.created_at);
    if (list->empty()) out = "No episodes yet. Start one with: norotriage episode new\n";
    Write(out);
    return kExitOk;
  }

  int Export() {
    if (!Open()) return status_;
    auto json = episodes_->Export(o_.id);
    if (!json.ok()) return Fail(json.status());
    Write(*json + "\n");
    return kExitOk;
  }

  int Delete() {
    if (!Open()) return status_;
    Status s = episodes_->Delete(o_.id);
    if (!s.ok()) return Fail(s);
    Write(fmt::format("Deleted episode {} and all its check-ins.\n", o_.id));
    return kExitOk;
  }

 private:
  bool Open() {
    kb_ = LoadKnowledgeBase(g_);
    if (!kb_) {
      status_ = kExitSoftware;
      return false;
    }
    auto store = Store::Open(o_.db.empty() ? DefaultDatabasePath() : o_.db);
    if (!store.ok()) {
      status_ = Fail(store.status());
      return false;
    }
    store_ = std::move(store).value();
    if (!o_.today.empty()) {
      clock_ = std::make_unique<FixedClock>(o_.today);
    } else {
      clock_ = std::make_unique<SystemClock>();
    }
    episodes_ = std::make_unique<Episodes>(kb_, store_.get(), clock_.get());
    return true;
  }

  const GlobalOptions& g_;
  const Options& o_;
  int status_ = kExitOk;
  std::shared_ptr<const KnowledgeBase> kb_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Episodes> episodes_;
};

}  // namespace

Command EpisodeCommand() {
  return {"episode", "Follow one person's recovery day by day (stored on this machine or in PostgreSQL)",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            auto o = std::make_shared<Options>();
            sub->require_subcommand(1);
            sub->add_option("--db", o->db, "SQLite file or postgresql:// URL (default: " + DefaultDatabasePath() + ")");
            sub->add_option("--today", o->today, "Take this date (YYYY-MM-DD) as today");
            auto add_common = [&](CLI::App* c) {
              c->fallthrough();
              c->add_flag("--json", o->json, "Print JSON");
              c->add_option("--color", o->color, "Colour the text: auto, always or never")
                  ->check(CLI::IsMember({"auto", "always", "never"}));
            };
            CLI::App* n = sub->add_subcommand("new", "Start an episode; prints its id");
            n->add_option("file", o->file, "Request file of the stable findings (age, weight, conditions), or -");
            n->add_option("--onset", o->onset, "The day the vomiting or diarrhoea began (YYYY-MM-DD; default today)");
            add_common(n);
            CLI::App* c = sub->add_subcommand("checkin", "Add today's findings and get advice");
            c->add_option("id", o->id, "Episode id")->required();
            c->add_option("file", o->file, "Request file of today's findings, or - for standard input");
            c->add_option("--date", o->date, "Date of the check-in (YYYY-MM-DD; default today)");
            c->add_flag("--interactive", o->interactive, "Ask the questions instead of reading a file");
            c->add_option("--same-day", o->same_day,
                          "When the date has a check-in already: ask (default; refused, or asked with "
                          "--interactive), amend, replace or add")
                ->check(CLI::IsMember({"ask", "replace", "amend", "add"}));
            add_common(c);
            CLI::App* s = sub->add_subcommand("show", "The history and today's advice");
            s->add_option("id", o->id, "Episode id")->required();
            s->add_option("--chart", o->chart, "Also draw the recovery chart to this SVG file");
            add_common(s);
            CLI::App* l = sub->add_subcommand("list", "List the episodes");
            add_common(l);
            CLI::App* x = sub->add_subcommand("export", "Print the whole episode as JSON");
            x->add_option("id", o->id, "Episode id")->required();
            add_common(x);
            CLI::App* d = sub->add_subcommand("delete", "Delete an episode and all its check-ins");
            d->add_option("id", o->id, "Episode id")->required();
            add_common(d);
            return [=]() -> int {
              Runner r(*g, *o);
              if (n->parsed()) return r.New();
              if (c->parsed()) return r.Checkin();
              if (s->parsed()) return r.Show();
              if (l->parsed()) return r.List();
              if (x->parsed()) return r.Export();
              return r.Delete();
            };
          }};
}

}  // namespace norotriage::cli
