#!/usr/bin/env python3
"""HTTP attack test: many idle connections (ctest http_idle_connections; issue 15).

  idle_connections_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults:
  - 2,000 connections are opened and send nothing.
  - Meanwhile 20 ordinary requests on fresh connections (4 at a time,
    alternately GET /healthz and POST /v1/assess) each answer 200 within 1 s.
  - Each idle connection is closed by the server, silently (no byte of a
    reply), after the idle timeout (default 5 s): between 4.5 and 7 s after
    it was opened.
Prints the medians. About 8 s.
"""

import select
import time

import wire as W

NAME = "http_idle_connections"
IDLE_CONNECTIONS = 2000
IDLE_TIMEOUT_S = 5.0
CLOSE_WINDOW_S = (4.5, 7.0)


def watch_closes(conns, opened_at, until):
    """Polls every connection until UNTIL; returns {index: (seconds open, bytes read)}
    for those the server closed."""
    p = select.poll()
    by_fd = {}
    for i, c in enumerate(conns):
        p.register(c.sock, select.POLLIN | select.POLLERR | select.POLLHUP)
        by_fd[c.sock.fileno()] = i
    closed, got = {}, {}
    while len(closed) < len(conns) and time.monotonic() < until:
        for fd, _ in p.poll(max(0.0, until - time.monotonic()) * 1000):
            i = by_fd[fd]
            try:
                chunk = conns[i].sock.recv(65536)
            except OSError:
                chunk = b""
            if chunk:
                got[i] = got.get(i, 0) + len(chunk)
                continue
            closed[i] = (time.monotonic() - opened_at[i], got.get(i, 0))
            p.unregister(fd)
    return closed


def main():
    binary = W.begin(NAME, __doc__, 90)
    limit = W.raise_nofile()
    W.check(limit >= IDLE_CONNECTIONS + 200, f"this test may open {IDLE_CONNECTIONS} sockets (RLIMIT_NOFILE)",
            f"hard limit {limit}")
    s = W.start_server(NAME, binary)
    W.ordinary_requests(s.port, "before the idle connections")
    rss_before = W.vm_rss_kib(s.proc.pid)
    conns, opened_at, errors = [], [], []
    for _ in range(IDLE_CONNECTIONS):
        try:
            conns.append(W.Conn(s.port, timeout=2.0))
            opened_at.append(time.monotonic())
        except OSError as e:
            errors.append(str(e))
    W.log(f"  figure: {len(conns)} idle connections opened in {opened_at[-1] - opened_at[0]:.2f} s"
          if opened_at else "  figure: no connection opened")
    W.check(not errors, f"all {IDLE_CONNECTIONS} idle connections are made",
            f"{len(errors)} failed, e.g. {errors[:1]}")
    time.sleep(0.3)
    W.ordinary_requests(s.port, f"{len(conns)} idle connections open")
    W.log(f"  figure: VmRSS {rss_before / 1024:.1f} MiB before, {W.vm_rss_kib(s.proc.pid) / 1024:.1f} MiB "
          f"with {len(conns)} idle connections")

    closed = watch_closes(conns, opened_at, opened_at[0] + CLOSE_WINDOW_S[1] + 0.5 if opened_at else 0)
    lo, hi = CLOSE_WINDOW_S
    in_window = [t for t, n in closed.values() if lo <= t <= hi and n == 0]
    early = [t for t, _ in closed.values() if t < lo]
    replied = [n for _, n in closed.values() if n]
    W.log(f"  figure: {len(closed)}/{len(conns)} idle connections closed by the server; median after "
          f"{W.median([t for t, _ in closed.values()]):.2f} s; {len(early)} before {lo} s; "
          f"{len(replied)} with bytes of a reply")
    W.check(len(in_window) == len(conns),
            f"each idle connection is closed silently {lo}-{hi} s after it opened "
            f"(idle timeout {IDLE_TIMEOUT_S:.0f} s before the first byte)",
            f"{len(conns) - len(closed)} still open at {hi + 0.5} s, {len(early)} closed early, "
            f"{len(replied)} got bytes")
    for c in conns:
        c.close()
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
