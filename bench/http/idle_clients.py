#!/usr/bin/env python3
"""Holds many idle HTTP connections open, for scripts/bench.sh.

    bench/http/idle_clients.py --port PORT [--host 127.0.0.1] [--count 10000]
                               [--seconds 300] [--json OUT.json]

Opens COUNT TCP connections to HOST:PORT (raising its own RLIMIT_NOFILE to
the hard limit first), sends nothing on them, prints "ready N" on stdout once
all are connected, then holds them until SIGTERM or SIGINT, or for at most
SECONDS (it always stops by itself). On the way out it checks which are still
open (a server that closed one has sent a FIN: recv() returns b"") and
prints, and writes to OUT.json, {"count", "connected", "open_at_end",
"connect_seconds"}.

Connections are opened in batches so that the server's accept queue never
overflows (a dropped SYN costs a one-second retransmit). Loopback only.
Exit status: 0 when every connection was made and still open at the end,
1 otherwise.
"""
import argparse
import errno
import json
import resource
import selectors
import signal
import socket
import sys
import time

BATCH = 256


def open_batch(host, port, n, timeout):
    """n non-blocking connects at once; returns the connected sockets."""
    sel = selectors.DefaultSelector()
    pending = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((host, port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            continue
        sel.register(s, selectors.EVENT_WRITE)
        pending.append(s)
    done = []
    deadline = time.monotonic() + timeout
    left = len(pending)
    while left and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            s = key.fileobj
            sel.unregister(s)
            left -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(s)
            else:
                s.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    sel.close()
    return done


def still_open(s):
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True  # nothing to read, no FIN: open
    except OSError:
        return False  # reset


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--json")
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < a.count + 16:
        print(f"idle_clients: RLIMIT_NOFILE {hard} is too low for {a.count} connections", file=sys.stderr)
        return 1

    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    started = time.monotonic()
    conns = []
    while len(conns) < a.count and not stop:
        batch = open_batch(a.host, a.port, min(BATCH, a.count - len(conns)), timeout=5.0)
        if not batch:
            break
        conns.extend(batch)
    connect_seconds = time.monotonic() - started
    print(f"ready {len(conns)}", flush=True)

    end = started + a.seconds
    while not stop and time.monotonic() < end:
        time.sleep(0.1)

    result = {"count": a.count, "connected": len(conns),
              "open_at_end": sum(1 for s in conns if still_open(s)),
              "connect_seconds": round(connect_seconds, 3)}
    for s in conns:
        s.close()
    print(json.dumps(result), flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f)
    return 0 if result["open_at_end"] == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
