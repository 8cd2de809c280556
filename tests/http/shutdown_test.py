#!/usr/bin/env python3
"""HTTP attack test: graceful shutdown on SIGTERM (ctest http_shutdown; issue 15).

  shutdown_test.py --binary PATH/norotriage

Two servers (`serve --port 0`, defaults, NOROTRIAGE_TESTING=1), one after
the other:
  a. 100 idle keep-alive connections (each answered once), then SIGTERM: the
     process exits with status 0 within 1 s, and each idle connection is
     closed by the server within that second.
  b. A POST /v1/assess with X-Delay-Ms-For-Testing: 1500 in flight and 5
     idle keep-alive connections, then SIGTERM: the idle connections are
     closed at once (within 0.5 s, while the slow request still runs), a new
     connection is not served, the slow request still gets its 200
     assessment, and the process exits 0 soon after (within 1 s of that
     reply).
Prints the times. About 4 s.
"""

import signal
import subprocess
import threading
import time

import wire as W

NAME = "http_shutdown"


def keep_alive_connections(port, n):
    """N connections, each sent GET /healthz at once; those answered 200 within 3 s
    in all (kept open), and the number answered."""
    conns = [W.Conn(port, timeout=3.0) for _ in range(n)]
    for c in conns:
        c.send(W.HEALTHZ)
    deadline = time.monotonic() + 3.0
    answered = []
    for c in conns:
        r = c.read_response(max(0.0, deadline - time.monotonic()))
        if r is not None and r[0] == 200:
            answered.append(c)
        else:
            c.close()
    return answered


def closed_within(conns, seconds):
    """How many of CONNS the server closes within SECONDS (read in turn, one deadline)."""
    deadline = time.monotonic() + seconds
    return sum(1 for c in conns if c.read_to_eof(max(0.0, deadline - time.monotonic())))


def wait_exit(s, seconds):
    """(exit status or None if still running after SECONDS, seconds waited)."""
    start = time.monotonic()
    try:
        status = s.proc.wait(seconds)
    except subprocess.TimeoutExpired:
        status = None
    return status, time.monotonic() - start


def idle_server(binary):
    s = W.start_server(NAME + "_idle", binary)
    W.log(f"\n== a: 100 idle keep-alive connections, then SIGTERM (port {s.port})")
    conns = keep_alive_connections(s.port, 100)
    W.check(len(conns) == 100, "100 keep-alive connections are each answered 200", f"{len(conns)}")
    signalled = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    closed = closed_within(conns, 1.0)
    status, _ = wait_exit(s, max(0.0, signalled + 1.0 - time.monotonic()))
    exited_after = time.monotonic() - signalled
    if status is None:
        status, _ = wait_exit(s, 5.0)
        exited_after = time.monotonic() - signalled
    W.log(f"  figure: {closed}/{len(conns)} idle connections closed within 1 s; exit status {status} "
          f"{exited_after:.2f} s after SIGTERM")
    W.check(closed == len(conns), "each idle keep-alive connection is closed within 1 s of SIGTERM",
            f"{len(conns) - closed} still open")
    W.check(status == 0 and exited_after <= 1.0, "the idle server exits 0 within 1 s of SIGTERM",
            f"status {status} after {exited_after:.2f} s\n{s.log_text()[-1000:]}")
    for c in conns:
        c.close()
    s.kill()


def busy_server(binary):
    s = W.start_server(NAME + "_busy", binary)
    W.log(f"\n== b: a 1.5 s request in flight and 5 idle keep-alive connections, then SIGTERM (port {s.port})")
    conns = keep_alive_connections(s.port, 5)
    W.check(len(conns) == 5, "5 keep-alive connections are each answered 200", f"{len(conns)}")
    slow = {}

    def slow_request():
        with W.Conn(s.port, timeout=5.0) as c:
            c.send(b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"X-Delay-Ms-For-Testing: 1500\r\nContent-Length: %d\r\n\r\n%s"
                   % (len(W.ASSESS_BODY), W.ASSESS_BODY.encode()))
            slow["reply"] = c.read_response(5.0)
            slow["at"] = time.monotonic()

    t = threading.Thread(target=slow_request, daemon=True)
    t.start()
    time.sleep(0.3)  # the slow request is in its handler
    signalled = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    closed = closed_within(conns, 0.5)
    W.log(f"  figure: {closed}/{len(conns)} idle connections closed within 0.5 s of SIGTERM")
    W.check(closed == len(conns), "each idle keep-alive connection is closed at once (within 0.5 s) while a "
            "request is in flight", f"{len(conns) - closed} still open")
    st, body, secs = W.F.http(s.port, "GET", "/healthz", timeout=1.0)
    W.log(f"  figure: a new connection after SIGTERM: status {st} in {secs:.2f} s ({str(body)[:80]})")
    W.check(st == 0, "a new connection after SIGTERM is not served", f"status {st}")
    t.join(6)
    reply = slow.get("reply")
    W.check(reply is not None and reply[0] == 200 and b'"disposition"' in reply[2],
            "the request in flight still gets its 200 assessment", W.describe(reply))
    W.check(reply is not None and reply[1].get("connection", "").lower() == "close",
            "the reply in flight says Connection: close", str(reply[1] if reply else None))
    status, _ = wait_exit(s, 5.0)
    exited_after = time.monotonic() - signalled
    since_reply = time.monotonic() - slow["at"] if "at" in slow else None
    W.log(f"  figure: exit status {status} {exited_after:.2f} s after SIGTERM" +
          (f", {since_reply:.2f} s after the slow reply" if since_reply is not None else ""))
    W.check(status == 0 and since_reply is not None and since_reply <= 1.0,
            "the server exits 0 within 1 s of its last reply", f"status {status} after {exited_after:.2f} s")
    for c in conns:
        c.close()
    s.kill()


def main():
    binary = W.begin(NAME, __doc__, 60, many_sockets=True)
    idle_server(binary)
    busy_server(binary)
    return W.finish(NAME)


if __name__ == "__main__":
    raise SystemExit(main())
