// A bounded pool of threads for the work that may block on the episode
// store, so that a slow or frozen database holds these threads and never an
// I/O thread (event_loop.h). The queue is bounded too: when it is full a job
// is refused at once and its request answered 503, rather than waiting
// behind work that cannot finish.
//
// Thread safety: TrySubmit may be called from any thread; Stop from one.
#ifndef NOROTRIAGE_SERVER_STORE_POOL_H_
#define NOROTRIAGE_SERVER_STORE_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace norotriage::server {

class StorePool {
 public:
  // REQUIRES: threads >= 1, queue_limit >= 1.
  StorePool(int threads, int queue_limit);
  ~StorePool();  // Stop()
  StorePool(const StorePool&) = delete;
  StorePool& operator=(const StorePool&) = delete;

  // Queues `job` to run on a pool thread. False, and the job dropped, when
  // `queue_limit` jobs are waiting already or the pool is stopping.
  bool TrySubmit(std::function<void()> job);

  // Runs what is queued, then joins the threads (a thread blocked in a job
  // is waited for). Idempotent.
  void Stop();

 private:
  void Work();

  const size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_STORE_POOL_H_
