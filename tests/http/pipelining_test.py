#!/usr/bin/env python3
"""HTTP attack test: pipelining and keep-alive (ctest http_pipelining; issue 15).

  pipelining_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults:
  - 100 requests in one write on one connection, alternately POST /v1/assess
    (each with its own "ref", which the result echoes) and GET /healthz:
    100 replies come back, in order, each the right one.
  - Keep-alive then idle: after one reply on a keep-alive connection, the
    server closes the idle connection after its idle timeout (default 5 s):
    between 4.5 and 7 s after the reply.
Both run at once, on separate connections. About 6 s.
"""

import json
import time

import wire as W

NAME = "http_pipelining"
PIPELINED = 100
IDLE_WINDOW_S = (4.5, 7.0)


def assess(i):
    body = json.dumps({"ref": f"pipelined-{i}", "findings": {"age_years": 40, "weight_kg": 70}}).encode()
    return (b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


def expected(i):
    """What reply i should be: (what, test of the reply)."""
    if i % 2 == 0:
        return f"POST /v1/assess ref pipelined-{i}", lambda r: r[0] == 200 and \
            json.loads(r[2]).get("ref") == f"pipelined-{i}"
    return "GET /healthz", lambda r: r[0] == 200 and b'"knowledge_base"' in r[2]


def pipelined(port):
    data = b"".join(assess(i) if i % 2 == 0 else W.HEALTHZ
                    for i in range(PIPELINED))
    with W.Conn(port, timeout=5.0) as c:
        c.send(data)
        replies = []
        while len(replies) < PIPELINED:
            r = c.read_response(5.0)
            if r is None:
                break
            replies.append(r)
        return replies


def idle_after_reply(port):
    """(reply, seconds from the reply to the server's close or None)."""
    with W.Conn(port, timeout=5.0) as c:
        c.send(W.HEALTHZ)
        r = c.read_response(5.0)
        replied = time.monotonic()
        closed = c.read_to_eof(IDLE_WINDOW_S[1] + 1.0)
        return r, (time.monotonic() - replied) if closed else None, c.buf


def main():
    binary = W.begin(NAME, __doc__, 60)
    s = W.start_server(NAME, binary)
    start = time.monotonic()
    results = W.in_parallel({"pipelined": lambda: pipelined(s.port), "idle": lambda: idle_after_reply(s.port)})

    replies = results.get("pipelined") or []
    W.log(f"  figure: {len(replies)}/{PIPELINED} pipelined requests answered")
    W.check(len(replies) == PIPELINED, f"{PIPELINED} requests in one write -> {PIPELINED} replies", f"{len(replies)}")
    wrong = []
    for i, r in enumerate(replies):
        what, ok = expected(i)
        try:
            good = ok(r)
        except (ValueError, AttributeError):
            good = False
        if not good:
            wrong.append(f"#{i} should answer {what}: {W.describe(r, 80)}")
    W.check(replies and not wrong, "each reply answers its request, in order",
            "; ".join(wrong[:5]) if wrong else "no replies")

    reply, closed_after, rest = results.get("idle") or (None, None, b"")
    lo, hi = IDLE_WINDOW_S
    W.log("  figure: idle keep-alive connection closed " +
          (f"{closed_after:.2f} s after the reply" if closed_after is not None else f"not within {hi + 1:.0f} s"))
    W.check(reply is not None and reply[0] == 200, "keep-alive: GET /healthz -> 200", W.describe(reply))
    W.check(closed_after is not None and lo <= closed_after <= hi and rest == b"",
            f"keep-alive: the idle connection is closed by the server {lo}-{hi} s after the reply, silently",
            f"closed after {closed_after}" if closed_after is not None else f"still open after {hi + 1:.0f} s")
    W.log(f"  figure: {time.monotonic() - start:.1f} s")
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
