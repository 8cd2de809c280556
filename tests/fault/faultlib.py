"""What the fault tests (tests/fault/*.py, ctest label "hardening") share.

Contract:
  - Checks: check(cond, what) records and prints each check; finish() prints
    the tally and returns the exit status (0 only if every check held and at
    least one ran). A check that cannot run is a failure, never a silent skip.
  - Cleanup: every child process (Server, run_cli, adopt()), every mount
    (mount()) and every function given to at_cleanup() is registered and
    undone by cleanup(), which runs at exit and on SIGTERM, SIGINT and
    SIGHUP, also when a test fails half-way: those functions run, servers
    are killed,
    mounts lazily unmounted, loop devices released.
  - HTTP: http() never raises; it returns (status, body as parsed JSON or
    text, seconds), status 0 for a connection error or timeout.
Python 3 standard library only.
"""

import atexit
import ctypes
import http.client as httpclient
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

_servers = []
_mounts = []          # mount points, most recent last
_temp_dirs = []
_cleanups = []        # functions for cleanup() to run first
_results = {"held": 0, "failed": 0}


def log(msg):
    print(msg, flush=True)


def check(cond, what, detail=""):
    if cond:
        _results["held"] += 1
        log(f"  ok    {what}")
    else:
        _results["failed"] += 1
        log(f"  FAIL  {what}" + (f"\n        {detail}" if detail else ""))
    return bool(cond)


def finish(name):
    held, failed = _results["held"], _results["failed"]
    log(f"{name}: {held} checks held, {failed} did not")
    return 0 if failed == 0 and held > 0 else 1


# --- cleanup -------------------------------------------------------------

def at_cleanup(fn):
    """Runs FN first in cleanup(), e.g. to resume processes a test has stopped."""
    _cleanups.append(fn)


def cleanup():
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception as e:  # noqa: BLE001 (cleanup goes on)
            log(f"cleanup: {type(e).__name__}: {e}")
    for s in list(_servers):
        s.kill()
    for m in reversed(list(_mounts)):
        subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
        _mounts.remove(m)
    for d in _temp_dirs:
        subprocess.run(["rm", "-rf", "--one-file-system", d], stderr=subprocess.DEVNULL)
    _temp_dirs.clear()


def _on_signal(signum, _frame):
    log(f"signal {signum}: cleaning up")
    cleanup()
    os._exit(128 + signum)


