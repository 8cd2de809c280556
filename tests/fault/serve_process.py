# Shared by the load and kill tests (tests/fault/load_test.py, kill_test.py):
# a `norotriage serve` child process that can be restarted on a given port,
# small HTTP helpers, and cleanup. (faultlib.py's Server always takes port 0
# and sets the parent-death signal in a preexec_fn, which is not safe while
# the kill test's client threads run; setpriv does it here without one.)
#
# Contract: every child started here dies with this Python process (it runs
# under `setpriv --pdeathsig KILL`, and Cleanup() kills what is left on any
# exit, SIGTERM or SIGINT included), so a failing or killed test leaves no
# server behind. Python standard library only.
import atexit
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time

_children = []  # Popen objects still to be reaped at exit


def Log(text):
    print(text, flush=True)


def Fail(text):
    Log("FAIL: " + text)
    sys.exit(1)


def Spawn(argv, **kwargs):
    """Starts argv so that it dies with this process; returns the Popen."""
    p = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", "--"] + list(argv), **kwargs)
    _children.append(p)
    return p


def Cleanup():
    for p in _children:
        if p.poll() is None:
            try:
                p.kill()
            except OSError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    _children.clear()


def _OnSignal(sig, _frame):
    Cleanup()
    os._exit(128 + sig)


atexit.register(Cleanup)
signal.signal(signal.SIGTERM, _OnSignal)
signal.signal(signal.SIGINT, _OnSignal)


class Server:
    """One `norotriage serve --db <db>` process."""

    PREFIX = "norotriage listening on http://127.0.0.1:"

    def __init__(self, binary, db, log_path, extra_args=()):
        self.binary = binary
        self.db = db
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = 0

    def Start(self, port=0, timeout=15.0):
        """Starts the server on `port` (0: any); returns "" or what went wrong."""
        log = open(self.log_path, "ab")
        env = dict(os.environ)
        env.pop("NOROTRIAGE_TESTING", None)  # the product as deployed: no test hooks
        self.proc = Spawn([self.binary, "serve", "--port", str(port), "--db", self.db] + self.extra_args,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env)
        log.close()
        line = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in line:
            left = deadline - time.monotonic()
            if left <= 0:
                return "no 'listening' line within %.0f s" % timeout
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 256)
            if not chunk:
                return "the server exited (status %s) before listening" % self.proc.wait()
            line += chunk
        first = line.split(b"\n", 1)[0].decode()
        if not first.startswith(self.PREFIX):
            return "unexpected first line: " + first
        self.port = int(first[len(self.PREFIX):].split("/")[0])
        return ""

    @property
    def pid(self):
        return self.proc.pid

    def Alive(self):
        return self.proc is not None and self.proc.poll() is None

    def Signal(self, sig):
        if self.Alive():
            os.kill(self.proc.pid, sig)

    def Wait(self, timeout):
        """The exit status (negative: killed by that signal), or None on timeout."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.proc.stdout.close()
        return status

    def LogTail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""


def Request(port, method, path, body=None, token=None, timeout=10.0):
    """One request on a new connection: (status, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        if not isinstance(body, str):
            body = json.dumps(body)
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


def NewEpisode(port, body):
    status, text = Request(port, "POST", "/v1/episodes", body)
    if status != 201:
        Fail("POST /v1/episodes: %d %s" % (status, text[:300]))
    e = json.loads(text)
    return e["id"], e["token"]


def VmRssKiB(pid):
    """The process's resident set size in KiB, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
