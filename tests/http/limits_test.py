#!/usr/bin/env python3
"""HTTP attack test: the size limits (ctest http_limits; issue 15).

  limits_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults:
  - 10,000 header fields on one request (~100 KB) -> 431
    request_header_fields_too_large (JSON error) and the connection closed.
    50 such connections in a row leave the server's VmRSS within 8 MiB of
    what it was before them (the memory is given back; not checked on an
    ASan or TSan build, where RSS says nothing about it).
  - The field count: 100 fields (Host included) are served; 101 -> 431.
  - The header section size: 16 KiB less 100 bytes is served; 16 KiB and
    100 bytes (in fewer than 100 fields) -> 431 and closed.
  - The request-target: 8 KiB is served (200 or 404); 8 KiB + 1 byte -> 414
    uri_too_long and closed.
  - A body over 64 KiB: a header with Content-Length: 65537 and no body yet
    -> 413 payload_too_large within 1 s (as soon as the header is read, not
    after the body) and closed.
About 3 s.
"""

import time

import wire as W

NAME = "http_limits"
HEADER_LIMIT = 16 * 1024
FIELD_LIMIT = 100
URL_LIMIT = 8 * 1024
BODY_LIMIT = 64 * 1024
RSS_GROWTH_LIMIT_KIB = 8 * 1024
ROUNDS = 50


def with_fields(n, value=b"v"):
    """GET /healthz with N header fields in all (Host and N - 1 others)."""
    fields = b"".join(b"X%d: %s\r\n" % (i, value) for i in range(n - 1))
    return b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"


def with_header_size(size):
    """GET /healthz whose header section (request line to the empty line) is SIZE bytes."""
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    fields = b""
    left = size - len(head) - 2
    i = 0
    while left > 0:
        name = b"X-Big-%d: " % i
        value = min(4000, left - len(name) - 2)
        if value < 1:  # too little room for another field: lengthen the last one
            fields = fields[:-2] + b"a" * left + b"\r\n"
            break
        fields += name + b"a" * value + b"\r\n"
        left -= len(name) + value + 2
        i += 1
    data = head + fields + b"\r\n"
    assert len(data) == size, (len(data), size)
    return data


def with_target(length):
    target = b"/healthz?q=" + b"a" * (length - len(b"/healthz?q="))
    return b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n"


def status_of(port, data):
    """The status of the reply to DATA on a new connection (None: no reply)."""
    with W.Conn(port, timeout=3.0) as c:
        c.send(data)
        r = c.read_response(3.0)
        return r[0] if r else None


def main():
    binary = W.begin(NAME, __doc__, 90)
    s = W.start_server(NAME, binary)
    pid = s.proc.pid

    many = with_fields(10000)
    W.log(f"  figure: 10,000 fields: {len(many)} bytes of header")
    W.check_error_and_close("10,000 header fields", W.exchange_to_close(s.port, many), 431,
                            "request_header_fields_too_large")
    for _ in range(3):  # warm up: the first connections may allocate what stays
        status_of(s.port, many)
    rss_before = W.vm_rss_kib(pid)
    statuses = {}
    start = time.monotonic()
    for _ in range(ROUNDS):
        st = status_of(s.port, many)
        statuses[st] = statuses.get(st, 0) + 1
    time.sleep(0.5)
    rss_after = W.vm_rss_kib(pid)
    W.log(f"  figure: {ROUNDS} x 10,000 fields in {time.monotonic() - start:.1f} s: statuses {statuses}; VmRSS "
          f"{rss_before / 1024:.1f} -> {rss_after / 1024:.1f} MiB")
    W.check(statuses == {431: ROUNDS}, f"each of {ROUNDS} connections with 10,000 fields -> 431", f"{statuses}")
    if W.sanitized(binary):  # as tests/malformed_input_test.cc: LeakSanitizer checks leaks there
        W.log("  note: a sanitized build: VmRSS is shown, not checked")
    else:
        W.check(rss_before > 0 and rss_after - rss_before < RSS_GROWTH_LIMIT_KIB,
                f"VmRSS after them within {RSS_GROWTH_LIMIT_KIB // 1024} MiB of before (memory given back)",
                f"{rss_before} -> {rss_after} KiB")

    st = status_of(s.port, with_fields(FIELD_LIMIT))
    W.check(st == 200, f"{FIELD_LIMIT} header fields -> served (200)", f"{st}")
    W.check_error_and_close(f"{FIELD_LIMIT + 1} header fields",
                            W.exchange_to_close(s.port, with_fields(FIELD_LIMIT + 1)), 431,
                            "request_header_fields_too_large")
    st = status_of(s.port, with_header_size(HEADER_LIMIT - 100))
    W.check(st == 200, f"a header section of {HEADER_LIMIT - 100} bytes -> served (200)", f"{st}")
    W.check_error_and_close(f"a header section of {HEADER_LIMIT + 100} bytes",
                            W.exchange_to_close(s.port, with_header_size(HEADER_LIMIT + 100)), 431,
                            "request_header_fields_too_large")

    st = status_of(s.port, with_target(URL_LIMIT))
    W.check(st in (200, 404), f"a request-target of {URL_LIMIT} bytes -> served (200 or 404)", f"{st}")
    W.check_error_and_close(f"a request-target of {URL_LIMIT + 1} bytes",
                            W.exchange_to_close(s.port, with_target(URL_LIMIT + 1)), 414, "uri_too_long")

    start = time.monotonic()
    outcome = W.exchange_to_close(s.port, b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: %d\r\n\r\n" % (BODY_LIMIT + 1), reply_timeout=1.0)
    W.log(f"  figure: Content-Length {BODY_LIMIT + 1} without the body: {W.describe(outcome[0], 80)} "
          f"after {time.monotonic() - start:.2f} s (with the wait for the close)")
    W.check_error_and_close(f"Content-Length {BODY_LIMIT + 1}, body not sent, reply within 1 s", outcome, 413,
                            "payload_too_large", reply_timeout=1.0)
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