atexit.register(cleanup)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def temp_dir(prefix):
    """A new directory under $TMPDIR; first undoes what an earlier run with
    the same prefix left behind when it was killed (SIGKILL, e.g. a ctest
    timeout, skips cleanup): its mounts are unmounted and it is removed."""
    base = tempfile.gettempdir()
    for name in os.listdir(base):
        old = os.path.join(base, name)
        if not name.startswith(prefix) or not os.path.isdir(old):
            continue
        try:
            with open(os.path.join(old, "owner.pid")) as f:
                owner = int(f.read())
        except (OSError, ValueError):
            continue
        if os.path.exists(f"/proc/{owner}"):
            continue  # still running
        with open("/proc/mounts") as f:
            points = [line.split()[1] for line in f if line.split()[1].startswith(old + "/")]
        for point in sorted(points, reverse=True):
            subprocess.run(["umount", "-l", point], stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", "--one-file-system", old], stderr=subprocess.DEVNULL)
        log(f"removed {old}, left by a run that was killed")
    d = tempfile.mkdtemp(prefix=prefix)
    with open(os.path.join(d, "owner.pid"), "w") as f:
        f.write(str(os.getpid()))
    _temp_dirs.append(d)
    return d


_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def with_parent_death_signal(preexec):
    """A preexec_fn that also has the child killed when this script dies."""
    def run():
        if preexec:
            preexec()
        # After preexec: a change of user clears the parent-death signal.
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    return run


def sh(args, **kw):
    """Runs a command; returns CompletedProcess with text output."""
    return subprocess.run(args, capture_output=True, text=True, **kw)


def mount(args, point):
    """`mount ARGS POINT`; registers POINT for cleanup. Returns '' or the error."""
    r = sh(["mount"] + args + [point])
    if r.returncode != 0:
        return (r.stderr or r.stdout).strip() or f"mount exited {r.returncode}"
    _mounts.append(point)
    return ""


def umount(point):
    r = sh(["umount", point])
    if r.returncode == 0 and point in _mounts:
        _mounts.remove(point)
    return r


def remount(point, mode):
    """Remounts POINT "ro" or "rw"; returns '' or the error (e.g. busy)."""
    r = sh(["mount", "-o", f"remount,{mode}", point])
    return "" if r.returncode == 0 else (r.stderr.strip().splitlines() or ["?"])[0]


# --- the database ------------------------------------------------------------

def db_state(path):
    """(integrity_check result, {episode id: [seq, ...]}) of a SQLite file."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        integrity = ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        seqs = {}
        for episode, seq in conn.execute("SELECT episode_id, seq FROM checkins ORDER BY episode_id, seq"):
            seqs.setdefault(episode, []).append(seq)
        for (episode,) in conn.execute("SELECT id FROM episodes"):
            seqs.setdefault(episode, [])
        return integrity, seqs
    finally:
        conn.close()


def fill_disk(directory, leave_bytes):
    """Fills the file system of DIRECTORY, then frees LEAVE_BYTES. Returns the filler's path."""
    path = os.path.join(directory, "filler")
    chunk = b"\0" * 65536
    with open(path, "wb") as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError:
            pass
    size = os.path.getsize(path)
    os.truncate(path, max(0, size - leave_bytes))
    return path


def free_bytes(directory):
    st = os.statvfs(directory)
    return st.f_bavail * st.f_frsize


# --- processes ----------------------------------------------------------------

def adopt(child):
    """Registers a child this module did not start (an object with kill())
    for cleanup(), like the servers it starts."""
    _servers.append(child)


def run_cli(binary, args, timeout=30, preexec=None, stdin=None):
    """Runs the CLI; returns (exit status, stdout, stderr)."""
    try:
        r = subprocess.run([binary] + args, capture_output=True, text=True, timeout=timeout,
                           preexec_fn=with_parent_death_signal(preexec), stdin=stdin if stdin is not None else subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"


class Server:
    """A `norotriage serve --port 0` child. start() returns '' or what went wrong."""

    def __init__(self, binary, db, log_path, preexec=None, env=None, extra_args=()):
        self.binary, self.db, self.log_path = binary, db, log_path
        self.preexec, self.env, self.extra_args = preexec, env, list(extra_args)
        self.proc, self.port = None, 0

    def start(self, timeout=15):
        self.logf = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", "0", "--db", self.db] + self.extra_args, stdout=subprocess.PIPE,
            stderr=self.logf, stdin=subprocess.DEVNULL, preexec_fn=with_parent_death_signal(self.preexec),
            env=self.env)
        _servers.append(self)
        # The first line: "norotriage listening on http://127.0.0.1:PORT"
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        line = ""
        while "\n" not in line:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], min(left, 0.2))
            if not ready:
                continue
            chunk = os.read(fd, 256)
            if not chunk:
                self.proc.wait(5)
                return f"exited with status {self.proc.returncode} before listening"
            line += chunk.decode("utf-8", "replace")
        prefix = "norotriage listening on http://127.0.0.1:"
        if not line.startswith(prefix):
            return f"no 'listening' line in {timeout} s (got {line!r})"
        self.port = int(line[len(prefix):].split("\n")[0].strip().rstrip("/"))
        return ""

    def log_text(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after TIMEOUT. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self in _servers:
            _servers.remove(self)
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self in _servers:
            _servers.remove(self)

    def http(self, method, path, body=None, token=None, timeout=10):
        return http(self.port, method, path, body, token, timeout)


def http(port, method, path, body=None, token=None, timeout=10):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body) if isinstance(body, (dict, list)) else body
    start = time.monotonic()
    try:
        conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        status = r.status
        conn.close()
    except (OSError, httpclient.HTTPException) as e:
        return 0, f"{type(e).__name__}: {e}", time.monotonic() - start
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text
    return status, parsed, time.monotonic() - start


def error_message(body):
    """The message of a JSON error reply ({"error": {"code", "message"}}), or ''."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", ""))
    return ""


def is_json_error(body):
    return bool(error_message(body)) and isinstance(body["error"].get("code"), str)


def fail_and_exit(name, why):
    check(False, why)
    sys.exit(finish(name))
