#!/usr/bin/env python3
"""Fault test: the SQLite store read-only or on a full disk (ctest: fault_sqlite).

  sqlite_faults.py --binary PATH/norotriage [--mechanism auto|mount|fallback]

What it does, each case on a file system of its own:
  cli-readonly    `episode new/checkin --db FILE` while the file system is
                  read-only: one "error: ..." line saying so, a non-zero exit;
                  writable again, the next check-in succeeds.
  cli-diskfull    check-ins on a nearly full file system until one fails:
                  one "error: ..." line saying the disk is full; space freed,
                  the next check-in succeeds.
  server-readonly-at-start   `serve` on a read-only database: either a clear
                  refusal to start, or it serves assessments and answers the
                  episode endpoints with a JSON 503.
  server-readonly-after-start  the file system turns read-only under a
                  running server: check-ins get a JSON 503/507 (never 500),
                  reads and assessments go on, the server does not crash.
  server-diskfull the disk fills during check-ins over HTTP: a JSON 503/507
                  (never 500), reads and assessments go on; space freed, the
                  next check-in gets 201.
  fresh-db-on-full-disk  `episode new` and `serve` with a new database on a
                  full disk: a clear error; space freed, both work.
After each case: PRAGMA integrity_check is "ok" and every acknowledged
check-in is in the file, and none that was refused.

Mechanisms (printed): "mount" (root with CAP_SYS_ADMIN): tmpfs of 2 MiB,
read-only by `mount -o remount,ro`; read-only under a running server by an
ext4 file system on a loop device that the kernel remounts read-only on an
error (/sys/fs/ext4/<dev>/trigger_fs_error, errors=remount-ro), as a failing
disk does; a plain remount is refused while the server has files open for
writing. "fallback" (no mount permission): disk full by RLIMIT_FSIZE in the
child (SIGXFSZ ignored), read-only by running the child as user nobody on a
file and directory without write permission.
"""

import argparse
import json
import os
import pwd
import resource
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402

NAME = "fault_sqlite"
ONSET, DATE, TODAY = "2025-01-10", "2025-01-11", "2025-01-20"
FINDINGS = {"age_years": 40, "weight_kg": 70, "back_pain": True, "back_pain_score": 5,
            "vomits_24h": 3, "stools_24h": 2, "keeps_fluids_down": True, "temperature_c": 37.8}
ERROR_STATUSES = (503, 507)


class Env:
    """Where each case's files live, and how faults are made."""

    def __init__(self, binary, mechanism, root, request_file):
        self.binary, self.mechanism, self.root = binary, mechanism, root
        self.request_file = request_file
        self.nobody = pwd.getpwnam("nobody") if mechanism == "fallback" else None

    # A directory for one case: a 2 MiB tmpfs, or a plain directory.
    def case_dir(self, name):
        d = os.path.join(self.root, name)
        os.makedirs(d)
        if self.mechanism == "mount":
            err = F.mount(["-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs"], d)
            if err:
                F.fail_and_exit(NAME, f"mount a tmpfs on {d}: {err}")
        elif self.nobody:
            os.chown(d, self.nobody.pw_uid, self.nobody.pw_gid)
        return d

    def preexec(self, fsize=None):
        """The child's set-up: an RLIMIT_FSIZE if `fsize`, else as nobody in
        fallback mode (a disk-full child stays root: raising the limit of a
        running child of another user needs CAP_SYS_RESOURCE)."""
        nobody = self.nobody if fsize is None else None

        def run():
            if fsize is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.RLIM_INFINITY))
            if nobody:
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
        return run

    def cli(self, db, args, fsize=None):
        return F.run_cli(self.binary, ["episode", "--db", db, "--today", TODAY] + args,
                         preexec=self.preexec(fsize))

    # Read-only: remount, or take the write permission away (from nobody).
    def make_readonly(self, d):
        if self.mechanism == "mount":
            return F.remount(d, "ro")
        for p in [d] + [os.path.join(d, f) for f in os.listdir(d)]:
            os.chmod(p, 0o555 if os.path.isdir(p) else 0o444)
        return ""

    def make_writable(self, d):
        if self.mechanism == "mount":
            return F.remount(d, "rw")
        for p in [d] + [os.path.join(d, f) for f in os.listdir(d)]:
            os.chmod(p, 0o755 if os.path.isdir(p) else 0o600)
        return ""


