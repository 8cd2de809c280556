#!/usr/bin/env python3
# The kill test (issue 7, "hardening"): `norotriage serve` on a SQLite file is
# killed with SIGKILL while 4 client threads post check-ins to 40 episodes as
# fast as they can, and restarted on the same port and file; 10 times
# (NOROTRIAGE_KILL_CYCLES). The moments are random from a printed seed
# (NOROTRIAGE_KILL_SEED repeats a run).
#
# Every check-in carries a unique number u, spread over its findings:
# back_pain_score (u % 101) / 10 and leg_aches_score (u // 101 % 101) / 10,
# which GET /v1/episodes/{id} shows, and vomits_24h u // 10201 % 101 with
# stools_24h u % 97, which only the stored request has (`norotriage episode
# export`). A check-in is acknowledged when its POST got a 201 with a seq.
#
# Passes when, at the end: every acknowledged check-in is in its episode
# (GET with the episode's token) at the seq it was given, with the content
# sent, and in the file (the export shows the whole stored request) exactly
# once with all its findings; nothing is stored that was never sent; no seq was acknowledged twice; no request got a
# non-2xx answer; PRAGMA integrity_check says ok; and the last server stops
# on SIGTERM with exit status 0. Check-ins that got no answer may or may not
# be stored. Prints cycles, acknowledged, found, lost, unanswered.
#
# Usage: kill_test.py --binary build/norotriage --work <dir>
import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_process import Fail, Log, NewEpisode, Request, Server  # noqa: E402

CLIENTS = 4
EPISODES = 40  # at most 100 check-ins each (kMaxCheckinsPerEpisode): room for ~4,000
RESTART_TIMEOUT_S = 20.0  # a generous bound for binding the same port again


def Content(u):
    """The findings that carry u; the part GET shows, (back, leg) in tenths
    (unique for u < 10,201); and the whole key (unique for u < 1,030,301)."""
    back, leg, vomits = u % 101, u // 101 % 101, u // 10201 % 101
    findings = {"back_pain": True, "back_pain_score": back / 10, "leg_aches": True, "leg_aches_score": leg / 10,
                "vomits_24h": vomits, "stools_24h": u % 97}
    return findings, (back, leg), (back, leg, vomits)


def StoredKey(findings):
    """The whole key of a stored check-in's findings (as Content's)."""
    return (round(findings.get("back_pain_score", -1) * 10), round(findings.get("leg_aches_score", -1) * 10),
            findings.get("vomits_24h"))


class Attempts:
    """Every check-in sent, and what came of it. Thread-safe."""

    def __init__(self):
        self.mu = threading.Lock()
        self.acked = []       # (episode index, seq, u)
        self.unanswered = []  # (episode index, u)
        self.refused = 0      # not sent: the connection was refused (server down)
        self.bad = []         # (episode index, u, status, body): a non-2xx answer

    def Ack(self, e, seq, u):
        with self.mu:
            self.acked.append((e, seq, u))

    def Count(self):
        with self.mu:
            return len(self.acked)


def Client(k, port, episodes, attempts, stop, seed):
    """Posts check-ins until `stop`: u = k, k + CLIENTS, k + 2 CLIENTS, ..."""
    rng = random.Random(seed * 1000 + k)
    conn = None
    n = 0
    while not stop.is_set():
        u = k + CLIENTS * n
        n += 1
        e = rng.randrange(len(episodes))
        eid, token = episodes[e]
        findings = Content(u)[0]
        body = json.dumps({"findings": findings, "same_day": "add"})  # all dated today
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = False
        try:
            conn.request("POST", "/v1/episodes/%s/checkins" % eid, body=body,
                         headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
            sent = True
            r = conn.getresponse()
            text = r.read().decode()
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, http.client.HTTPException,
                OSError) as ex:
            conn.close()
            conn = None
            if not sent and isinstance(ex, ConnectionRefusedError):
                with attempts.mu:
                    attempts.refused += 1
            else:
                with attempts.mu:
                    attempts.unanswered.append((e, u))
            time.sleep(0.02)
            continue
        if r.status == 201:
            attempts.Ack(e, json.loads(text)["seq"], u)
        else:
            with attempts.mu:
                attempts.bad.append((e, u, r.status, text[:300]))
    if conn is not None:
        conn.close()


