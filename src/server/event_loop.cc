// EventLoop: Asio sockets, timers and the store pool around the App (see
// event_loop.h). Everything Asio is in this file.
#include "server/event_loop.h"

#include <utility>  // before Boost: Boost 1.74 needs it under g++ 12 in C++20

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <typeinfo>
#include <unordered_set>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "server/http_util.h"
#include "server/request_reader.h"
#include "server/store_pool.h"

namespace norotriage::server {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

// After a refusal the client may still be sending (a body over the limit):
// what it sends is read and dropped for a while, so that it can finish
// writing and read the reply rather than meet a reset.
constexpr std::chrono::milliseconds kLinger{2000};
constexpr size_t kLingerMaxBytes = 16 << 20;
constexpr size_t kReadChunk = 16 * 1024;               // at most one read of a request's bytes
constexpr size_t kLingerChunk = 64 * 1024;             // at most one read of bytes to drop
constexpr size_t kKeepBufferBytes = 16 * 1024;         // a larger buffer is given back between requests
constexpr std::chrono::milliseconds kAcceptRetry{100}; // after EMFILE and the like

class Connection;

// One I/O thread's context and the connections that live on it.
// (`connections` is declared first so that it outlives the context, whose
// destruction destroys the handlers that keep connections alive.)
struct Worker {
  std::unordered_set<Connection*> connections;  // touched on this thread only
  bool stopping = false;                        // this thread only
  asio::io_context ctx{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{ctx.get_executor()};
};

}  // namespace

struct EventLoop::Impl {
  explicit Impl(App& a);

  App& app;
  const ServerLimits limits;
  std::vector<std::unique_ptr<Worker>> workers;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  size_t next_worker = 0;
  std::atomic<int> open{0};
  std::atomic<bool> shutting_down{false};
  StorePool pool;

  void Accept();
  void OnAccepted(Worker& w, const error_code& ec, tcp::socket socket);
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(EventLoop::Impl& loop, Worker& worker, tcp::socket socket, bool refuse)
      : loop_(loop), app_(loop.app), worker_(worker), socket_(std::move(socket)), timer_(worker.ctx),
        reader_(loop.limits.http), refuse_(refuse) {}
  ~Connection() {
    if (phase_ != Phase::kClosed) Close();
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() {
    worker_.connections.insert(this);
    error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);
    if (refuse_ || worker_.stopping) {
      WriteRefusal(503, "The server has too many open connections; try again later.", nullptr);
      return;
    }
    EnterIdle();
    Process();
  }

  // At shutdown: a connection with no request under way is closed now; one
  // with a request in flight closes after its reply (App::Finish says so).
  void OnShutdown() {
    if (phase_ == Phase::kIdle || phase_ == Phase::kHeader || phase_ == Phase::kBody ||
        phase_ == Phase::kLingering) {
      Close();
    }
  }

 private:
  enum class Phase { kIdle, kHeader, kBody, kDelay, kHandling, kWriting, kLingering, kClosed };

  // --- reading -------------------------------------------------------------