def one_error_line(stderr):
    lines = [l for l in stderr.splitlines() if l.strip()]
    return len(lines) == 1 and lines[0].startswith("error: ")


def check_file(db, expected, label):
    """integrity ok; exactly the acknowledged check-ins (episode -> count) are stored."""
    try:
        integrity, seqs = F.db_state(db)
    except Exception as e:  # noqa: BLE001 - any failure to read is a failed check
        F.check(False, f"{label}: the database can be read", repr(e))
        return
    F.check(integrity == "ok", f"{label}: PRAGMA integrity_check is ok", integrity)
    for episode, count in expected.items():
        got = seqs.get(episode)
        F.check(got == list(range(1, count + 1)),
                f"{label}: the {count} acknowledged check-ins of the episode are stored, and no others",
                f"stored seqs: {got}")


def new_episode_cli(env, db, fsize=None):
    code, out, err = env.cli(db, ["new", "--onset", ONSET, env.request_file], fsize)
    return out.strip() if code == 0 else None, code, err


def checkin_cli(env, db, episode, fsize=None):
    code, out, err = env.cli(db, ["checkin", episode, env.request_file, "--date", DATE, "--same-day", "add", "--json"], fsize)
    seq = None
    if code == 0:
        try:
            seq = json.loads(out)["seq"]
        except (ValueError, KeyError):
            pass
    return code, seq, err


# --- cases ------------------------------------------------------------------

def cli_readonly(env):
    F.log("\n== cli-readonly: `episode new/checkin --db FILE` on a read-only database")
    d = env.case_dir("case1")
    db = os.path.join(d, "episodes.db")
    episode, code, err = new_episode_cli(env, db)
    if not F.check(episode, "episode new on a writable database", err):
        return
    acked = 0
    for _ in range(3):
        code, seq, err = checkin_cli(env, db, episode)
        if F.check(code == 0 and seq == acked + 1, f"check-in {acked + 1} acknowledged", err):
            acked += 1
    err = env.make_readonly(d)
    if not F.check(err == "", "the database made read-only", err):
        return
    for what, args in (("checkin", ["checkin", episode, env.request_file, "--date", DATE, "--same-day", "add"]),
                       ("new", ["new", "--onset", ONSET, env.request_file])):
        code, out, stderr = env.cli(db, args)
        F.log(f"  figure: read-only `episode {what}` -> exit {code}, stderr {stderr.strip()!r}")
        F.check(code not in (0, None), f"read-only `episode {what}` exits non-zero")
        F.check(one_error_line(stderr), f"read-only `episode {what}` prints one 'error: ' line", stderr)
        msg = stderr.replace(db, "DB").lower()
        F.check("read-only" in msg or "readonly" in msg
                or (env.mechanism == "fallback" and "permission denied" in msg),
                f"read-only `episode {what}`: the error says the database is read-only", stderr)
    err = env.make_writable(d)
    F.check(err == "", "the database made writable again", err)
    code, seq, err = checkin_cli(env, db, episode)
    if F.check(code == 0 and seq == acked + 1, "writable again: the next check-in succeeds", err):
        acked += 1
    check_file(db, {episode: acked}, "cli-readonly")


