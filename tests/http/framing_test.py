#!/usr/bin/env python3
"""HTTP attack test: request framing and smuggling (ctest http_framing; issue 15).

  framing_test.py --binary PATH/norotriage

Against `serve --port 0` with the defaults:
  - The hidden request: GET /healthz and POST /v1/assess in one write, with
    the text of a third whole request (GET /v1/openapi.json) inside the
    POST's JSON body at byte 4096 of the body, and (other connections) at
    byte 4096, 8192 and 16384 of the write. Exactly two replies come back: the
    /healthz 200, then the POST's own reply (its body is not valid JSON:
    a 400 bad_request, or a 200 assessment); never the OpenAPI document.
  - A control: a valid request and GET /v1/openapi.json in one write are
    both answered, in order (so "never answered" below means something).
  - Each framing error of RFC 9112 -> 400 bad_request (JSON error) and the
    connection closed, and the GET /v1/openapi.json written after it in the
    same write is never answered: both Content-Length and Transfer-Encoding
    (either order), a bare LF as a line end, an obs-fold (a field line
    starting with a space or a tab), a space in or after a header name, a
    NUL or a lone CR in a field value, an invalid Content-Length (not
    digits, negative, signed, two differing values in one field or two).
  - Transfer-Encoding alone -> 411 length_required and closed, the chunked
    body never read as a request.
The cases run in parallel, one connection each. About 2 s (8 s when the
server keeps connections open).
"""


import wire as W

NAME = "http_framing"
HIDDEN = b"GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
FOLLOW_UP = HIDDEN  # the request written after a bad one


def post(extra_fields, body=b"hello"):
    return (b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra_fields +
            b"\r\n" + body)


def get(fields):
    return b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"


# (what, bytes, status, code); FOLLOW_UP is appended to each.
FRAMING_CASES = [
    ("Content-Length and Transfer-Encoding",
     post(b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"), 400, "bad_request"),
    ("Transfer-Encoding and Content-Length",
     post(b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n"), 400, "bad_request"),
    ("bare LF line ends throughout", b"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bad_request"),
    ("a bare LF after the request line", b"GET /healthz HTTP/1.1\nHost: x\r\n\r\n", 400, "bad_request"),
    ("a bare LF ending a field line", get(b"X-A: b\nX-B: c\r\n"), 400, "bad_request"),
    ("an obs-fold (space)", get(b"X-A: b\r\n c\r\n"), 400, "bad_request"),
    ("an obs-fold (tab)", get(b"X-A: b\r\n\tc\r\n"), 400, "bad_request"),
    ("a space inside a header name", get(b"X A: b\r\n"), 400, "bad_request"),
    ("a space before the colon", get(b"X-A : b\r\n"), 400, "bad_request"),
    ("a NUL in a field value", get(b"X-A: b\x00c\r\n"), 400, "bad_request"),
    ("a lone CR in a field value", get(b"X-A: b\rc\r\n"), 400, "bad_request"),
    ("Content-Length not a number", post(b"Content-Length: abc\r\n"), 400, "bad_request"),
    ("Content-Length negative", post(b"Content-Length: -5\r\n"), 400, "bad_request"),
    ("Content-Length with a sign", post(b"Content-Length: +5\r\n"), 400, "bad_request"),
    ("Content-Length twice, differing", post(b"Content-Length: 5\r\nContent-Length: 6\r\n"), 400, "bad_request"),
    ("Content-Length list, differing", post(b"Content-Length: 5, 6\r\n"), 400, "bad_request"),
    ("Transfer-Encoding alone", post(b"Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n\r\n"),
     411, "length_required"),
]


def read_replies(port, data, timeout=3.0):
    """Sends DATA in one write; the replies read until TIMEOUT passes with no new one
    (or the connection ends)."""
    with W.Conn(port, timeout=timeout) as c:
        c.send(data)
        replies = []
        while True:
            r = c.read_response(timeout)
            if r is None:
                return replies
            replies.append(r)


def is_openapi(reply):
    return reply is not None and b'"openapi"' in reply[2]


POST_HEAD = b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
# Where the hidden request starts: (counted from, byte offset). Byte 4096 of
# the body, and of the write at the read-buffer sizes servers use (the old
# server answered the one at byte 4096 of the write).
HIDDEN_AT = [("body", 4096), ("write", 4096), ("write", 8192), ("write", 16384)]


def hidden_request_bytes(counted_from, offset):
    """GET /healthz and POST /v1/assess in one write, HIDDEN inside the POST's body
    (in a JSON string) at OFFSET counted from the start of the body or the write."""
    prefix = b'{"findings": {"age_years": 40}, "ref": "'
    pad = offset
    for _ in range(4):  # the Content-Length's digits move the write's offsets
        body = prefix + b"a" * pad + HIDDEN + b'"}'
        data = W.HEALTHZ + POST_HEAD % len(body) + body
        at = body.index(HIDDEN) if counted_from == "body" else data.index(HIDDEN)
        if at == offset:
            return data
        pad += offset - at
    raise AssertionError(f"cannot place the hidden request at {counted_from} byte {offset}")


def hidden_request(port, counted_from, offset):
    return read_replies(port, hidden_request_bytes(counted_from, offset))


def check_hidden(counted_from, offset, replies):
    what = f"GET /healthz + POST /v1/assess hiding a request at {counted_from} byte {offset}"
    W.log(f"  figure: {what}: {len(replies)} replies: " + ", ".join(W.describe(r, 60) for r in replies))
    W.check(not any(is_openapi(r) for r in replies), f"{what}: the hidden request is never answered",
            "the OpenAPI document came back")
    W.check(len(replies) == 2, f"{what}: exactly 2 replies", f"{len(replies)}")
    W.check(len(replies) >= 1 and replies[0][0] == 200 and b'"status"' in replies[0][2],
            f"{what}: the first reply is /healthz's 200", W.describe(replies[0] if replies else None))
    second = replies[1] if len(replies) >= 2 else None
    posts_reply = second is not None and not is_openapi(second) and (
        (second[0] == 400 and W.error_code(second[2]) == "bad_request") or
        (second[0] == 200 and b'"disposition"' in second[2]))
    W.check(posts_reply, f"{what}: the second reply is the POST's (400 bad_request or an assessment)",
            W.describe(second))


def main():
    binary = W.begin(NAME, __doc__, 60)
    s = W.start_server(NAME, binary)
    calls = {"control": lambda: read_replies(s.port, get(b"") + FOLLOW_UP)}
    for where in HIDDEN_AT:
        calls[where] = (lambda w: lambda: hidden_request(s.port, *w))(where)
    for what, data, _, _ in FRAMING_CASES:
        calls[what] = (lambda d: lambda: W.exchange_to_close(s.port, d + FOLLOW_UP))(data)
    results = W.in_parallel(calls)

    for where in HIDDEN_AT:
        check_hidden(*where, results.get(where) or [])
    control = results.get("control") or []
    W.check(len(control) == 2 and control[0][0] == 200 and is_openapi(control[1]),
            "control: GET /healthz and GET /v1/openapi.json in one write -> both answered, in order",
            f"{len(control)} replies: " + ", ".join(W.describe(r, 60) for r in control))
    for what, _, status, code in FRAMING_CASES:
        W.check_error_and_close(what, results.get(what) or (None, False, b""), status, code)
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
