#!/usr/bin/env python3
"""Fault test: PostgreSQL stopped and restarted under `norotriage serve`
(ctest: fault_postgres_restart).

  pg_restart.py --binary PATH/norotriage [--cycles 3]

Runs inside a throw-away cluster: tests/pg/run_under_pg_virtualenv.sh starts
it as `pg_virtualenv -t`, which sets the PG* variables; the cluster is stopped
and started with pg_ctlcluster (it finds the cluster through
PG_CLUSTER_CONF_ROOT, which pg_virtualenv exports).

  1. serve --db postgresql:///<new database>; an episode and 3 check-ins.
  2. --cycles times: stop PostgreSQL (fast, immediate, fast, ... shutdown);
     while it is down the episode endpoints answer a JSON 503 within 5 s
     (never 500, never a hang), POST /v1/assess answers 200, GET /healthz
     503; start it; within 10 s GET of the episode answers 200 with every
     acknowledged check-in, and a new check-in gets 201.
  3. A second server started while PostgreSQL is down listens, answers 503
     for episodes and 200 for assessments, and works once it is up.
  4. The database holds exactly the acknowledged check-ins.
Meanwhile a thread posts check-ins to a second episode through all the
cycles: every reply is 201 or 503 within 5 s, and every acknowledged one is
stored (a 503 for a commit in doubt may have been stored: counted, bounded).
Prints the figures: each outage request with its status and time, and the
time from `pg_ctlcluster start` returning to the first 200.
"""

import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402

NAME = "fault_postgres_restart"
ONSET, DATE = "2025-01-10", "2025-01-11"
FINDINGS = {"age_years": 40, "weight_kg": 70, "back_pain": True, "back_pain_score": 5}
OUTAGE_REPLY_LIMIT_S = 5.0
RECOVERY_LIMIT_S = 10.0


class Cluster:
    def __init__(self):
        r = F.sh(["pg_lsclusters", "-h"])
        fields = r.stdout.split()
        if r.returncode != 0 or len(fields) < 2:
            F.fail_and_exit(NAME, f"no cluster from pg_lsclusters (run me under pg_virtualenv): {r.stderr}")
        self.version, self.name = fields[0], fields[1]

    def ctl(self, action, *extra):
        start = time.monotonic()
        r = F.sh(["pg_ctlcluster", self.version, self.name, action] + list(extra), timeout=120)
        secs = time.monotonic() - start
        return r.returncode == 0, (r.stderr or r.stdout).strip(), secs

    def psql(self, sql, db=None):
        args = ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        if db:
            args += ["-d", db]
        r = F.sh(args, timeout=60)
        return r.returncode == 0, r.stdout.strip() if r.returncode == 0 else r.stderr.strip()


def checkin(port, episode, token):
    return F.http(port, "POST", f"/v1/episodes/{episode}/checkins", {"date": DATE, "findings": FINDINGS, "same_day": "add"}, token)


def stored_checkins(port, episode, token):
    st, body, _ = F.http(port, "GET", f"/v1/episodes/{episode}", token=token)
    if st == 200 and isinstance(body, dict):
        return st, len(body.get("checkins", []))
    return st, None


def outage_requests(port, episode, token, label):
    """The requests made while PostgreSQL is down; checks each; returns [(what, status, secs)]."""
    rows = []
    requests = [
        ("GET /v1/episodes/{id}", lambda: F.http(port, "GET", f"/v1/episodes/{episode}", token=token), 503),
        ("POST /v1/episodes/{id}/checkins", lambda: checkin(port, episode, token), 503),
        ("POST /v1/episodes", lambda: F.http(port, "POST", "/v1/episodes", {"onset_date": ONSET}), 503),
        ("GET /v1/episodes/{id}/chart.svg", lambda: F.http(port, "GET", f"/v1/episodes/{episode}/chart.svg",
                                                          token=token), 503),
        ("GET /healthz", lambda: F.http(port, "GET", "/healthz"), 503),
        ("POST /v1/assess", lambda: F.http(port, "POST", "/v1/assess", {"findings": FINDINGS}), 200),
    ]
    for what, call, expected in requests:
        st, body, secs = call()
        rows.append((what, st, secs))
        F.log(f"  figure: {label}: {what:34} -> {st} in {secs * 1000:6.0f} ms  {F.error_message(body)}")
        if expected == 503:
            json_error = F.is_json_error(body) or (isinstance(body, dict) and body.get("status") == "unavailable")
            F.check(st == 503 and json_error and secs < OUTAGE_REPLY_LIMIT_S,
                    f"{label}: {what} -> JSON 503 within {OUTAGE_REPLY_LIMIT_S:.0f} s",
                    f"status {st} in {secs:.2f} s: {str(body)[:300]}")
        else:
            F.check(st == 200, f"{label}: {what} -> 200 (needs no store)", f"status {st}: {str(body)[:200]}")
    return rows


