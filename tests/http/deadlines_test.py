#!/usr/bin/env python3
"""HTTP attack test: the header and body deadlines (ctest http_deadlines; issue 15).

  deadlines_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults, two connections at once:
  - header: the request line, then one header line every 1 s, never the end
    of the header. The complete header section is due within 10 s of its
    first byte (one deadline for the whole header, not per line): a 408
    JSON error (code request_timeout) and the connection closed, between
    9.5 and 11.5 s after the first byte.
  - body: a whole header with Content-Length: 1000, then one byte of body
    every 1 s. The body is due within 10 s of the header: a 408 JSON error
    and the connection closed, between 9.5 and 11.5 s after the header.
Prints when each reply came. About 12 s (14 s when no reply comes).
"""

import threading
import time

import wire as W

NAME = "http_deadlines"
WINDOW_S = (9.5, 11.5)
GIVE_UP_S = 14.0


def trickle(port, first, piece, every_s):
    """Sends FIRST, then PIECE(n) every EVERY_S until a reply or GIVE_UP_S; returns
    (reply, seconds from FIRST to the reply or None, closed after it)."""
    c = W.Conn(port, timeout=2.0)
    start = time.monotonic()
    c.send(first)
    n = 0
    try:
        while time.monotonic() - start < GIVE_UP_S:
            if W.wait_readable(c.sock, every_s):
                at = time.monotonic() - start
                reply = c.read_response(2.0)
                return reply, at, c.read_to_eof(2.0)
            n += 1
            c.send(piece(n))
        return None, None, False
    finally:
        c.close()


def check_deadline(what, outcome):
    reply, at, closed = outcome
    lo, hi = WINDOW_S
    W.log(f"  figure: {what}: " + (f"{W.describe(reply)} after {at:.2f} s" if at is not None
                                   else f"no reply within {GIVE_UP_S:.0f} s"))
    W.check(reply is not None and reply[0] == 408 and W.error_code(reply[2]) == "request_timeout",
            f"{what}: 408 request_timeout (JSON error)",
            f"got {W.describe(reply)}" + (f" after {at:.2f} s" if at is not None else f" in {GIVE_UP_S:.0f} s"))
    W.check(at is not None and lo <= at <= hi, f"{what}: the reply comes {lo}-{hi} s after the deadline started",
            "no reply" if at is None else f"after {at:.2f} s")
    W.check(closed, f"{what}: the connection is closed after the 408")


def main():
    binary = W.begin(NAME, __doc__, 60)
    s = W.start_server(NAME, binary)
    outcomes = {}
    cases = {
        "header sent one line a second": (b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                                          lambda n: b"X-Slow-%d: %d\r\n" % (n, n)),
        "body sent one byte a second": (b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        b"Content-Length: 1000\r\n\r\n{", lambda n: b" "),
    }

    def run(what, first, piece):
        outcomes[what] = trickle(s.port, first, piece, 1.0)

    threads = [threading.Thread(target=run, args=(what,) + case, daemon=True) for what, case in cases.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(GIVE_UP_S + 10)
    for what in cases:
        check_deadline(what, outcomes.get(what, (None, None, False)))
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