def cli_diskfull(env):
    F.log("\n== cli-diskfull: `episode checkin` until the disk is full")
    d = env.case_dir("case2")
    db = os.path.join(d, "episodes.db")
    episode, code, err = new_episode_cli(env, db)
    if not F.check(episode, "episode new", err):
        return
    fsize, filler = None, None
    if env.mechanism == "mount":
        filler = F.fill_disk(d, 96 * 1024)
        F.log(f"  figure: filled the 2 MiB tmpfs, {F.free_bytes(d)} bytes left")
    else:
        # Each file may grow 96 KiB beyond the database's size now.
        fsize = os.path.getsize(db) + 96 * 1024
        F.log(f"  figure: RLIMIT_FSIZE {fsize} bytes in the child")
    acked, failure = 0, None
    for _ in range(400):
        code, seq, err = checkin_cli(env, db, episode, fsize)
        if code != 0:
            failure = (code, err)
            break
        if not F.check(seq == acked + 1, f"check-in {acked + 1} has seq {acked + 1}", f"seq {seq}"):
            break
        acked += 1
    F.log(f"  figure: {acked} check-ins acknowledged before the first failure")
    if not F.check(failure is not None, "a check-in fails once the disk is full"):
        return
    code, err = failure
    F.log(f"  figure: disk full `episode checkin` -> exit {code}, stderr {err.strip()!r}")
    F.check(code not in (0, None), "disk full: non-zero exit")
    F.check(one_error_line(err), "disk full: one 'error: ' line", err)
    msg = err.replace(db, "DB").lower()
    if env.mechanism == "mount":
        F.check("disk is full" in msg, "disk full: the error says the disk is full", err)
    else:  # SQLite reports EFBIG (RLIMIT_FSIZE) as an I/O error, not as a full disk
        F.check("full" in msg or "i/o error" in msg, "file size limit: the error says full or I/O error", err)
    if filler:
        os.remove(filler)
    code, seq, err = checkin_cli(env, db, episode)
    if F.check(code == 0 and seq == acked + 1, "space freed: the next check-in succeeds", err):
        acked += 1
    check_file(db, {episode: acked}, "cli-diskfull")


def start_server(env, db, name, fsize=None):
    s = F.Server(env.binary, db, os.path.join(env.root, name + ".log"), preexec=env.preexec(fsize))
    return s, s.start()


def http_episode(s):
    st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET, "findings": {"age_years": 40, "weight_kg": 70}})
    if st == 201 and isinstance(body, dict):
        return body.get("id"), body.get("token"), st
    return None, None, st


def http_checkin(s, episode, token):
    return s.http("POST", f"/v1/episodes/{episode}/checkins", {"date": DATE, "findings": FINDINGS, "same_day": "add"}, token)


def check_reads_and_assess(s, episode, token, acked, label):
    st, body, secs = s.http("GET", f"/v1/episodes/{episode}", token=token)
    n = len(body.get("checkins", [])) if isinstance(body, dict) else None
    F.check(st == 200 and n == acked, f"{label}: GET the episode -> 200 with the {acked} acknowledged check-ins",
            f"status {st}, {n} check-ins, {str(body)[:200]}")
    st, body, secs = s.http("POST", "/v1/assess", {"findings": FINDINGS})
    F.check(st == 200, f"{label}: POST /v1/assess -> 200", f"status {st}: {str(body)[:200]}")


def failed_writes(s, episode, token, label, tries=3):
    """POSTs check-ins that must fail; checks each reply; returns the statuses."""
    statuses = []
    for i in range(tries):
        st, body, secs = http_checkin(s, episode, token)
        statuses.append(st)
        F.log(f"  figure: {label} check-in -> {st} in {secs * 1000:.0f} ms: {error_message_or_body(body)}")
        F.check(st in ERROR_STATUSES and F.is_json_error(body),
                f"{label}: check-in answered 503/507 with a JSON error message (never 500)",
                f"status {st}: {str(body)[:300]}")
    return statuses


