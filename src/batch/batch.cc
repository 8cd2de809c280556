#include "norotriage/batch.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "compile/compiled_kb.h"
#include "eval/assess_into.h"
#include "eval/compact.h"
#include "norotriage/engine.h"
#include "output/result_json.h"
#include "util/json_writer.h"

namespace norotriage {
namespace {

using internal::JsonWriter;

constexpr size_t kFullLinesPerChunk = 32;  // see RunBatch

// Input lines and, once a worker is done, their results. Chunks are reused
// (see RunBatch), so the buffers keep their capacity: no allocation per line,
// and no page faults on fresh buffers.
struct Chunk {
  struct Line {
    size_t offset = 0, length = 0;  // in text, without the newline (and a \r before it)
    uint64_t number = 0;            // 1-based input line number
  };
  uint64_t index = 0;        // order of the chunk in the input
  // The input as read, newlines included: the reader reads into it (no copy
  // per line). Only [0, used) holds input; its size only grows.
  std::string text;
  size_t used = 0;
  std::vector<Line> lines;   // the lines that are not blank, in input order
  std::string output;        // filled by a worker
  uint64_t results = 0, errors = 0;
  bool done = false;

  std::string_view line(size_t i) const { return std::string_view(text).substr(lines[i].offset, lines[i].length); }
  void Reset() {
    used = 0;
    lines.clear();
    output.clear();
    results = errors = 0;
    done = false;
  }
};

// The "ref" of a line that failed validation, when the line is an object with
// a string "ref"; empty otherwise.
std::optional<std::string> RefOf(std::string_view line) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return std::nullopt;
  std::string_view ref;
  if (obj["ref"].get_string().get(ref)) return std::nullopt;
  if (ref.size() > 256) return std::nullopt;
  return std::string(ref);
}

// The fixed parts of a compact result line, quoted once per run: only the
// ref is escaped per line. Byte for byte what JsonWriter writes.
struct CompactText {
  std::vector<std::string> flag;       // "id", per kb.flags
  std::vector<std::string> medicine;   // "id":, per kb.medicines
  std::array<std::string, 4> level;    // "self_care", ... by Level
  std::array<std::string, 3> hydration;
  std::array<std::string, 4> advice;   // by Advice
};

std::string Quoted(std::string_view s) {
  std::string out;
  JsonWriter w(&out);
  w.String(s);
  return out;
}

CompactText MakeCompactText(const internal::CompiledKb& kb) {
  CompactText t;
  for (const auto& f : kb.flags) t.flag.push_back(Quoted(f.id));
  for (const auto& m : kb.medicines) t.medicine.push_back(Quoted(m.id) + ":");
  for (int i = 0; i < 4; ++i) t.level[i] = Quoted(LevelId(static_cast<Level>(i)));
  for (int i = 0; i < 3; ++i) t.hydration[i] = Quoted(HydrationStatusId(static_cast<HydrationStatus>(i)));
  for (int i = 0; i < 4; ++i) t.advice[i] = Quoted(AdviceId(static_cast<Advice>(i)));
  return t;
}

// {"ref":…,"disposition":…,"flags":[…],"hydration":…,"medicines":{…}}
void WriteCompact(const Request& req, const internal::CompactResult& c, const CompactText& t, std::string* out) {
  out->push_back('{');
  if (req.ref) {
    out->append("\"ref\":");
    JsonWriter w(out);
    w.String(*req.ref);
    out->push_back(',');
  }
  out->append("\"disposition\":");
  out->append(t.level[static_cast<int>(c.disposition)]);
  out->append(",\"flags\":[");
  for (size_t i = 0; i < c.flags.size(); ++i) {
    if (i) out->push_back(',');
    out->append(t.flag[c.flags[i]]);
  }
  out->append("],\"hydration\":");
  out->append(t.hydration[static_cast<int>(c.hydration)]);
  out->append(",\"medicines\":{");
  for (size_t i = 0; i < c.medicines.size(); ++i) {
    if (i) out->push_back(',');
    out->append(t.medicine[c.medicines[i].first]);
    out->append(t.advice[static_cast<int>(c.medicines[i].second)]);
  }
  out->append("}}");
}

void Process(const KnowledgeBase& kb, const CompactText* compact, Chunk* chunk) {
  std::string& out = chunk->output;
  out.reserve(chunk->lines.size() * (compact ? 160 : 24 * 1024));
  internal::CompactResult result;  // reused for every line of the chunk
  Request req;                     // likewise
  Assessment assessment;           // likewise (internal::AssessInto)
  for (size_t i = 0; i < chunk->lines.size(); ++i) {
    const std::string_view line = chunk->line(i);
    if (auto error = ParseRequestInto(kb, line, ParseOptions{}, &req)) {
      ++chunk->errors;
      JsonWriter w(&out);
      w.BeginObject();
      if (auto ref = RefOf(line)) { w.Key("ref"); w.String(*ref); }
      w.Key("line"); w.Int(static_cast<long long>(chunk->lines[i].number));
      w.Key("error");
      w.BeginObject();
      w.Key("path"); w.String(error->path);
      w.Key("message"); w.String(error->message);
      w.EndObject();
      w.EndObject();
    } else if (compact) {
      ++chunk->results;
      internal::AssessCompactInto(kb.compiled(), req.findings, &result);
      WriteCompact(req, result, *compact, &out);
    } else {
      ++chunk->results;
      internal::AssessInto(kb, req, &assessment);
      internal::AppendJson(assessment, &out);
    }
    out += '\n';
  }
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

Status RunBatch(const KnowledgeBase& kb, std::FILE* in, std::FILE* out, const BatchOptions& options,
                BatchStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  const int threads = std::max(1, options.threads);
  const size_t max_in_flight = static_cast<size_t>(threads) * 2 + 2;  // bounds memory
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Chunk*> todo;            // read, not yet processed
  std::deque<std::unique_ptr<Chunk>> window;  // in input order, until written
  std::vector<std::unique_ptr<Chunk>> spare;  // written, for reuse
  bool reading_done = false;
  bool write_error = false;
  *stats = BatchStats{};
  const CompactText compact_text = MakeCompactText(kb.compiled());

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        Chunk* c;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return !todo.empty() || reading_done; });
          if (todo.empty()) return;
          c = todo.front();
          todo.pop_front();
        }
        Process(kb, options.compact ? &compact_text : nullptr, c);
        {
          std::lock_guard lock(mu);
          c->done = true;
        }
        cv.notify_all();
      }
    });
  }
  // Writes every finished chunk at the head of the window. REQUIRES: lock held
  // by the caller is released around the write.
  auto flush_ready = [&](std::unique_lock<std::mutex>& lock) {
    while (!window.empty() && window.front()->done) {
      std::unique_ptr<Chunk> c = std::move(window.front());
      window.pop_front();
      lock.unlock();
      if (!c->output.empty() && std::fwrite(c->output.data(), 1, c->output.size(), out) != c->output.size()) {
        write_error = true;
      }
      stats->results += c->results;
      stats->errors += c->errors;
      c->Reset();
      lock.lock();
      spare.push_back(std::move(c));
      cv.notify_all();
    }
  };

  // The reader reads blocks straight into the chunk's text and notes where
  // its lines are; the unfinished line at the end of a block moves to the
  // next chunk once this one is submitted.
  // A full result is about 20 KiB, a hundred times a compact one: 2,048 of
  // them make a chunk of 40 MiB of output, and the chunks in flight touch
  // hundreds of MiB that serve nothing (page faults were a sixth of the CPU
  // time of a full run), and a chunk written while it fits in the core's
  // cache is written faster. Full results go in small chunks.
  const size_t lines_per_chunk =
      options.compact ? options.lines_per_chunk : std::min<size_t>(options.lines_per_chunk, kFullLinesPerChunk);
  const size_t block = std::clamp<size_t>(lines_per_chunk * 64, 4096, 1 << 20);
  bool read_error = false;
  uint64_t line_no = 0, index = 0, bytes_read = 0;
  size_t scan = 0;  // in chunk->text: where the next line starts
  auto chunk = std::make_unique<Chunk>();
  // A line [start, end) of chunk->text, its newline (if any) not included.
  auto add_line = [&](size_t start, size_t end, bool newline) {
    ++line_no;
    if (newline && end > start && chunk->text[end - 1] == '\r') --end;  // CRLF
    if (Blank(std::string_view(chunk->text).substr(start, end - start))) return;
    chunk->lines.push_back({start, end - start, line_no});
    ++stats->lines;
  };
  auto submit = [&] {
    if (chunk->lines.empty()) return;
    std::unique_lock lock(mu);
    cv.wait(lock, [&] {
      if (window.size() < max_in_flight) return true;
      return window.front()->done;
    });
    flush_ready(lock);
    cv.wait(lock, [&] { return window.size() < max_in_flight; });
    chunk->index = index++;
    todo.push_back(chunk.get());
    Chunk* full = chunk.get();
    window.push_back(std::move(chunk));
    if (!spare.empty()) {
      chunk = std::move(spare.back());
      spare.pop_back();
    }
    lock.unlock();
    cv.notify_all();
    if (!chunk) chunk = std::make_unique<Chunk>();
    // The unfinished line moves over. `full` is read by a worker now, but
    // its bytes from `scan` on belong to no line: nobody else reads them.
    const size_t rest = full->used - scan;
    if (chunk->text.size() < rest + block) chunk->text.resize(std::max(rest + block, 2 * chunk->text.size()));
    std::memcpy(chunk->text.data(), full->text.data() + scan, rest);
    chunk->used = rest;
    scan = 0;
  };
  while (true) {
    if (chunk->text.size() - chunk->used < block) {
      chunk->text.resize(std::max(chunk->used + block, 2 * chunk->text.size()));
    }
    const size_t n = std::fread(chunk->text.data() + chunk->used, 1, block, in);
    bytes_read += n;
    if (n == 0) {
      if (std::ferror(in)) read_error = true;
      if (chunk->used > scan) add_line(scan, chunk->used, /*newline=*/false);  // no final newline
      scan = chunk->used;
      break;
    }
    const char* text = chunk->text.data();
    const size_t end = chunk->used + n;
    for (const char* nl; (nl = static_cast<const char*>(std::memchr(text + scan, '\n', end - scan)));) {
      add_line(scan, nl - text, /*newline=*/true);
      scan = nl - text + 1;
    }
    chunk->used = end;
    if (chunk->lines.size() >= lines_per_chunk) {
      submit();
      if (options.progress) options.progress(stats->lines, bytes_read);
    }
  }
  submit();
  {
    std::unique_lock lock(mu);
    reading_done = true;
    cv.notify_all();
    cv.wait(lock, [&] {
      flush_ready(lock);
      return window.empty();
    });
  }
  for (auto& w : workers) w.join();
  if (std::fflush(out) != 0) write_error = true;
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (read_error) return Status::Unavailable("reading the input failed");
  if (write_error) return Status::Unavailable("writing the output failed");
  return Status::Ok();
}

}  // namespace norotriage
