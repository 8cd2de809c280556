#!/usr/bin/env python3
"""HTTP attack test: PostgreSQL frozen under `serve` (ctest http_frozen_store; issue 15).

  frozen_store_test.py --binary PATH/norotriage

Runs inside a throw-away cluster (tests/pg/run_under_pg_virtualenv.sh, as
fault_postgres_restart; it sets the PG* variables):
  1. serve --db postgresql:///<new database>; an episode and a check-in;
     the stateless routes timed while PostgreSQL is healthy (the baseline).
  2. Every process of the cluster (the postmaster and its children) is
     stopped with SIGSTOP: the store is frozen, not down; connections hang.
  3. Two waves, 1.5 s apart, of 12 episode requests at once (POST
     /v1/episodes, GET /v1/episodes/{id}, POST /v1/episodes/{id}/checkins,
     GET /healthz, 3 of each): each answers 503 within 2 s.
     Meanwhile, while the first wave is in flight, POST /v1/assess,
     POST /v1/interview, the web page (GET /), FHIR (GET
     /fhir/Questionnaire/norotriage) and CDS Hooks (GET /cds-services),
     5 times each, each answer 200 within 200 ms.
  4. SIGCONT: within 10 s an episode is created and checked in again (201),
     and the first episode takes a check-in.
The cluster is resumed on any exit. Prints each figure. About 10 s.
"""

import json
import os
import signal
import threading
import time

import wire as W
from pg_restart import Cluster  # tests/fault/, on the path through wire

F = W.F
NAME = "http_frozen_store"
FAST_LIMIT_S = 0.2
STORE_LIMIT_S = 2.0
RECOVERY_LIMIT_S = 10.0
ONSET, DATE = "2025-01-10", "2025-01-11"
EPISODE_BODY = {"onset_date": ONSET, "findings": {"age_years": 40, "weight_kg": 70}}
CHECKIN_BODY = {"date": DATE, "same_day": "add", "findings": {"back_pain": True, "back_pain_score": 4}}
STATELESS = [
    ("POST /v1/assess", "POST", "/v1/assess", W.ASSESS_BODY),
    ("POST /v1/interview", "POST", "/v1/interview", W.ASSESS_BODY),
    ("GET / (web page)", "GET", "/", None),
    ("GET /fhir/Questionnaire/norotriage", "GET", "/fhir/Questionnaire/norotriage", None),
    ("GET /cds-services", "GET", "/cds-services", None),
]


def cluster_pids(cluster):
    """The postmaster's pid and its children's, or ([], why)."""
    ok, data_dir = cluster.psql("SHOW data_directory")
    if not ok:
        return [], f"SHOW data_directory: {data_dir}"
    try:
        with open(os.path.join(data_dir, "postmaster.pid")) as f:
            postmaster = int(f.readline())
    except (OSError, ValueError) as e:
        return [], f"postmaster.pid: {e}"
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2:].split()[1]) == postmaster:
            pids.append(int(entry))
    return pids, ""


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def time_stateless(port, label, rounds=5):
    """Each stateless route ROUNDS times (a route stops at its first failure, so a
    stalled server costs one timeout a route); checks status 200 and the time of
    each against FAST_LIMIT_S; returns {what: median seconds}."""
    medians = {}
    for what, method, path, body in STATELESS:
        rows = []
        for _ in range(rounds):
            rows.append(F.http(port, method, path, body, timeout=FAST_LIMIT_S + 1.0))
            if rows[-1][0] != 200 or rows[-1][2] > FAST_LIMIT_S:
                break
        secs = [r[2] for r in rows]
        medians[what] = W.median(secs)
        bad = [f"{st} in {t * 1000:.0f} ms" for st, _, t in rows if st != 200 or t > FAST_LIMIT_S]
        W.log(f"  figure: {label}: {what:36} median {medians[what] * 1000:6.1f} ms, slowest "
              f"{max(secs) * 1000:6.1f} ms ({len(rows)} requests)")
        W.check(not bad, f"{label}: {what} x{rounds}: each 200 within {FAST_LIMIT_S * 1000:.0f} ms",
                "; ".join(bad) + (" (the rest not tried)" if len(rows) < rounds else ""))
    return medians