def log_tail(s, label, n=3):
    """The server log's last N lines, as a figure: what an operator would see."""
    lines = [l for l in s.log_text().splitlines() if l.strip()][-n:]
    F.log(f"  figure: {label}: the server log's last {len(lines)} lines:")
    for l in lines:
        F.log(f"          {l[:300]}")


def error_message_or_body(body):
    return F.error_message(body) or str(body)[:200]


def server_readonly_at_start(env):
    F.log("\n== server-readonly-at-start: `serve --db FILE` on a read-only database")
    d = env.case_dir("case3")
    db = os.path.join(d, "episodes.db")
    episode, code, err = new_episode_cli(env, db)
    if not F.check(episode, "episode new (CLI) before", err):
        return
    acked = 0
    code, seq, err = checkin_cli(env, db, episode)
    if F.check(code == 0, "check-in 1 acknowledged (CLI)", err):
        acked += 1
    err = env.make_readonly(d)
    if not F.check(err == "", "the database made read-only", err):
        return
    s, err = start_server(env, db, "srv-ro-start")
    if err:
        log = s.log_text().strip().replace(db, "DB")
        F.log(f"  figure: the server refused to start: {err}; log: {log!r}")
        F.check(s.proc.returncode not in (0, None), "the server refused with a non-zero exit", err)
        F.check("read-only" in log.lower() or "readonly" in log.lower()
                or (env.mechanism == "fallback" and "permission denied" in log.lower()),
                "its message says the database is read-only", log)
    else:
        F.log("  figure: the server started on the read-only database")
        st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET})
        F.log(f"  figure: POST /v1/episodes -> {st}: {error_message_or_body(body)}")
        F.check(st in ERROR_STATUSES and F.is_json_error(body), "POST /v1/episodes -> 503/507 JSON error",
                str(body)[:300])
        st, body, _ = s.http("POST", "/v1/assess", {"findings": FINDINGS})
        F.check(st == 200, "POST /v1/assess -> 200", str(body)[:200])
        s.stop()
    err = env.make_writable(d)
    F.check(err == "", "the database made writable again", err)
    s, err = start_server(env, db, "srv-ro-start-2")
    if F.check(err == "", "writable again: the server starts", err + s.log_text()):
        st, body, _ = s.http("GET", "/healthz")
        F.check(st == 200, "GET /healthz -> 200", str(body)[:200])
        s.stop()
    check_file(db, {episode: acked}, "server-readonly-at-start")