  void WaitReadable() {
    if (reading_ || phase_ == Phase::kClosed) return;
    reading_ = true;
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const error_code& ec) { self->OnReadable(ec); });
  }

  void OnReadable(const error_code& ec) {
    reading_ = false;
    if (phase_ != Phase::kIdle && phase_ != Phase::kHeader && phase_ != Phase::kBody &&
        phase_ != Phase::kLingering) {
      return;  // a wait cancelled on the way to a reply, or closed
    }
    if (ec) return Close();
    // One read into the thread's buffer, then the bytes are appended: no
    // ioctl(FIONREAD) to size the read first (a system call per request),
    // and no buffer is held by a connection that waits.
    thread_local std::array<char, kLingerChunk> chunk;
    error_code rec;
    const size_t want = phase_ == Phase::kLingering ? kLingerChunk : kReadChunk;
    const size_t n = socket_.read_some(asio::buffer(chunk.data(), want), rec);
    if (rec == asio::error::would_block) return WaitReadable();
    if (phase_ == Phase::kLingering) {
      lingered_ += rec ? 0 : n;
      if (rec || lingered_ > kLingerMaxBytes) return Close();
      return WaitReadable();
    }
    if (rec) return Close();  // end of stream or reset: the client is gone
    CompactBuffer();
    in_.append(chunk.data(), n);
    Process();
  }

  void CompactBuffer() {
    if (in_start_ == 0) return;
    if (in_start_ == in_.size()) {
      in_.clear();
      if (in_.capacity() > kKeepBufferBytes) std::string().swap(in_);
    } else {
      in_.erase(0, in_start_);
    }
    in_start_ = 0;
  }

  // Reads requests out of the buffer: answers the first whole one, or waits
  // for more bytes.
  void Process() {
    size_t consumed = 0;
    const RequestReader::Progress p =
        reader_.Read(std::string_view(in_).substr(in_start_), &consumed);
    in_start_ += consumed;
    if (p == RequestReader::Progress::kError) {
      return WriteRefusal(reader_.error_status(), reader_.error_message(), reader_.refused_request());
    }
    if (p == RequestReader::Progress::kRequest) {
      ex_ = std::make_shared<Exchange>();
      ex_->request = std::move(reader_.request());
      reader_.Next();
      // All read: let go of the bytes now (a waiting connection holds no
      // buffer). Pipelined requests stay where they are, so a burst of them
      // is not moved once per request; the next read compacts.
      if (in_start_ == in_.size()) CompactBuffer();
      return Dispatch();
    }
    // More bytes are needed: the deadline follows the part being read.
    if (phase_ == Phase::kIdle && reader_.started()) {
      phase_ = Phase::kHeader;
      Arm(SteadyClock::now() + std::chrono::seconds(loop_.limits.header_timeout_seconds));
    }
    if (phase_ == Phase::kHeader && reader_.header_done()) {
      phase_ = Phase::kBody;
      Arm(SteadyClock::now() + std::chrono::seconds(loop_.limits.body_timeout_seconds));
      if (reader_.wants_continue()) WriteContinue();
    }
    WaitReadable();
  }

  void EnterIdle() {
    phase_ = Phase::kIdle;
    Arm(SteadyClock::now() + std::chrono::seconds(loop_.limits.idle_timeout_seconds));
  }

  // --- handling ------------------------------------------------------------

  void Dispatch() {
    phase_ = Phase::kHandling;
    if (!app_.Route(*ex_)) return Respond();
    if (ex_->delay_ms > 0) {
      phase_ = Phase::kDelay;
      return Arm(SteadyClock::now() + std::chrono::milliseconds(ex_->delay_ms));
    }
    Run();
  }

  void Run() {
    phase_ = Phase::kHandling;
    if (!ex_->uses_store) {
      app_.Run(*ex_);
      return Respond();
    }
    const uint64_t generation = ++generation_;
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(loop_.limits.store_deadline_ms);
    auto job = [self = shared_from_this(), ex = ex_, generation, deadline] {
      if (SteadyClock::now() < deadline) self->app_.Run(*ex);  // else: answered 503 already
      asio::post(self->worker_.ctx, [self, generation] {
        if (self->generation_ == generation && self->phase_ == Phase::kHandling) self->Respond();
      });
    };
    if (!loop_.pool.TrySubmit(std::move(job))) {
      ++generation_;
      return RespondUnavailable("The episode store is busy; try again later.");
    }
    Arm(deadline);
  }

  // The store did not answer in time: 503 now; the handler's result, when
  // it comes, is dropped (generation_ has moved on).
  void RespondUnavailable(std::string_view message) {
    auto reply = std::make_shared<Exchange>();
    reply->request.method = ex_->request.method;
    reply->request.version_minor = ex_->request.version_minor;
    reply->request.headers = ex_->request.headers;  // both threads only read it
    reply->id = ex_->id;
    reply->start = ex_->start;
    reply->route = ex_->route;
    reply->counted = std::exchange(ex_->counted, false);
    ex_ = std::move(reply);
    app_.FinishUnavailable(*ex_, message);
    Respond();
  }

  // --- writing -------------------------------------------------------------

  void Respond() {
    if (continue_writing_) {
      respond_after_continue_ = true;
      return;
    }
    close_after_write_ = app_.Finish(*ex_) || worker_.stopping;
    head_ = SerializeHead(ex_->response, close_after_write_);
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_), asio::const_buffer()};
    if (ex_->request.method != "HEAD") {
      const std::string_view body = ex_->response.content();
      buffers[1] = asio::buffer(body.data(), body.size());
    }
    phase_ = Phase::kWriting;
    Arm(SteadyClock::now() + std::chrono::seconds(loop_.limits.write_timeout_seconds));
    asio::async_write(socket_, buffers, [self = shared_from_this()](const error_code& ec, size_t) {
      self->OnWritten(ec);
    });
  }

  void OnWritten(const error_code& ec) {
    if (phase_ == Phase::kClosed) return;
    ex_.reset();
    head_.clear();
    if (ec || worker_.stopping) return Close();
    if (close_after_write_) return Linger();
    EnterIdle();
    Process();  // a pipelined request may be waiting in the buffer
  }

  void WriteContinue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    continue_writing_ = true;
    asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        self->continue_writing_ = false;
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->Close();
                        if (self->respond_after_continue_) {
                          self->respond_after_continue_ = false;
                          self->Respond();
                        }
                      });
  }

  // Answers bytes that are not a request (or a connection over the limit),
  // then closes.
  void WriteRefusal(int status, std::string_view message, const HttpRequest* request) {
    ex_ = std::make_shared<Exchange>();
    ex_->response = app_.Refusal(status, message, request);
    head_ = SerializeHead(ex_->response, /*close=*/true);
    const std::string_view body = ex_->response.content();
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_), asio::buffer(body.data(), body.size())};
    close_after_write_ = true;
    phase_ = Phase::kWriting;
    Arm(SteadyClock::now() + std::chrono::seconds(loop_.limits.write_timeout_seconds));
    asio::async_write(socket_, buffers, [self = shared_from_this()](const error_code& ec, size_t) {
      self->OnWritten(ec);
    });
  }

  // --- closing -------------------------------------------------------------

  // Stops sending, then reads and drops what the client still sends for a
  // moment, so that it reads the reply before the connection goes.
  void Linger() {
    if (worker_.stopping) return Close();
    phase_ = Phase::kLingering;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    in_.clear();
    in_start_ = 0;
    Arm(SteadyClock::now() + kLinger);
    WaitReadable();
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    ++timer_generation_;
    timer_.cancel();
    error_code ec;
    socket_.close(ec);
    worker_.connections.erase(this);
    if (!refuse_) loop_.open.fetch_sub(1, std::memory_order_relaxed);
    ++generation_;
    if (ex_ && ex_->counted) app_.Abandon(*ex_);  // routed, never answered
    ex_.reset();
  }

  // --- the one timer ---------------------------------------------------------

  // Sets the deadline of the current phase. The timer itself is set again
  // only when the deadline comes before the wait already pending; a wait
  // that ends before the deadline (which has moved later since) waits again
  // for the rest. So the two deadlines of each request on a keep-alive
  // connection (the reply's write, then idle) cost no timer cancellation
  // and re-arming, which were a tenth of the user-space work of a small
  // request.
  void Arm(SteadyClock::time_point when) {
    deadline_ = when;
    if (timer_pending_ && timer_expiry_ <= when) return;
    WaitUntil(when);
  }

  void WaitUntil(SteadyClock::time_point when) {
    const uint64_t generation = ++timer_generation_;
    timer_pending_ = true;
    timer_expiry_ = when;
    timer_.expires_at(when);
    timer_.async_wait([self = shared_from_this(), generation](const error_code&) {
      if (self->timer_generation_ != generation) return;  // set again since, or closed
      self->timer_pending_ = false;
      if (SteadyClock::now() < self->deadline_) return self->WaitUntil(self->deadline_);
      self->OnTimer();
    });
  }

  void OnTimer() {
    switch (phase_) {
      case Phase::kIdle:
      case Phase::kLingering:
      case Phase::kWriting:
        return Close();
      case Phase::kHeader:
      case Phase::kBody: {
        error_code ec;
        socket_.cancel(ec);  // the wait for more bytes ends
        const bool header = phase_ == Phase::kHeader;
        return WriteRefusal(408,
                            header ? fmt::format("The request's header did not arrive within {} seconds.",
                                                 loop_.limits.header_timeout_seconds)
                                   : fmt::format("The request's body did not arrive within {} seconds.",
                                                 loop_.limits.body_timeout_seconds),
                            header ? nullptr : &reader_.request());
      }
      case Phase::kDelay:
        return Run();
      case Phase::kHandling:
        ++generation_;
        return RespondUnavailable("The episode store did not answer in time; try again later.");
      case Phase::kClosed:
        return;
    }
  }

  EventLoop::Impl& loop_;
  App& app_;
  Worker& worker_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  RequestReader reader_;
  const bool refuse_;

  Phase phase_ = Phase::kIdle;
  std::string in_;        // bytes received; those before in_start_ are consumed
  size_t in_start_ = 0;
  bool reading_ = false;  // an async_wait for readable is pending
  size_t lingered_ = 0;
  std::shared_ptr<Exchange> ex_;  // the request being answered (shared with a store job)
  std::string head_;              // the reply's head while it is written
  bool close_after_write_ = false;
  bool continue_writing_ = false;
  bool respond_after_continue_ = false;
  uint64_t generation_ = 0;        // of the exchange; a store job's result is for the current one only
  uint64_t timer_generation_ = 0;  // of the timer's arming; earlier waits are ignored
  SteadyClock::time_point deadline_;     // of the current phase (Arm)
  SteadyClock::time_point timer_expiry_; // of the pending wait, when timer_pending_
  bool timer_pending_ = false;
};

