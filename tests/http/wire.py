"""What the HTTP attack tests (tests/http/*_test.py, ctest label "http") share.

Contract:
  - Checks and tallies are faultlib's (tests/fault/faultlib.py): check(cond,
    what, detail) prints each check, finish(name) the tally and the exit
    status. A check that cannot run is a failure, never a silent skip.
  - Cleanup: every server is a faultlib.Server (killed at exit, on SIGTERM,
    SIGINT and SIGHUP, and with this process: parent-death signal); every
    script arms an overall alarm (arm_alarm) that fails it and kills its
    children if it hangs; every socket here has a timeout.
  - Raw HTTP: bytes go out as written (the attacks need malformed framing);
    replies are read with a deadline and split by Content-Length.
Python 3 standard library only.
"""

import argparse
import json
import mmap
import os
import resource
import select
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fault"))
import faultlib as F  # noqa: E402

log, check, finish = F.log, F.check, F.finish

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

# A small valid assessment (tests/server_test.cc kSelfCareRequest).
ASSESS_BODY = json.dumps({"ref": "http-attack-ref", "findings": {
    "age_years": 34, "weight_kg": 70, "days_since_onset": 1, "gi_ongoing": True, "vomits_24h": 5,
    "keeps_fluids_down": True, "back_pain": True, "back_pain_site": "lower", "back_pain_days": 1,
    "back_pain_began_with_vomiting": True, "saddle_numbness": False}})


def arm_alarm(name, seconds):
    """Fails the script (exit 1, children killed) if it still runs after SECONDS."""
    def on_alarm(_sig, _frame):
        log(f"  FAIL  {name}: still running after {seconds} s (overall alarm); stopped")
        F.cleanup()
        os._exit(1)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)


def begin(name, doc, alarm_s, many_sockets=False):
    """What each script does first: parses its command line (--binary PATH; DOC's
    first line describes it), arms the overall alarm, and with MANY_SOCKETS raises
    RLIMIT_NOFILE. Returns the binary's path."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--binary", required=True, help="the built norotriage")
    binary = ap.parse_args().binary
    arm_alarm(name, alarm_s)
    if many_sockets:
        raise_nofile()
    return binary


def end(name, server):
    """What each script does last: checks the server is still running; the exit status."""
    check(server.alive(), "the server is still running", server.log_text()[-1000:])
    return finish(name)


def raise_nofile():
    """Raises this process's open-file soft limit to its hard limit; returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def start_server(name, binary, extra_args=(), db=None):
    """A `serve --port 0 --db <db>` child with NOROTRIAGE_TESTING=1 (test hooks on);
    a fresh SQLite file when DB is None. Fails the script if it does not start."""
    root = F.temp_dir(f"norotriage-{name}-")
    env = dict(os.environ, NOROTRIAGE_TESTING="1")
    s = F.Server(binary, db or os.path.join(root, "episodes.db"), os.path.join(root, "serve.log"),
                 env=env, extra_args=extra_args)
    err = s.start()
    if err:
        F.fail_and_exit(name, f"the server starts (serve {' '.join(extra_args)}): {err}\n{s.log_text()[-2000:]}")
    log(f"{name}: serve {' '.join(extra_args)} on port {s.port}".replace("  ", " "))
    return s


def sanitized(binary):
    """True when BINARY was built with AddressSanitizer or ThreadSanitizer (it calls
    the runtime's init, linked in or not): RSS then says nothing about memory given back (freed
    memory sits in a quarantine; shadow memory grows)."""
    with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"__asan_init") >= 0 or m.find(b"__tsan_init") >= 0