def ext4_readonly_device(env):
    """An ext4 file system on a loop device, for read-only under a running
    server. Returns (mount point, image, sysfs trigger) or None with a reason."""
    if not shutil.which("mkfs.ext4"):
        return None, "mkfs.ext4 is not installed (Debian package e2fsprogs)"
    img = os.path.join(env.root, "ext4.img")
    with open(img, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    r = F.sh(["mkfs.ext4", "-q", "-F", "-O", "^has_journal", img])
    if r.returncode != 0:
        return None, "mkfs.ext4: " + r.stderr.strip()
    d = os.path.join(env.root, "case4")
    os.makedirs(d)
    err = F.mount(["-o", "loop,errors=remount-ro", img], d)
    if err:
        return None, "mount -o loop: " + err
    src = F.sh(["findmnt", "-n", "-o", "SOURCE", d]).stdout.strip()
    trigger = f"/sys/fs/ext4/{os.path.basename(src)}/trigger_fs_error"
    if not os.path.exists(trigger):
        return None, f"{trigger} does not exist"
    return (d, img, trigger), ""


def server_readonly_after_start(env):
    F.log("\n== server-readonly-after-start: the file system turns read-only under a running server")
    if env.mechanism == "mount":
        dev, why = ext4_readonly_device(env)
        if dev is None:
            F.check(False, "an ext4 loop device for read-only after start-up", why)
            return
        d, img, trigger = dev
        F.log("  mechanism: ext4 on a loop device, errors=remount-ro; the kernel turns it read-only on an error")
    else:
        d = env.case_dir("case4")
        F.log("  mechanism: chmod a-w of the file and directory under a server running as nobody")
    db = os.path.join(d, "episodes.db")
    s, err = start_server(env, db, "srv-ro-after")
    if not F.check(err == "", "the server starts", err + s.log_text()):
        return
    episode, token, st = http_episode(s)
    if not F.check(episode, "POST /v1/episodes -> 201", f"status {st}"):
        return
    acked = 0
    for _ in range(3):
        st, body, _ = http_checkin(s, episode, token)
        if F.check(st == 201, f"check-in {acked + 1} -> 201", str(body)[:200]):
            acked += 1
    if env.mechanism == "mount":
        err = F.remount(d, "ro")
        F.log(f"  figure: a plain `mount -o remount,ro` under the running server: {err or 'done'}")
        if err:
            with open(trigger, "w") as f:
                f.write("norotriage fault test\n")
        opts = F.sh(["findmnt", "-n", "-o", "OPTIONS", d]).stdout.strip()
        F.log(f"  figure: mount options now: {opts}")
        ro_now = "emergency_ro" in opts or opts.startswith("ro")
    else:
        ro_now = env.make_readonly(d) == ""
    if not F.check(ro_now, "the file system is read-only now"):
        s.stop()
        return
    statuses = []
    for i in range(3):
        st, body, secs = http_checkin(s, episode, token)
        statuses.append(st)
        F.log(f"  figure: read-only check-in -> {st} in {secs * 1000:.0f} ms: {error_message_or_body(body)}")
        if st == 201:
            acked += 1  # written through descriptors opened before (the fallback)
        else:
            F.check(st in ERROR_STATUSES and F.is_json_error(body),
                    "read-only: check-in answered 503/507 with a JSON error message (never 500)",
                    f"status {st}: {str(body)[:300]}")
    if env.mechanism == "mount":
        F.check(201 not in statuses, "read-only: no check-in is acknowledged", str(statuses))
    log_tail(s, "read-only")
    check_reads_and_assess(s, episode, token, acked, "read-only")
    F.check(s.alive(), "the server is still running", s.log_text()[-500:])
    code = s.stop()
    F.log(f"  figure: server exit status after SIGTERM: {code}")
    if env.mechanism == "mount":
        # Emergency read-only lasts until unmounted: unmount, repair, mount again.
        r = F.umount(d)
        F.check(r.returncode == 0, "unmounted after the server stopped", r.stderr)
        r = F.sh(["e2fsck", "-fy", img])
        F.log(f"  figure: e2fsck exit status {r.returncode}")
        err = F.mount(["-o", "loop", img], d)
        if not F.check(err == "", "mounted read-write again", err):
            return
    else:
        env.make_writable(d)
    check_file(db, {episode: acked}, "server-readonly-after-start (before restart)")
    s, err = start_server(env, db, "srv-ro-after-2")
    if F.check(err == "", "writable again: the server starts", err + s.log_text()):
        st, body, _ = http_checkin(s, episode, token)
        if F.check(st == 201, "writable again: the next check-in -> 201", str(body)[:200]):
            acked += 1
        s.stop()
    check_file(db, {episode: acked}, "server-readonly-after-start")


def server_diskfull(env):
    F.log("\n== server-diskfull: the disk fills during check-ins over HTTP")
    d = env.case_dir("case5")
    db = os.path.join(d, "episodes.db")
    fsize = None
    if env.mechanism == "fallback":
        fsize = 1024 * 1024
        F.log(f"  figure: RLIMIT_FSIZE {fsize} bytes in the server")
    s, err = start_server(env, db, "srv-full", fsize)
    if not F.check(err == "", "the server starts", err + s.log_text()):
        return
    episode, token, st = http_episode(s)
    if not F.check(episode, "POST /v1/episodes -> 201", f"status {st}"):
        return
    filler = None
    if env.mechanism == "mount":
        filler = F.fill_disk(d, 128 * 1024)
        F.log(f"  figure: filled the 2 MiB tmpfs, {F.free_bytes(d)} bytes left")
    acked, first_fail, start = 0, None, time.monotonic()
    for _ in range(1000):
        st, body, secs = http_checkin(s, episode, token)
        if st != 201:
            first_fail = (st, body, secs)
            break
        acked += 1
    F.log(f"  figure: {acked} check-ins -> 201 before the first failure ({time.monotonic() - start:.1f} s)")
    if not F.check(first_fail is not None, "a check-in fails once the disk is full"):
        s.stop()
        return
    st, body, secs = first_fail
    F.log(f"  figure: disk full check-in -> {st} in {secs * 1000:.0f} ms: {error_message_or_body(body)}")
    F.check(st in ERROR_STATUSES and F.is_json_error(body),
            "disk full: check-in answered 503/507 with a JSON error message (never 500)",
            f"status {st}: {str(body)[:300]}")
    failed_writes(s, episode, token, "disk full", tries=2)
    st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET})
    F.log(f"  figure: disk full POST /v1/episodes -> {st}: {error_message_or_body(body)}")
    F.check(st in ERROR_STATUSES + (201,) and (st == 201 or F.is_json_error(body)),
            "disk full: POST /v1/episodes answered 201 or a 503/507 JSON error", str(body)[:300])
    extra_episode = body.get("id") if st == 201 and isinstance(body, dict) else None
    log_tail(s, "disk full")
    check_reads_and_assess(s, episode, token, acked, "disk full")
    if filler:
        os.remove(filler)
        F.log(f"  figure: filler removed, {F.free_bytes(d)} bytes free")
    else:
        resource.prlimit(s.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    st, body, _ = http_checkin(s, episode, token)
    if F.check(st == 201, "space freed: the next check-in -> 201", str(body)[:300]):
        acked += 1
    check_reads_and_assess(s, episode, token, acked, "space freed")
    F.check(s.alive(), "the server is still running")
    s.stop()
    expected = {episode: acked}
    if extra_episode:
        expected[extra_episode] = 0
    check_file(db, expected, "server-diskfull")


def fresh_db_on_full_disk(env):
    F.log("\n== fresh-db-on-full-disk: a new database on a file system with no space left")
    if env.mechanism != "mount":
        F.log("  mechanism: RLIMIT_FSIZE of 4096 bytes in the child")
    d = env.case_dir("case6")
    filler = F.fill_disk(d, 0) if env.mechanism == "mount" else None
    # Fallback: 4 KiB, room for the log's error line but not for a database.
    fsize = 4096 if filler is None else None
    # Afterwards the children stay root (an unlimited RLIMIT_FSIZE): the files are root's.
    after = None if filler else resource.RLIM_INFINITY
    if filler:
        F.log(f"  figure: filled the 2 MiB tmpfs, {F.free_bytes(d)} bytes left")
    db = os.path.join(d, "cli.db")
    episode, code, err = new_episode_cli(env, db, fsize)
    F.log(f"  figure: `episode new` on a full disk -> exit {code}, stderr {err.strip()!r}")
    msg = err.replace(db, "DB").lower()
    F.check(episode is None and code not in (0, None), "`episode new` on a full disk fails")
    F.check(one_error_line(err), "`episode new` on a full disk prints one 'error: ' line", err)
    F.check("full" in msg or (env.mechanism != "mount" and "i/o error" in msg),
            "`episode new` on a full disk: the error says the disk is full", err)
    srv_db = os.path.join(d, "server.db")
    s, err = start_server(env, srv_db, "fresh-full", fsize)
    log = s.log_text().strip().replace(srv_db, "DB")
    if err:
        F.log(f"  figure: `serve` on a full disk refused to start: {err}; log: {log!r}")
        F.check("full" in log.lower() or (env.mechanism != "mount" and "i/o error" in log.lower()),
                "`serve` on a full disk: its message says the disk is full", log)
    else:
        st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET})
        F.log(f"  figure: `serve` on a full disk started; POST /v1/episodes -> {st}: {error_message_or_body(body)}")
        F.check(st in ERROR_STATUSES and F.is_json_error(body), "POST /v1/episodes -> 503/507 JSON error",
                str(body)[:300])
        s.stop()
    if filler:
        os.remove(filler)
    episode, code, err = new_episode_cli(env, db, after)
    if F.check(episode, "space freed: `episode new` succeeds", err):
        code, seq, err = checkin_cli(env, db, episode, after)
        F.check(code == 0 and seq == 1, "space freed: a check-in succeeds", err)
        check_file(db, {episode: 1 if code == 0 else 0}, "fresh-db-on-full-disk")
    s, err = start_server(env, srv_db, "fresh-full-2", after)
    if F.check(err == "", "space freed: the server starts", err + s.log_text()):
        episode, token, st = http_episode(s)
        F.check(episode, "space freed: POST /v1/episodes -> 201", f"status {st}")
        s.stop()
        check_file(srv_db, {episode: 0} if episode else {}, "fresh-db-on-full-disk (server)")


