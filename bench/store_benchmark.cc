// Micro-benchmarks of the SQLite store (src/store/store_sqlite.cc) on a real
// file in $TMPDIR, with the production settings (WAL, synchronous=FULL: one
// fdatasync per commit), so the numbers are the disk's as much as ours.
//
//   BM_SqliteAddCheckin   AddCheckin of a ~2 KB request: one durable transaction each
//   BM_SqliteGetCheckins  GetCheckins of an episode with 20 check-ins
//
// Run: build/norotriage_bench --benchmark_filter=Sqlite

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "norotriage/store.h"

namespace norotriage {
namespace {

constexpr char kEpisodeId[] = "0123456789abcdef0123456789abcdef";

// A store in a fresh temporary directory, removed at the end.
class BenchStore {
 public:
  explicit BenchStore(benchmark::State& state) {
    std::string pattern = (std::filesystem::temp_directory_path() / "nt_bench_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      state.SkipWithError("mkdtemp failed");
      return;
    }
    dir_ = pattern;
    Result<std::unique_ptr<Store>> store = Store::Open((dir_ / "bench.db").string());
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    store_ = std::move(store).value();
    EpisodeRecord e;
    e.id = kEpisodeId;
    e.onset_date = "2025-01-01";
    e.stable_json = R"({"findings":{"age_years":40,"weight_kg":70}})";
    e.created_at = "2025-01-01T08:00:00Z";
    if (!store_->CreateEpisode(e).ok()) state.SkipWithError("CreateEpisode failed");
  }
  ~BenchStore() {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  BenchStore(const BenchStore&) = delete;  // owns the directory
  BenchStore& operator=(const BenchStore&) = delete;

  Store* store() { return store_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

CheckinRecord BenchCheckin() {
  CheckinRecord c;
  c.date = "2025-01-02";
  c.day = 1;
  c.request_json = R"({"findings":{"age_years":40,"back_pain":true,"note":")" +
                   std::string(2000, 'x') + R"("}})";
  c.result_json = R"({"disposition":"self_care"})";
  c.disposition = "self_care";
  c.created_at = "2025-01-02T09:00:00Z";
  return c;
}

void BM_SqliteAddCheckin(benchmark::State& state) {
  BenchStore bench(state);
  if (bench.store() == nullptr) return;
  const CheckinRecord c = BenchCheckin();
  for (auto _ : state) {
    Result<int64_t> seq = bench.store()->AddCheckin(kEpisodeId, c);
    if (!seq.ok()) {
      state.SkipWithError(seq.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SqliteAddCheckin)->UseRealTime();

void BM_SqliteGetCheckins(benchmark::State& state) {
  BenchStore bench(state);
  if (bench.store() == nullptr) return;
  const CheckinRecord c = BenchCheckin();
  for (int i = 0; i < 20; ++i) {
    if (!bench.store()->AddCheckin(kEpisodeId, c).ok()) {
      state.SkipWithError("AddCheckin failed");
      return;
    }
  }
  for (auto _ : state) {
    Result<std::vector<CheckinRecord>> got = bench.store()->GetCheckins(kEpisodeId);
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SqliteGetCheckins);

}  // namespace
}  // namespace norotriage
