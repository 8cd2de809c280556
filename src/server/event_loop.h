// The sockets of `norotriage serve`: a fixed set of I/O threads, each running
// its own Asio io_context, with asynchronous accept, read and write and no
// thread per connection. One acceptor hands each new connection to the next
// thread in turn; a connection then lives on that thread alone, so its state
// needs no lock.
//
// Per connection (limits in ServerLimits, server_context.h):
//   - before the first byte of a request: closed, with no reply, after the
//     idle timeout (keep-alive idle included);
//   - the header section within header_timeout of its first byte, the body
//     within body_timeout of the header's end: else 408, and closed;
//   - the reader's refusals (request_reader.h) are answered, then the
//     connection is closed after a short lingering read, so that the client
//     reads the reply rather than a reset;
//   - pipelined requests are answered one after the other, in order: the
//     next request is not read before the reply to this one is written;
//   - a reply not taken by the client within write_timeout: closed;
//   - over max_connections open at once: a new connection gets 503 and is
//     closed.
// Routes that use the store run on a StorePool (store_pool.h), never on an
// I/O thread, with a deadline of store_deadline_ms from the request's start:
// past it, or when the pool's queue is full, the reply is 503 and the
// handler's eventual result is dropped.
//
// Shutdown (Shutdown()): the acceptor is closed, connections with no request
// under way are closed at once, requests in flight are answered with
// "Connection: close"; Run() returns when every connection is closed.
//
// Thread safety: Listen, then Run, on one thread; Shutdown from any thread.
#ifndef NOROTRIAGE_SERVER_EVENT_LOOP_H_
#define NOROTRIAGE_SERVER_EVENT_LOOP_H_

#include <memory>
#include <string>

#include "norotriage/status.h"
#include "server/app.h"

namespace norotriage::server {

class EventLoop {
 public:
  // Borrows `app`, which must outlive the loop. Threads and limits come from
  // app.limits() (threads 0: one per core).
  explicit EventLoop(App& app);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Binds host:port (port 0: any free port) and listens. Returns the port,
  // or Unavailable when the address cannot be used.
  Result<int> Listen(const std::string& host, int port);

  // Serves until Shutdown() has finished every connection, on the calling
  // thread and threads() - 1 more. Internal when an I/O thread failed.
  Status Run();

  // Starts the shutdown (see the file comment). Safe from any thread, any
  // number of times.
  void Shutdown();

  int threads() const;

  struct Impl;  // event_loop.cc (public so that its connections can name it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace norotriage::server

#endif  // NOROTRIAGE_SERVER_EVENT_LOOP_H_