def choose_mechanism(requested, root):
    if requested in ("mount", "fallback"):
        return requested
    probe = os.path.join(root, "probe")
    os.makedirs(probe)
    err = F.mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs"], probe)
    if err:
        F.log(f"mounting is not permitted here ({err}): using the fallback")
        return "fallback"
    F.umount(probe)
    return "mount"


def readable_sanitizer_suppressions(root):
    """In a sanitizer build (scripts/sanitize.sh) the *SAN_OPTIONS name
    suppression files in the build tree, which user nobody may not reach
    either: copies them into `root` and points the options (inherited by every
    child) at the copies."""
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"):
        value = os.environ.get(var)
        if not value:
            continue
        parts = []
        for part in value.split(":"):
            if part.startswith("suppressions="):
                src = part.split("=", 1)[1]
                dst = os.path.join(root, f"{var.lower()}-{os.path.basename(src)}")
                shutil.copy(src, dst)
                os.chmod(dst, 0o644)
                part = "suppressions=" + dst
            parts.append(part)
        os.environ[var] = ":".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--request", required=True, help="a request file for `episode new/checkin`")
    ap.add_argument("--mechanism", default="auto", choices=["auto", "mount", "fallback"])
    ap.add_argument("--only", help="run only this case (a function name, e.g. cli_diskfull)")
    a = ap.parse_args()
    root = F.temp_dir("norotriage-fault-sqlite-")
    os.chmod(root, 0o755)
    mechanism = choose_mechanism(a.mechanism, root)
    F.log(f"{NAME}: mechanism: {mechanism}" + (
        " (tmpfs, read-only remounts, ext4 on a loop device)" if mechanism == "mount"
        else " (RLIMIT_FSIZE for disk full; user nobody and chmod for read-only)"))
    request = os.path.join(root, "request.json")
    shutil.copy(a.request, request)
    os.chmod(request, 0o644)
    binary = os.path.abspath(a.binary)
    if mechanism == "fallback":
        # User nobody must reach the binary, and the build tree may sit in a
        # directory only root can enter (mktemp -d makes 0700): run a copy.
        binary = os.path.join(root, "norotriage")
        shutil.copy(a.binary, binary)
        os.chmod(binary, 0o755)
        readable_sanitizer_suppressions(root)
    env = Env(binary, mechanism, root, request)
    cases = [cli_readonly, cli_diskfull, server_readonly_at_start, server_readonly_after_start, server_diskfull,
             fresh_db_on_full_disk]
    for case in cases:
        if a.only and case.__name__ != a.only:
            continue
        case(env)
    F.cleanup()
    return F.finish(NAME)


if __name__ == "__main__":
    sys.exit(main())