def wait_for_recovery(port, episode, token, acked, label):
    """Polls GET of the episode until 200; returns seconds or None; checks the check-ins."""
    start = time.monotonic()
    statuses = {}
    while time.monotonic() - start < RECOVERY_LIMIT_S:
        st, n = stored_checkins(port, episode, token)
        statuses[st] = statuses.get(st, 0) + 1
        if st == 200:
            secs = time.monotonic() - start
            F.log(f"  figure: {label}: first 200 {secs:.2f} s after PostgreSQL started "
                  f"(polled every 0.1 s; statuses before: {statuses})")
            F.check(n == acked, f"{label}: the episode shows the {acked} acknowledged check-ins", f"{n}")
            return secs
        time.sleep(0.1)
    F.check(False, f"{label}: episode requests succeed within {RECOVERY_LIMIT_S:.0f} s of the restart",
            f"statuses: {statuses}")
    return None


class Load:
    """Check-ins, one after another, from a thread, while PostgreSQL goes down
    and up: bounded in count and time. When its episode is full (409: an
    episode holds at most 100 check-ins) it makes a new one and goes on."""

    def __init__(self, port, episode, token, max_requests=2000):
        self.port, self.max_requests = port, max_requests
        self.episodes = [(episode, token)]  # the last one takes the check-ins
        self.acked = {episode: []}          # episode -> acknowledged seqs
        self.statuses, self.slowest = {}, 0.0
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        for _ in range(self.max_requests):
            if self.stop_flag.is_set():
                return
            episode, token = self.episodes[-1]
            st, body, secs = checkin(self.port, episode, token)
            self.statuses[st] = self.statuses.get(st, 0) + 1
            self.slowest = max(self.slowest, secs)
            if st == 201 and isinstance(body, dict):
                self.acked[episode].append(body.get("seq"))
            elif st == 409:
                st, body, _ = F.http(self.port, "POST", "/v1/episodes",
                                     {"onset_date": ONSET, "findings": {"age_years": 40}})
                if st == 201 and isinstance(body, dict):
                    self.episodes.append((body["id"], body["token"]))
                    self.acked[body["id"]] = []
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--cycles", type=int, default=3)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    root = F.temp_dir("norotriage-fault-pg-")
    cluster = Cluster()
    F.log(f"{NAME}: cluster {cluster.version}/{cluster.name} on {os.environ.get('PGHOST')}:"
          f"{os.environ.get('PGPORT')}, stopped and started with pg_ctlcluster")
    dbname = f"norotriage_fault_{os.getpid()}"
    ok, out = cluster.psql(f"CREATE DATABASE {dbname} ENCODING 'UTF8' TEMPLATE template0")
    if not ok:
        F.fail_and_exit(NAME, f"CREATE DATABASE: {out}")
    url = f"postgresql:///{dbname}"

    F.log("\n== server started with PostgreSQL up")
    s = F.Server(binary, url, os.path.join(root, "serve.log"))
    err = s.start()
    if not F.check(err == "", "the server starts", err + s.log_text()):
        return F.finish(NAME)
    st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET, "findings": {"age_years": 40}})
    if not F.check(st == 201, "POST /v1/episodes -> 201", str(body)[:200]):
        return F.finish(NAME)
    episode, token = body["id"], body["token"]
    acked = 0
    for _ in range(3):
        st, body, _ = checkin(s.port, episode, token)
        if F.check(st == 201, f"check-in {acked + 1} -> 201", str(body)[:200]):
            acked += 1

    st, body, _ = s.http("POST", "/v1/episodes", {"onset_date": ONSET, "findings": {"age_years": 40}})
    if not F.check(st == 201, "POST /v1/episodes (for the background load) -> 201", str(body)[:200]):
        return F.finish(NAME)
    load_episode, load_token = body["id"], body["token"]
    load = Load(s.port, load_episode, load_token)
    load.__enter__()

    modes = ["fast", "immediate"]
    recoveries, outage_statuses = [], {}
    for cycle in range(1, a.cycles + 1):
        mode = modes[(cycle - 1) % len(modes)]
        label = f"cycle {cycle} ({mode} stop)"
        F.log(f"\n== {label}")
        ok, out, secs = cluster.ctl("stop", "-m", mode)
        if not F.check(ok, f"{label}: PostgreSQL stopped", out):
            break
        F.log(f"  figure: {label}: pg_ctlcluster stop took {secs:.2f} s")
        for what, st, _ in outage_requests(s.port, episode, token, label):
            outage_statuses.setdefault(what, []).append(st)
        ok, out, secs = cluster.ctl("start")
        if not F.check(ok, f"{label}: PostgreSQL started", out):
            break
        F.log(f"  figure: {label}: pg_ctlcluster start took {secs:.2f} s")
        rec = wait_for_recovery(s.port, episode, token, acked, label)
        if rec is not None:
            recoveries.append(rec)
        st, body, _ = checkin(s.port, episode, token)
        if F.check(st == 201, f"{label}: a check-in after the restart -> 201", str(body)[:200]):
            acked += 1
    time.sleep(0.5)
    load.__exit__()
    F.log(f"\n  figure: background check-ins during the {a.cycles} cycles: statuses {load.statuses}, "
          f"{len(load.episodes)} episode(s), slowest reply {load.slowest:.2f} s")
    errors = [line for line in s.log_text().splitlines() if "internal error" in line]
    F.check(set(load.statuses) <= {201, 409, 503}, "background load: every reply is 201, 503 or 409 (episode "
            "full: a new one is made; no 500, no dropped connection)",
            str(load.statuses) + "; the server's error lines:\n" + "\n".join(errors[-10:]))
    F.check(load.slowest < OUTAGE_REPLY_LIMIT_S, f"background load: every reply within {OUTAGE_REPLY_LIMIT_S:.0f} s",
            f"{load.slowest:.2f} s")
    F.check(load.statuses.get(503, 0) > 0 and load.statuses.get(201, 0) > 0,
            "background load: it saw both outages (503) and service (201)", str(load.statuses))
    F.check(s.alive(), "the server is still running after the restarts", s.log_text()[-500:])
    code = s.stop()
    F.check(code == 0, "the server stops cleanly on SIGTERM", f"exit status {code}")

    F.log("\n== server started while PostgreSQL is down")
    ok, out, _ = cluster.ctl("stop", "-m", "fast")
    F.check(ok, "PostgreSQL stopped", out)
    s2 = F.Server(binary, url, os.path.join(root, "serve2.log"))
    err = s2.start()
    if F.check(err == "", "the server starts while PostgreSQL is down", err + s2.log_text()):
        for what, st, _ in outage_requests(s2.port, episode, token, "started while down"):
            outage_statuses.setdefault(what, []).append(st)
        ok, out, _ = cluster.ctl("start")
        F.check(ok, "PostgreSQL started", out)
        rec = wait_for_recovery(s2.port, episode, token, acked, "started while down")
        if rec is not None:
            recoveries.append(rec)
        st, body, _ = checkin(s2.port, episode, token)
        if F.check(st == 201, "started while down: a check-in once it is up -> 201", str(body)[:200]):
            acked += 1
        s2.stop()
    else:
        cluster.ctl("start")

    ok, out = cluster.psql(f"SELECT count(*), COALESCE(max(seq), 0) FROM checkins WHERE episode_id = '{episode}'",
                           dbname)
    F.check(ok and out == f"{acked}|{acked}",
            f"the database holds exactly the {acked} acknowledged check-ins, seq 1..{acked}", out)
    all_ok, all_missing, total_acked, total_stored, gaps = True, [], 0, 0, []
    for load_episode, _ in load.episodes:
        ok, out = cluster.psql(f"SELECT seq FROM checkins WHERE episode_id = '{load_episode}' ORDER BY seq", dbname)
        stored = [int(x) for x in out.split()] if ok else []
        acked_seqs = load.acked[load_episode]
        all_ok = all_ok and ok
        all_missing += [(load_episode, seq) for seq in sorted(set(acked_seqs) - set(stored))]
        total_acked += len(acked_seqs)
        total_stored += len(stored)
        if stored != list(range(1, len(stored) + 1)):
            gaps.append((load_episode, stored[:50]))
    in_doubt = total_stored - total_acked
    F.log(f"  figure: background load: {total_acked} acknowledged, {total_stored} stored in {len(load.episodes)} "
          f"episode(s) ({in_doubt} answered 503 but committed: a commit in doubt when the server went away)")
    F.check(all_ok and not all_missing, "background load: every acknowledged check-in is stored",
            f"missing {all_missing}")
    F.check(not gaps, "background load: stored seqs are 1..n without gaps", str(gaps))
    F.check(0 <= in_doubt <= load.statuses.get(503, 0), "background load: no more stored than acknowledged + 503s",
            f"{total_stored} stored")
    cluster.psql(f"DROP DATABASE {dbname}")

    F.log("\nfigures:")
    for what, sts in outage_statuses.items():
        F.log(f"  outage {what:34} statuses {sts}")
    if recoveries:
        F.log(f"  recovery after restart: {', '.join(f'{r:.2f} s' for r in recoveries)} "
              f"(max {max(recoveries):.2f} s, limit {RECOVERY_LIMIT_S:.0f} s)")
    F.cleanup()
    return F.finish(NAME)


if __name__ == "__main__":
    sys.exit(main())