int ThreadCount(int configured) {
  if (configured > 0) return configured;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

}  // namespace

EventLoop::Impl::Impl(App& a)
    : app(a), limits(a.limits()), acceptor([this]() -> asio::io_context& {
        const int n = ThreadCount(limits.threads);
        for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>());
        return workers[0]->ctx;
      }()),
      accept_retry(workers[0]->ctx), pool(limits.store_threads, limits.store_queue) {}

void EventLoop::Impl::Accept() {
  Worker& w = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  acceptor.async_accept(w.ctx, [this, &w](const error_code& ec, tcp::socket socket) {
    OnAccepted(w, ec, std::move(socket));
  });
}

void EventLoop::Impl::OnAccepted(Worker& w, const error_code& ec, tcp::socket socket) {
  if (shutting_down.load() || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors or memory, or the client left before accept:
    // try again shortly rather than spin.
    if (ec != asio::error::connection_aborted) LogLine(fmt::format("accept failed: {}", ec.message()));
    accept_retry.expires_after(kAcceptRetry);
    accept_retry.async_wait([this](const error_code& e) {
      if (!e && !shutting_down.load()) Accept();
    });
    return;
  }
  const bool refuse = open.fetch_add(1, std::memory_order_relaxed) >= limits.max_connections;
  if (refuse) open.fetch_sub(1, std::memory_order_relaxed);
  auto connection = std::make_shared<Connection>(*this, w, std::move(socket), refuse);
  asio::post(w.ctx, [connection] { connection->Start(); });
  Accept();
}