def vm_rss_kib(pid):
    """VmRSS of PID in KiB, or 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def median(values):
    v = sorted(values)
    if not v:
        return float("nan")
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def connect(port, timeout=5.0):
    """A new connection to 127.0.0.1:PORT whose every operation times out after TIMEOUT."""
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def send(sock, data):
    """Sends all of DATA; '' or the error (the server may close before it has read all)."""
    try:
        sock.sendall(data)
        return ""
    except OSError as e:
        return f"{type(e).__name__}: {e}"


def wait_readable(sock, seconds):
    """True when SOCK has bytes or an EOF to read within SECONDS (poll: any fd number)."""
    p = select.poll()
    p.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(p.poll(max(0, seconds) * 1000))


class Conn:
    """One raw connection and what it has read: responses split by Content-Length."""

    def __init__(self, port, timeout=5.0, sock=None):
        self.sock = sock or connect(port, timeout)
        self.buf = b""
        self.eof = False
        self.error = ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        return send(self.sock, data)

    def _fill(self, deadline):
        """Reads once before DEADLINE; False on EOF, error or time out."""
        if self.eof or not wait_readable(self.sock, deadline - time.monotonic()):
            return False
        try:
            chunk = self.sock.recv(65536)
        except OSError as e:  # a reset counts as the end of the connection
            self.error = f"{type(e).__name__}: {e}"
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def read_response(self, timeout):
        """The next response (status, headers with lower-case names, body bytes), or
        None if the connection ends or TIMEOUT passes first."""
        deadline = time.monotonic() + timeout
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode("latin-1").split("\r\n")
                try:
                    status = int(head[0].split()[1])
                except (IndexError, ValueError):
                    status = -1
                headers = {}
                for line in head[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                if len(self.buf) >= end + 4 + length:
                    body = self.buf[end + 4:end + 4 + length]
                    self.buf = self.buf[end + 4 + length:]
                    return status, headers, body
            if not self._fill(deadline):
                return None

    def read_to_eof(self, timeout):
        """Reads until the peer closes or TIMEOUT passes; True on EOF. What was read
        stays in self.buf."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._fill(deadline)
        return self.eof

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def error_code(body):
    """The code of a JSON error body {"error": {"code", "message"}}, or None."""
    try:
        j = json.loads(body)
    except (ValueError, TypeError):
        return None
    e = j.get("error") if isinstance(j, dict) else None
    if isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str):
        return e["code"]
    return None


def describe(response, limit=200):
    if response is None:
        return "no reply"
    status, _, body = response
    return f"{status} {body[:limit]!r}"


def exchange_to_close(port, data, reply_timeout=3.0, eof_timeout=3.0):
    """Sends DATA on a new connection; returns (first reply or None, whether the
    server closed the connection within EOF_TIMEOUT after it, the bytes that
    followed the reply)."""
    with Conn(port, timeout=reply_timeout) as c:
        c.send(data)
        reply = c.read_response(reply_timeout)
        eof = c.read_to_eof(eof_timeout)
        return reply, eof, c.buf


def check_error_and_close(what, outcome, status, code, reply_timeout=3.0, eof_timeout=3.0):
    """Checks an exchange_to_close OUTCOME: the reply is STATUS with the JSON error
    CODE, then the connection is closed with nothing more sent."""
    reply, eof, rest = outcome
    late = f"; then, later: {rest[:160]!r}" if rest else ""
    check(reply is not None and reply[0] == status and error_code(reply[2]) == code,
          f"{what} -> {status} {code} (JSON error)",
          f"got {describe(reply)}" if reply else f"no reply within {reply_timeout:.0f} s{late}")
    if reply is None:
        check(False, f"{what}: closed after the reply, and nothing follows it", "no reply")
        return
    check(eof, f"{what}: the server closes the connection after the reply",
          f"still open {eof_timeout:.0f} s after the reply")
    check(rest == b"", f"{what}: nothing follows the reply (no later request is answered)", f"{rest[:200]!r}")


def in_parallel(calls):
    """Runs each of CALLS (a dict of zero-argument functions) in its own thread;
    returns {key: result} (None for one that raised or did not end)."""
    results = {}

    def run(key, call):
        try:
            results[key] = call()
        except Exception as e:  # noqa: BLE001 (reported as a failed check by the caller)
            log(f"  {key}: {type(e).__name__}: {e}")
    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def ordinary_requests(port, label, count=20, parallel=4, limit_s=1.0):
    """COUNT ordinary requests on fresh connections, PARALLEL at a time, alternately
    GET /healthz and POST /v1/assess; checks that each answers 200 within LIMIT_S
    (each is given a little longer, to show how late it was). Returns the times."""
    rows = [None] * count

    def one(i):
        if i % 2 == 0:
            rows[i] = ("GET /healthz",) + F.http(port, "GET", "/healthz", timeout=limit_s + 0.5)
        else:
            rows[i] = ("POST /v1/assess",) + F.http(port, "POST", "/v1/assess", ASSESS_BODY, timeout=limit_s + 0.5)

    def worker(k):
        for i in range(k, count, parallel):
            one(i)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(count * (limit_s + 2))
    times = [r[3] for r in rows if r is not None]
    in_time = sum(1 for r in rows if r is not None and r[1] == 200 and r[3] <= limit_s)
    log(f"  figure: {label}: {in_time}/{count} ordinary requests answered 200 within {limit_s:.1f} s; "
        f"median {median(times) * 1000:.1f} ms, slowest {max(times or [0]) * 1000:.1f} ms")
    for what, status, body, secs in (r for r in rows if r is not None):
        if status != 200 or secs > limit_s:
            log(f"    {what}: status {status} after {secs * 1000:.0f} ms {str(body)[:120]}")
    check(in_time == count, f"{label}: each of {count} ordinary requests (/healthz, /v1/assess) answers 200 within "
          f"{limit_s:.0f} s", f"{count - in_time} did not")
    return times
