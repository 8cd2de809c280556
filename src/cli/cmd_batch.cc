// norotriage batch [IN|-] [-o OUT] [--threads N] [--compact]
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "norotriage/batch.h"

namespace norotriage::cli {

Command BatchCommand() {
  return {"batch", "Assess newline-delimited requests; one result per line, in input order",
          [](CLI::App* sub, const GlobalOptions* g) -> std::function<int()> {
            struct Options {
              std::string in = "-", out;
              int threads = 1;
              bool compact = false;
            };
            auto o = std::make_shared<Options>();
            sub->add_option("input", o->in, "Input file of requests, one per line, or - for standard input");
            sub->add_option("-o,--output", o->out, "Output file (default: standard output)");
            sub->add_option("--threads", o->threads, "Worker threads")->check(CLI::Range(1, 256));
            sub->add_flag("--compact", o->compact, "Write only disposition, flags, hydration status and medicine advice");
            return [o, g]() -> int {
              auto kb = LoadKnowledgeBase(*g);
              if (!kb) return kExitSoftware;
              std::FILE* in = o->in == "-" ? stdin : std::fopen(o->in.c_str(), "rb");
              if (!in) {
                fmt::print(stderr, "error: {}: cannot open the file\n", o->in);
                return kExitNoInput;
              }
              std::FILE* out = o->out.empty() ? stdout : std::fopen(o->out.c_str(), "wb");
              if (!out) {
                fmt::print(stderr, "error: {}: cannot create the file\n", o->out);
                return kExitCantCreate;
              }
              BatchOptions options;
              options.threads = o->threads;
              options.compact = o->compact;
              // A progress line on a terminal; a bar when the input's size is known.
              std::shared_ptr<ProgressLine> progress;
              if (isatty(STDERR_FILENO)) {
                struct stat st {};
                const bool sized = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode);
                progress = std::make_shared<ProgressLine>(stderr, sized ? static_cast<uint64_t>(st.st_size) : 0);
                options.progress = [progress](uint64_t lines, uint64_t bytes) { progress->Update(lines, bytes); };
              }
              BatchStats stats;
              Status s = RunBatch(*kb, in, out, options, &stats);
              if (in != stdin) std::fclose(in);
              if (out != stdout && std::fclose(out) != 0) s = Status::Unavailable("writing the output failed");
              if (progress) progress->Clear();
              fmt::print(stderr, "batch: {} lines, {} results, {} errors, {:.0f} records/s ({} threads{})\n",
                         stats.lines, stats.results, stats.errors,
                         stats.seconds > 0 ? static_cast<double>(stats.lines) / stats.seconds : 0.0, o->threads,
                         o->compact ? ", compact" : "");
              if (!s.ok()) {
                fmt::print(stderr, "error: {}\n", s.message());
                return 74;  // EX_IOERR
              }
              return stats.errors == 0 ? kExitOk : kExitDataErr;
            };
          }};
}

}  // namespace norotriage::cli
