// The JSON API: /v1/… and /healthz (documented in doc/openapi.json).
//
// Episodes are private to whoever made them: POST /v1/episodes returns a
// random token once, and every other episode request must present it as
// "Authorization: Bearer <token>". No token, a wrong token, another
// episode's token and an unknown id all get the same 404, so a client cannot
// tell an existing episode from a missing one.
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

#include "norotriage/engine.h"
#include "norotriage/episode.h"
#include "norotriage/interview.h"
#include "norotriage/knowledge_json.h"
#include "server/access_token.h"
#include "server/http_util.h"
#include "server/server_context.h"
#include "util/json_writer.h"

namespace norotriage::server {

// doc/openapi.json, embedded at build time (cmake/embed_file.cmake).
extern const unsigned char kOpenApiJson[];
extern const std::size_t kOpenApiJsonSize;

namespace {

namespace od = simdjson::ondemand;

constexpr char kNoSuchEpisode[] =
    "No episode with this id, or the request did not carry its token (Authorization: Bearer <token>).";

void ReplyNoSuchEpisode(HttpResponse& res) { ReplyError(res, 404, kNoSuchEpisode); }

void ReplyInputError(HttpResponse& res, const InputError& e) { ReplyError(res, 400, e.message, e.path); }

// An error from Episodes: the CLI's argument names become the body's JSON
// paths ("onset: …" is $.onset_date here), and NotFound is the episode 404.
void ReplyEpisodeError(HttpResponse& res, const Status& s) {
  if (s.code() == Status::Code::kNotFound) return ReplyNoSuchEpisode(res);
  if (s.code() == Status::Code::kInvalidArgument && s.message().rfind("onset: ", 0) == 0) {
    return ReplyError(res, 400, s.message().substr(7), "$.onset_date");
  }
  ReplyStatus(res, s);
}

// A cacheable document: 304 when the client has it already.
void ReplyDocument(const HttpRequest& req, HttpResponse& res, const std::string& body, const std::string& etag) {
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "no-cache");  // may be stored; revalidated with the ETag
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_static_content(body, kJsonContentType);  // the document outlives the server's routes
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// The body of POST /v1/episodes ({"onset_date"?, "findings"?}) and of
// POST /v1/episodes/{id}/checkins ({"date"?, "findings"}).
struct EpisodeBody {
  std::string date;           // "" when absent or null
  std::string request_json;   // {"findings": …} for ParseRequest; "" when absent
  std::string same_day;       // check-ins only: "ask" | "replace" | "amend" | "add"; "" when absent
};

InputError Malformed(simdjson::error_code e, std::string path = "$") {
  return InputError{std::move(path), fmt::format("malformed JSON: {}", simdjson::error_message(e))};
}

// Reads the body's fields. The findings are passed on as their own text, so
// ParseRequest sees exactly what was sent (duplicates included).
std::optional<InputError> ParseEpisodeBody(const std::string& body, std::string_view date_key, EpisodeBody* out) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;  // empty: no fields
  thread_local od::parser parser;
  simdjson::padded_string padded(body);
  od::document doc;
  if (auto e = parser.iterate(padded).get(doc)) return Malformed(e);
  od::object obj;
  if (auto e = doc.get_object().get(obj)) {
    return e == simdjson::INCORRECT_TYPE ? InputError{"$", "expected a JSON object"} : Malformed(e);
  }
  bool have_date = false;
  const std::string date_path = fmt::format("$.{}", date_key);
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Malformed(e);
    od::value v;
    if (auto e = field.value().get(v)) return Malformed(e);
    od::json_type type;
    if (key == date_key) {
      if (have_date) return InputError{date_path, "is given twice"};
      have_date = true;
      if (auto e = v.type().get(type)) return Malformed(e, date_path);
      if (type == od::json_type::null) {
        bool is_null = false;  // type() says null for any token starting with 'n' ("nan")
        if (v.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
          return InputError{date_path, "malformed JSON: not a JSON value (null, true, false, a number or text)"};
        }
        continue;
      }
      std::string_view s;
      if (type != od::json_type::string || v.get_string().get(s) != simdjson::SUCCESS) {
        return InputError{date_path, "expected a date as text, YYYY-MM-DD"};
      }
      out->date = std::string(s.substr(0, 64));
    } else if (key == "findings") {
      if (!out->request_json.empty()) return InputError{"$.findings", "is given twice"};
      if (auto e = v.type().get(type)) return Malformed(e, "$.findings");
      od::object findings;
      std::string_view raw;
      if (type != od::json_type::object) return InputError{"$.findings", "expected an object of findings"};
      if (auto e = v.get_object().get(findings)) return Malformed(e, "$.findings");
      if (auto e = findings.raw_json().get(raw)) return Malformed(e, "$.findings");
      out->request_json = fmt::format("{{\"findings\":{}}}", raw);
    } else if (key == "same_day" && date_key == "date") {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS || !ParseSameDay(s)) {
        return InputError{"$.same_day", "expected \"ask\", \"replace\", \"amend\" or \"add\""};
      }
      out->same_day = std::string(s);
    } else {
      return InputError{IsIdentifier(key) ? fmt::format("$.{}", key) : std::string("$"),
                        date_key == "date"
                            ? std::string("unknown field (expected \"date\", \"findings\" and \"same_day\")")
                            : fmt::format("unknown field (expected \"{}\" and \"findings\")", date_key)};
    }
  }
  if (const char* rest = nullptr; doc.current_location().get(rest) == simdjson::SUCCESS) {
    return InputError{"$", "unexpected text after the JSON object"};
  }
  return std::nullopt;
}