def Export(binary, db, eid):
    p = subprocess.run([binary, "episode", "--db", db, "export", eid], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        Fail("norotriage episode export %s: status %d\n%s" % (eid, p.returncode, p.stderr))
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    seed = int(os.environ.get("NOROTRIAGE_KILL_SEED", str(int(time.time() * 1000) % 1000000)))
    cycles = int(os.environ.get("NOROTRIAGE_KILL_CYCLES", "10"))
    rng = random.Random(seed)
    Log("seed %d (NOROTRIAGE_KILL_SEED=%d repeats this run), %d cycles, %d clients, %d episodes" %
        (seed, seed, cycles, CLIENTS, EPISODES))

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    db = os.path.join(args.work, "kill.db")
    server = Server(args.binary, db, os.path.join(args.work, "server.log"))
    err = server.Start()
    if err:
        Fail("server start: %s\n%s" % (err, server.LogTail()))
    port = server.port
    onset = (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=3)).isoformat()
    episodes = [NewEpisode(port, {"onset_date": onset, "findings": {"age_years": 30 + i}}) for i in range(EPISODES)]
    Log("server on port %d, db %s; episodes %s" % (port, db, ", ".join(e for e, _ in episodes)))

    attempts = Attempts()
    stop = threading.Event()
    clients = [threading.Thread(target=Client, args=(k, port, episodes, attempts, stop, seed), daemon=True)
               for k in range(CLIENTS)]
    for c in clients:
        c.start()

    try:
        for cycle in range(1, cycles + 1):
            # Let check-ins flow (at least a few acknowledged since the restart),
            # then kill at a random moment.
            base = attempts.Count()
            deadline = time.monotonic() + 60
            while attempts.Count() < base + 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            if attempts.Count() < base + 5:
                Fail("cycle %d: no check-in acknowledged within 60 s\n%s" % (cycle, server.LogTail()))
            delay = rng.uniform(0.05, 3.0)
            time.sleep(delay)
            server.Signal(signal.SIGKILL)
            status = server.Wait(10)
            if status != -signal.SIGKILL:
                Fail("cycle %d: the server's status after SIGKILL is %s" % (cycle, status))
            killed_at = attempts.Count()
            # Restart on the same port and file (the port may be briefly busy).
            deadline = time.monotonic() + RESTART_TIMEOUT_S
            while True:
                err = server.Start(port)
                if not err:
                    break
                if time.monotonic() > deadline:
                    Fail("cycle %d: restart on port %d: %s\n%s" % (cycle, port, err, server.LogTail()))
                time.sleep(0.2)
            Log("cycle %2d: killed %.2f s after the 5th acknowledgement of the cycle; %d acknowledged so far; "
                "restarted (pid %d)" % (cycle, delay, killed_at, server.pid))
        # A last stretch on the last server, so it is known to work after the restarts.
        base = attempts.Count()
        deadline = time.monotonic() + 60
        while attempts.Count() < base + 5 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        for c in clients:
            c.join(timeout=60)

    # Check every episode.
    acked, unanswered, bad = attempts.acked, attempts.unanswered, attempts.bad
    if any(u >= 101 ** 3 for _, _, u in acked) or any(u >= 101 ** 3 for _, u in unanswered):
        Fail("more than 1,030,301 check-ins: their keys are no longer unique")
    problems = []
    for e, u, status, text in bad[:5]:
        problems.append("check-in u=%d to episode %d got %d %s" % (u, e, status, text))
    seen = {}
    for e, seq, u in acked:
        if (e, seq) in seen:
            problems.append("episode %d seq %d acknowledged twice (u=%d and u=%d)" % (e, seq, seen[(e, seq)], u))
        seen[(e, seq)] = u
    sent_keys = {}  # episode: the whole keys sent to it
    for e, seq, u in acked:
        sent_keys.setdefault(e, set()).add(Content(u)[2])
    for e, u in unanswered:
        sent_keys.setdefault(e, set()).add(Content(u)[2])

    # Through the API: each acknowledged check-in at its seq, with what was sent.
    in_view = set()  # (episode, seq) found in the view with the content sent
    lost = 0
    views = {}
    for e, (eid, token) in enumerate(episodes):
        status, text = Request(port, "GET", "/v1/episodes/" + eid, token=token, timeout=120)
        if status != 200:
            Fail("GET /v1/episodes/%s: %d %s" % (eid, status, text[:300]))
        views[e] = json.loads(text)["checkins"]
    for e, checkins in views.items():
        by_seq = {}
        for c in checkins:
            if c["seq"] in by_seq:
                problems.append("episode %d: seq %d shown twice" % (e, c["seq"]))
            by_seq[c["seq"]] = c
        for _, seq, u in [a for a in acked if a[0] == e]:
            c = by_seq.get(seq)
            if c is None:
                lost += 1
                problems.append("episode %d: acknowledged check-in seq %d (u=%d) is missing" % (e, seq, u))
            elif StoredKey(c)[:2] != Content(u)[1]:
                lost += 1
                problems.append("episode %d: seq %d shows %s, not the acknowledged u=%d %s" %
                                (e, seq, (c.get("back_pain_score"), c.get("leg_aches_score")), u, Content(u)[1]))
            else:
                in_view.add((e, seq))

    status, text = Request(port, "GET", "/healthz")
    if status != 200:
        problems.append("GET /healthz after the test: %d" % status)
    server.Signal(signal.SIGTERM)
    code = server.Wait(30)
    if code != 0:
        problems.append("SIGTERM: exit status %s (want 0)" % code)

    # The file as the server left it.
    conn = sqlite3.connect(db)
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    conn.close()
    if integrity != ["ok"]:
        problems.append("PRAGMA integrity_check: %s" % integrity[:10])

    # From the file (`episode export`): the whole stored request of every
    # acknowledged check-in, each stored exactly once, and nothing stored that
    # was never sent.
    found = full_ok = stored_unanswered = 0
    for e, (eid, _) in enumerate(episodes):
        stored = {c["seq"]: c["request"]["findings"] for c in Export(args.binary, db, eid)["checkins"]}
        key_count = {}
        for seq, findings in stored.items():
            key = StoredKey(findings)
            key_count[key] = key_count.get(key, 0) + 1
            if key not in sent_keys.get(e, set()):
                problems.append("episode %d: seq %d holds %s, which was never sent to it" % (e, seq, key))
        for _, seq, u in [a for a in acked if a[0] == e]:
            want, _, key = Content(u)
            got = stored.get(seq, {})
            diff = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
            if diff:
                problems.append("episode %d seq %d (u=%d): stored findings differ: %s" % (e, seq, u, diff))
            else:
                full_ok += 1
            if key_count.get(key, 0) > 1:
                problems.append("episode %d: u=%d stored %d times" % (e, u, key_count[key]))
            elif not diff and (e, seq) in in_view:
                found += 1
        stored_unanswered += sum(1 for e2, u in unanswered if e2 == e and key_count.get(Content(u)[2], 0) > 0)

    stored_total = sum(len(v) for v in views.values())
    Log("cycles %d; check-ins acknowledged %d, found %d, lost %d; unanswered %d (%d of them stored); "
        "refused while down %d; non-2xx answers %d; stored in all %d" %
        (cycles, len(acked), found, lost, len(unanswered), stored_unanswered, attempts.refused, len(bad),
         stored_total))
    Log("whole stored request matches for %d of %d acknowledged; integrity_check: %s" %
        (full_ok, len(acked), " ".join(integrity[:3])))
    if problems:
        Fail("%d problem(s):\n  %s" % (len(problems), "\n  ".join(problems[:30])))
    Log("PASS")


if __name__ == "__main__":
    main()