EventLoop::EventLoop(App& app) : impl_(std::make_unique<Impl>(app)) {}

EventLoop::~EventLoop() {
  impl_->pool.Stop();  // before the contexts its jobs post to are gone
}

int EventLoop::threads() const { return static_cast<int>(impl_->workers.size()); }

Result<int> EventLoop::Listen(const std::string& host, int port) {
  error_code ec;
  tcp::resolver resolver(impl_->workers[0]->ctx);
  auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return Status::Unavailable(fmt::format("cannot resolve {}", host));
  const tcp::endpoint endpoint = *endpoints.begin();
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);  // a quick restart; never SO_REUSEPORT
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    a.close(ignored);
    return Status::Unavailable(ec.message());
  }
  return static_cast<int>(a.local_endpoint().port());
}

Status EventLoop::Run() {
  Impl& impl = *impl_;
  asio::post(impl.workers[0]->ctx, [&impl] { impl.Accept(); });
  std::atomic<bool> failed{false};
  auto run = [&failed](Worker& w) {
    try {
      w.ctx.run();
    } catch (const std::exception& e) {
      LogLine(fmt::format("error: an I/O thread failed: exception {}", typeid(e).name()));
      failed = true;
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl.workers.size(); ++i) threads.emplace_back(run, std::ref(*impl.workers[i]));
  run(*impl.workers[0]);
  for (std::thread& t : threads) t.join();
  impl.pool.Stop();
  return failed ? Status::Internal("an I/O thread failed") : Status::Ok();
}

void EventLoop::Shutdown() {
  Impl& impl = *impl_;
  if (impl.shutting_down.exchange(true)) return;
  asio::post(impl.workers[0]->ctx, [&impl] {
    error_code ec;
    impl.acceptor.close(ec);
    impl.accept_retry.cancel();
  });
  for (auto& worker : impl.workers) {
    Worker* w = worker.get();
    asio::post(w->ctx, [w] {
      w->stopping = true;
      const std::vector<Connection*> now(w->connections.begin(), w->connections.end());
      for (Connection* c : now) c->OnShutdown();
      w->guard.reset();  // run() returns once the last connection is done
    });
  }
}

}  // namespace norotriage::server
