#include "server/reconnecting_store.h"

#include <cctype>
#include <utility>

namespace norotriage::server {
namespace {

bool IsPostgresUrl(const std::string& url) {
  std::string head;
  for (char c : url.substr(0, 13)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.rfind("postgresql://", 0) == 0 || head.rfind("postgres://", 0) == 0;
}

}  // namespace

ReconnectingStore::ReconnectingStore(std::string url, Status first_error,
                                     std::chrono::milliseconds retry_interval)
    : url_(std::move(url)),
      postgres_(IsPostgresUrl(url_)),
      retry_interval_(retry_interval),
      last_error_(std::move(first_error)),
      next_try_(std::chrono::steady_clock::now() + retry_interval) {
  if (last_error_.ok()) last_error_ = Status::Unavailable("the database is not open yet");
}

const char* ReconnectingStore::backend() const { return postgres_ ? "postgresql" : "sqlite"; }

Result<Store*> ReconnectingStore::Get() {
  if (Store* s = ready_.load(std::memory_order_acquire)) return s;
  std::lock_guard<std::mutex> lock(mu_);
  if (inner_ != nullptr) return inner_.get();
  const auto now = std::chrono::steady_clock::now();
  if (now < next_try_) return last_error_;
  auto opened = Store::Open(url_);
  if (!opened.ok()) {
    last_error_ = opened.status();
    next_try_ = now + retry_interval_;
    return last_error_;
  }
  inner_ = std::move(opened).value();
  ready_.store(inner_.get(), std::memory_order_release);
  return inner_.get();
}

Status ReconnectingStore::CreateEpisode(const EpisodeRecord& episode) {
  auto s = Get();
  return s.ok() ? (*s)->CreateEpisode(episode) : s.status();
}

Result<EpisodeRecord> ReconnectingStore::GetEpisode(const std::string& id) {
  auto s = Get();
  if (!s.ok()) return s.status();
  return (*s)->GetEpisode(id);
}

Result<std::vector<EpisodeRecord>> ReconnectingStore::ListEpisodes() {
  auto s = Get();
  if (!s.ok()) return s.status();
  return (*s)->ListEpisodes();
}

Result<std::vector<CheckinRecord>> ReconnectingStore::GetCheckins(const std::string& episode_id) {
  auto s = Get();
  if (!s.ok()) return s.status();
  return (*s)->GetCheckins(episode_id);
}

Result<CheckinRecord> ReconnectingStore::AppendCheckin(const std::string& episode_id,
                                                     const CheckinMaker& make) {
  auto s = Get();
  if (!s.ok()) return s.status();
  return (*s)->AppendCheckin(episode_id, make);
}

Status ReconnectingStore::DeleteEpisode(const std::string& id) {
  auto s = Get();
  return s.ok() ? (*s)->DeleteEpisode(id) : s.status();
}

Result<int> ReconnectingStore::SchemaVersion() {
  auto s = Get();
  if (!s.ok()) return s.status();
  return (*s)->SchemaVersion();
}

}  // namespace norotriage::server