def episode_wave(port, episode, token, label):
    """12 episode requests at once; checks each is a 503 within STORE_LIMIT_S."""
    calls, t = {}, STORE_LIMIT_S + 2.0  # waited for: long enough to show how late
    for k in range(3):
        calls[f"POST /v1/episodes #{k}"] = lambda: F.http(port, "POST", "/v1/episodes", EPISODE_BODY, timeout=t)
        calls[f"GET /v1/episodes/{{id}} #{k}"] = lambda: F.http(port, "GET", f"/v1/episodes/{episode}",
                                                               token=token, timeout=t)
        calls[f"POST /v1/episodes/{{id}}/checkins #{k}"] = lambda: F.http(
            port, "POST", f"/v1/episodes/{episode}/checkins", CHECKIN_BODY, token, timeout=t)
        calls[f"GET /healthz #{k}"] = lambda: F.http(port, "GET", "/healthz", timeout=t)
    results = W.in_parallel(calls)
    for what in calls:
        st, body, secs = results.get(what) or (None, "", float("nan"))
        W.log(f"  figure: {label}: {what:38} -> {st} in {secs * 1000:6.0f} ms  {F.error_message(body)[:80]}")
        W.check(st == 503 and secs <= STORE_LIMIT_S, f"{label}: {what} -> 503 within {STORE_LIMIT_S:.0f} s",
                f"status {st} after {secs:.2f} s: {str(body)[:200]}")


def main():
    binary = W.begin(NAME, __doc__, 90)
    cluster = Cluster()
    dbname = f"norotriage_frozen_{os.getpid()}"
    ok, out = cluster.psql(f"CREATE DATABASE {dbname} ENCODING 'UTF8' TEMPLATE template0")
    if not ok:
        F.fail_and_exit(NAME, f"CREATE DATABASE: {out}")
    s = W.start_server(NAME, binary, db=f"postgresql:///{dbname}")
    W.log(f"{NAME}: PostgreSQL cluster {cluster.version}/{cluster.name}, database {dbname}")

    st, body, _ = F.http(s.port, "POST", "/v1/episodes", EPISODE_BODY)
    if not W.check(st == 201 and isinstance(body, dict), "POST /v1/episodes -> 201 (PostgreSQL healthy)", str(body)):
        return W.finish(NAME)
    episode, token = body["id"], body["token"]
    st, body, _ = F.http(s.port, "POST", f"/v1/episodes/{episode}/checkins", CHECKIN_BODY, token)
    W.check(st == 201, "a check-in -> 201 (PostgreSQL healthy)", str(body)[:200])
    time_stateless(s.port, "healthy")

    pids, why = cluster_pids(cluster)
    if not W.check(len(pids) >= 2, "the cluster's processes are found (postmaster and children)", why):
        return W.finish(NAME)
    F.at_cleanup(lambda: signal_all(pids, signal.SIGCONT))
    signal_all(pids, signal.SIGSTOP)
    frozen_at = time.monotonic()
    W.log(f"\n== PostgreSQL frozen: SIGSTOP to {len(pids)} processes")

    wave = threading.Thread(target=episode_wave, args=(s.port, episode, token, "frozen, wave 1"), daemon=True)
    wave.start()
    time.sleep(0.2)  # the episode requests are waiting on the store
    time_stateless(s.port, "frozen")
    wave.join(15)
    time.sleep(max(0.0, frozen_at + 4.0 - time.monotonic()))
    episode_wave(s.port, episode, token, "frozen, wave 2")
    W.log(f"  figure: PostgreSQL frozen for {time.monotonic() - frozen_at:.1f} s")

    signal_all(pids, signal.SIGCONT)
    resumed = time.monotonic()
    W.log("\n== PostgreSQL resumed: SIGCONT")
    statuses, created = {}, None
    while time.monotonic() - resumed < RECOVERY_LIMIT_S:
        st, body, _ = F.http(s.port, "POST", "/v1/episodes", EPISODE_BODY, timeout=5.0)
        statuses[st] = statuses.get(st, 0) + 1
        if st == 201 and isinstance(body, dict):
            created = body
            break
        time.sleep(0.2)
    W.log(f"  figure: episode created {time.monotonic() - resumed:.2f} s after SIGCONT (statuses: {statuses})")
    W.check(created is not None, f"after SIGCONT: POST /v1/episodes -> 201 within {RECOVERY_LIMIT_S:.0f} s",
            str(statuses))
    if created:
        st, body, _ = F.http(s.port, "POST", f"/v1/episodes/{created['id']}/checkins", CHECKIN_BODY,
                             created["token"])
        W.check(st == 201, "after SIGCONT: a check-in on the new episode -> 201", str(body)[:200])
    st, body, _ = F.http(s.port, "POST", f"/v1/episodes/{episode}/checkins",
                         dict(CHECKIN_BODY, date="2025-01-12"), token)
    W.check(st == 201, "after SIGCONT: a check-in on the first episode -> 201", str(body)[:200])
    st, body, _ = F.http(s.port, "GET", "/healthz")
    W.check(st == 200, "after SIGCONT: GET /healthz -> 200", json.dumps(body)[:200])
    return W.end(NAME, s)


if __name__ == "__main__":
    raise SystemExit(main())
