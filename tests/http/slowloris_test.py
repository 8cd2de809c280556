#!/usr/bin/env python3
"""HTTP attack test: slowloris (ctest http_slowloris; issue 15).

  slowloris_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults:
  - 200 slowloris connections: each sends a request line, then one header
    line every 2 s, and never ends its header.
  - Before it, and again during it, 20 ordinary requests on fresh
    connections (4 at a time, alternately GET /healthz and POST /v1/assess)
    each answer 200 within 1 s.
  - The attack was real: the slowloris connections were still open while the
    ordinary requests ran (the server is allowed to end them only at its 10 s
    header deadline).
Prints the median and slowest ordinary request. About 10 s.
"""

import threading
import time

import wire as W

NAME = "http_slowloris"
SLOW_CONNECTIONS = 200
LINE_EVERY_S = 2.0


class Slowloris:
    """SLOW_CONNECTIONS connections trickling header lines from one thread."""

    def __init__(self, port):
        self.conns = []
        self.failed_connects = 0
        for _ in range(SLOW_CONNECTIONS):
            try:
                c = W.Conn(port, timeout=2.0)
                c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                self.conns.append(c)
            except OSError:
                self.failed_connects += 1
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        while not self.stop.wait(LINE_EVERY_S):
            n += 1
            for c in self.conns:
                c.send(b"X-Slow-%d: %d\r\n" % (n, n))

    def still_open(self):
        """How many connections the server has neither answered nor closed."""
        return sum(1 for c in self.conns if not W.wait_readable(c.sock, 0))

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for c in self.conns:
            c.close()


def main():
    binary = W.begin(NAME, __doc__, 90, many_sockets=True)
    s = W.start_server(NAME, binary)
    W.ordinary_requests(s.port, "before the attack")
    started = time.monotonic()
    attack = Slowloris(s.port)
    W.check(attack.failed_connects == 0, f"all {SLOW_CONNECTIONS} slowloris connections are made",
            f"{attack.failed_connects} failed")
    time.sleep(0.5)  # the server has seen their first bytes
    W.ordinary_requests(s.port, f"{SLOW_CONNECTIONS} slowloris connections open")
    held = attack.still_open()
    W.log(f"  figure: {held}/{len(attack.conns)} slowloris connections still open "
          f"{time.monotonic() - started:.1f} s after the attack began")
    W.check(time.monotonic() - started > 9.5 or held >= 0.95 * len(attack.conns),
            "the slowloris connections were held while the ordinary requests ran",
            f"only {held} still open: the attack did not hold")
    attack.close()
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
