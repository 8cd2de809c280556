// The SQLite store keeps its write-ahead log bounded: the automatic
// checkpoint that COMMIT runs once the WAL passes 1,000 pages must succeed, so
// check-ins reach the main database file and the WAL is reused instead of
// growing. (A statement left open across AddCheckin's commit once kept the
// connection in a read transaction, every checkpoint failed, and under the
// load test the WAL grew to tens of megabytes while check-ins got slower.)
#include <cstdint>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "norotriage/store.h"

namespace norotriage {
namespace {

namespace fs = std::filesystem;

TEST(SqliteWalCheckpoint, CheckinsReachTheDatabaseFileAndTheWalStaysBounded) {
  const fs::path dir = fs::path(::testing::TempDir()) / "norotriage_wal_checkpoint";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path db = dir / "episodes.db";
  auto opened = Store::Open(db.string());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;

  EpisodeRecord e;
  e.id = "0123456789abcdef0123456789abcdef";
  e.onset_date = "2025-01-10";
  e.stable_json = R"({"findings": {"age_years": 40}})";
  e.created_at = "2025-01-10T08:00:00Z";
  ASSERT_TRUE(store.CreateEpisode(e).ok());

  // 600 check-ins of about 20 KB (the size of a stored result): some 3,000
  // pages of 4 KiB, three times the automatic checkpoint's threshold.
  const std::string padding(20000, 'x');
  constexpr int kCheckins = 600;
  for (int i = 0; i < kCheckins; ++i) {
    CheckinRecord c;
    c.date = "2025-01-11";
    c.day = 1;
    c.request_json = fmt::format(R"({{"findings": {{"age_years": 40, "vomits_24h": {}}}}})", i % 100);
    c.result_json = fmt::format(R"({{"padding": "{}", "i": {}}})", padding, i);
    c.disposition = "self_care";
    c.created_at = "2025-01-11T08:00:00Z";
    auto seq = store.AddCheckin(e.id, c);
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    ASSERT_EQ(*seq, i + 1);
  }
  const uintmax_t written = kCheckins * padding.size();
  const uintmax_t db_size = fs::file_size(db);
  const uintmax_t wal_size = fs::file_size(fs::path(db.string() + "-wal"));
  // Checkpointed: most of what was written is in the main file, and the WAL
  // holds no more than about one checkpoint's worth (1,000 pages) plus a
  // commit, far less than everything written.
  EXPECT_GT(db_size, written / 2) << "database " << db_size << " bytes, WAL " << wal_size << " bytes";
  EXPECT_LT(wal_size, written / 2) << "database " << db_size << " bytes, WAL " << wal_size << " bytes";

  auto all = store.GetCheckins(e.id);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), static_cast<size_t>(kCheckins));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace norotriage