// The episode named in the path, if the request carries its token; otherwise
// replies (the episode 404, or 503/500 when the store fails) and returns nothing.
std::optional<EpisodeRecord> Authorize(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  const std::string id = req.params.empty() ? std::string() : req.params[0];
  const std::string token = BearerToken(req);
  if (!IsEpisodeId(id)) {
    (void)AccessTokenMatches(token, "");  // the same work as for a real id
    ReplyNoSuchEpisode(res);
    return std::nullopt;
  }
  auto episode = ctx.store->GetEpisode(id);
  if (!episode.ok()) {
    (void)AccessTokenMatches(token, "");
    ReplyEpisodeError(res, episode.status());
    return std::nullopt;
  }
  if (!AccessTokenMatches(token, episode->token_hash)) {
    ReplyNoSuchEpisode(res);
    return std::nullopt;
  }
  return std::move(episode).value();
}

void HandleAssess(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto request = ParseRequest(*ctx.kb, req.body);
  if (!request.ok()) return ReplyInputError(res, request.error());
  ReplyJson(res, 200, ToJson(Assess(*ctx.kb, request.value())));
}

void HandleInterview(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto request = ParseRequest(*ctx.kb, req.body, ParseOptions{.require_age = false});
  if (!request.ok()) return ReplyInputError(res, request.error());
  ReplyJson(res, 200, ToJson(NextStep(*ctx.kb, request.value())));
}

void HandleCreateEpisode(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  EpisodeBody body;
  if (auto err = ParseEpisodeBody(req.body, "onset_date", &body)) return ReplyInputError(res, *err);
  norotriage::Request stable;
  if (body.request_json.empty()) {
    stable.findings = Findings(ctx.kb->findings().size());
  } else {
    auto parsed = ParseRequest(*ctx.kb, body.request_json, ParseOptions{.require_age = false});
    if (!parsed.ok()) return ReplyInputError(res, parsed.error());
    stable = std::move(parsed).value();
  }
  auto token = NewAccessToken();
  if (!token.ok()) return ReplyStatus(res, token.status());
  auto episode = ctx.episodes->Create(body.date, stable, AccessTokenHash(*token));
  if (!episode.ok()) return ReplyEpisodeError(res, episode.status());
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("id");
  w.String(episode->id);
  w.Key("token");
  w.String(*token);
  w.Key("onset_date");
  w.String(episode->onset_date);
  w.EndObject();
  res.set_header("Location", "/v1/episodes/" + episode->id);
  ReplyJson(res, 201, std::move(out));
}

void HandleCheckin(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto episode = Authorize(ctx, req, res);
  if (!episode) return;
  EpisodeBody body;
  if (auto err = ParseEpisodeBody(req.body, "date", &body)) return ReplyInputError(res, *err);
  if (body.request_json.empty()) return ReplyError(res, 400, "is required", "$.findings");
  auto findings = ParseRequest(*ctx.kb, body.request_json, ParseOptions{.require_age = false});
  if (!findings.ok()) return ReplyInputError(res, findings.error());
  const SameDay same_day = body.same_day.empty() ? SameDay::kAsk : *ParseSameDay(body.same_day);
  auto result = ctx.episodes->Checkin(episode->id, body.date, findings.value(), same_day);
  if (!result.ok() && result.status().code() == Status::Code::kAlreadyExists) {
    // Asked: 409 with that day's check-in, so the client can show its answers.
    auto earlier = ctx.episodes->CheckinOn(episode->id, body.date);
    if (!earlier.ok()) return ReplyEpisodeError(res, earlier.status());
    return ReplyJson(res, 409, ctx.episodes->SameDayJson(*episode, result.status().message(), *earlier));
  }
  if (!result.ok()) return ReplyEpisodeError(res, result.status());
  res.set_header("Location", fmt::format("/v1/episodes/{}", episode->id));
  // 200 when it took the place of that day's check-in (nothing was created).
  ReplyJson(res, result->checkin.replaces != 0 ? 200 : 201, ctx.episodes->CheckinJson(episode->id, *result));
}

void HandleShowEpisode(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto episode = Authorize(ctx, req, res);
  if (!episode) return;
  auto view = ctx.episodes->Show(episode->id);
  if (!view.ok()) return ReplyEpisodeError(res, view.status());
  ReplyJson(res, 200, ctx.episodes->ViewJson(*view));
}

