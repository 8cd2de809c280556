#!/usr/bin/env python3
"""HTTP attack test: the connection limit (ctest http_max_connections; issue 15).

  max_connections_test.py --binary PATH/norotriage

Against `serve --port 0 --max-connections 50`:
  - 50 keep-alive connections, each answered once (so the server holds all
    50), stay open.
  - The 51st connection gets a 503 JSON error and is closed (the reply may
    come at once or after it sends a request; both are read).
  - After 10 of the 50 are closed, a new connection is served again (200).
All within the 5 s idle timeout. About 2 s.
"""

import time

import wire as W

NAME = "http_max_connections"
LIMIT = 50


def held_connection(port):
    """A keep-alive connection answered once; None if it was not."""
    c = W.Conn(port, timeout=3.0)
    c.send(W.HEALTHZ)
    r = c.read_response(3.0)
    if r is None or r[0] != 200:
        c.close()
        return None
    return c


def over_the_limit(port):
    """The reply on one more connection, and whether it was then closed."""
    with W.Conn(port, timeout=3.0) as c:
        if not W.wait_readable(c.sock, 0.5):  # no reply at once: ask
            c.send(W.HEALTHZ)
        r = c.read_response(3.0)
        return r, c.read_to_eof(3.0)


def main():
    binary = W.begin(NAME, __doc__, 60, many_sockets=True)
    s = W.start_server(NAME, binary, ["--max-connections", str(LIMIT)])
    start = time.monotonic()
    held = [held_connection(s.port) for _ in range(LIMIT)]
    answered = [c for c in held if c is not None]
    W.check(len(answered) == LIMIT, f"{LIMIT} keep-alive connections are each answered 200 and held",
            f"{len(answered)} were")

    reply, closed = over_the_limit(s.port)
    W.log(f"  figure: connection {LIMIT + 1}: {W.describe(reply, 120)}")
    W.check(reply is not None and reply[0] == 503 and W.error_code(reply[2]) is not None,
            f"connection {LIMIT + 1} -> 503 (JSON error)", W.describe(reply))
    W.check(closed, f"connection {LIMIT + 1} is closed after the 503")

    for c in answered[:10]:
        c.close()
    time.sleep(0.3)
    st, body, secs = W.F.http(s.port, "GET", "/healthz", timeout=2.0)
    W.check(st == 200, "after 10 of them are closed, a new connection is served (200)", f"{st} {str(body)[:200]}")
    elapsed = time.monotonic() - start
    W.log(f"  figure: {elapsed:.2f} s from the first connection to the last check")
    W.check(elapsed < 4.5, "the checks ran within the idle timeout (the held connections were still held)",
            f"{elapsed:.2f} s")
    for c in answered[10:]:
        c.close()
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