void HandleEpisodeChart(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto episode = Authorize(ctx, req, res);
  if (!episode) return;
  // ?width=N: the width the page has for it (300..1200, default 800), so a
  // phone's chart is laid out for the phone and its text is not shrunk.
  double width = 800;
  if (!req.query.empty()) {
    std::string_view q = req.query;
    if (q.rfind("width=", 0) != 0 || q.size() > 10) return ReplyError(res, 400, "expected width=300 to width=1200", "width");
    int w = 0;
    for (char c : q.substr(6)) {
      if (c < '0' || c > '9') return ReplyError(res, 400, "expected width=300 to width=1200", "width");
      w = w * 10 + (c - '0');
    }
    if (q.size() == 6 || w < 300 || w > 1200) return ReplyError(res, 400, "expected width=300 to width=1200", "width");
    width = w;
  }
  auto view = ctx.episodes->Show(episode->id);
  if (!view.ok()) return ReplyEpisodeError(res, view.status());
  // Opened on its own, an SVG document could run script: allow none.
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.set_content(ctx.episodes->ChartSvg(*view, width), kSvgContentType);
  res.status = 200;
}

void HandleDeleteEpisode(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  auto episode = Authorize(ctx, req, res);
  if (!episode) return;
  if (Status s = ctx.episodes->Delete(episode->id); !s.ok()) return ReplyEpisodeError(res, s);
  res.status = 204;
}

void HandleHealth(const ServerContext& ctx, HttpResponse& res) {
  auto schema = ctx.store->SchemaVersion();
  std::string out;
  internal::JsonWriter w(&out);
  w.BeginObject();
  w.Key("status");
  w.String(schema.ok() ? "ok" : "unavailable");
  w.Key("knowledge_base");
  w.String(ctx.kb->version());
  w.Key("store");
  w.String(ctx.store->backend());
  if (!schema.ok()) {
    w.Key("error");
    w.Raw(ErrorJson("unavailable", "The episode store cannot be reached."));
  }
  w.EndObject();
  // The store's message names its host: it goes to the log, not the reply.
  if (!schema.ok()) LogLine(fmt::format("{} healthz: {}", CurrentRequestForLogging().id, schema.status().message()));
  ReplyJson(res, schema.ok() ? 200 : 503, std::move(out));
}

}  // namespace

void RegisterApiRoutes(Router& http, ServerContext& ctx) {
  // `ctx` outlives the server (Serve owns both), so handlers keep a reference.
  using Handler = void (*)(ServerContext&, const HttpRequest&, HttpResponse&);
  auto route = [&http, &ctx](const char* method, const char* pattern, Handler handler, RouteOptions options = {}) {
    AddRoute(http, method, pattern,
             [&ctx, handler](const HttpRequest& req, HttpResponse& res) { handler(ctx, req, res); }, options);
  };
  // The episode routes and /healthz use the store: they run on the store
  // pool, with a deadline, so that a stuck database never holds an I/O thread.
  constexpr RouteOptions kStore{.uses_store = true};
  route("POST", "/v1/assess", HandleAssess);
  route("POST", "/v1/interview", HandleInterview);
  route("POST", "/v1/episodes", HandleCreateEpisode, kStore);
  route("GET", "/v1/episodes/{id}", HandleShowEpisode, kStore);
  route("DELETE", "/v1/episodes/{id}", HandleDeleteEpisode, kStore);
  route("POST", "/v1/episodes/{id}/checkins", HandleCheckin, kStore);
  route("GET", "/v1/episodes/{id}/chart.svg", HandleEpisodeChart, kStore);

  // Both documents are fixed for the life of the process: made once.
  auto knowledge = std::make_shared<const std::string>(KnowledgeJson(*ctx.kb));
  auto knowledge_etag = std::make_shared<const std::string>("\"" + Sha256Hex(*knowledge).substr(0, 32) + "\"");
  AddRoute(http, "GET", "/v1/knowledge", [knowledge, knowledge_etag](const HttpRequest& req, HttpResponse& res) {
    ReplyDocument(req, res, *knowledge, *knowledge_etag);
  });
  auto openapi = std::make_shared<const std::string>(reinterpret_cast<const char*>(kOpenApiJson), kOpenApiJsonSize);
  auto openapi_etag = std::make_shared<const std::string>("\"" + Sha256Hex(*openapi).substr(0, 32) + "\"");
  AddRoute(http, "GET", "/v1/openapi.json", [openapi, openapi_etag](const HttpRequest& req, HttpResponse& res) {
    ReplyDocument(req, res, *openapi, *openapi_etag);
  });

  route("GET", "/healthz", [](ServerContext& c, const HttpRequest&, HttpResponse& res) { HandleHealth(c, res); },
        kStore);
}

}  // namespace norotriage::server
