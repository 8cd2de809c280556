#!/usr/bin/env python3
"""Two processes on one SQLite file keep every episode rule (ctest
episode_race_sqlite; issue 15, item 5).

  episode_race_sqlite.py --binary PATH/norotriage

`norotriage serve --db FILE` and the CLI (`norotriage episode --db FILE
checkin ID - --date D --json`, a new process each time) check in to the same
two episodes at once: HTTP_CLIENTS clients through the server and
CLI_CLIENTS clients running the CLI, all at the same moment in each round,
with racing dates, until each episode answers "full" (episode_race.py). Every rule must hold (at most 100, date
order, nothing lost, nothing stored twice or stored after a refusal), both
kinds of writer must have stored check-ins, and the file must pass SQLite's
integrity check. Prints the figures. Timing is never a criterion.
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import episode_race as R  # noqa: E402
import faultlib as F  # noqa: E402

NAME = "episode_race_sqlite"
EPISODES = 2
HTTP_CLIENTS = 3
CLI_CLIENTS = 2


def record_cli(episode, r, date, who):
    """Files one CLI check-in's outcome (a CompletedProcess, or None on timeout)."""
    if r is None:
        episode.odd(f"{who}: the CLI did not finish within 60 s")
        return
    if r.returncode == 0:
        try:
            out = json.loads(r.stdout)
        except ValueError:
            episode.odd(f"{who}: exit 0 without JSON: {r.stdout[:200]}")
            return
        if out.get("date") != date:
            episode.odd(f"{who}: exit 0 for {date} says date {out.get('date')}")
        episode.acknowledged(out["seq"], date, who)
    elif r.returncode == 65 and "the most one episode can hold" in r.stderr:
        episode.refusal("limit")
    elif r.returncode == 65 and "is before the last check-in" in r.stderr:
        episode.refusal("date")
    elif r.returncode == 69:  # EX_UNAVAILABLE: the write lock not had within the busy timeout
        episode.refusal("unavailable")
    else:
        episode.odd(f"{who}: exit {r.returncode}: {r.stderr.strip()[:200]}")


def cli_client(binary, db, who):
    """A Race client that checks in with the CLI: one process per check-in."""
    def attempt(episode, date, n):
        # setpriv, not a preexec_fn (unsafe with threads): the CLI dies with us.
        argv = ["setpriv", "--pdeathsig", "KILL", "--", binary, "episode", "--db", db,
                "checkin", episode.id, "-", "--date", date, "--same-day", "add", "--json"]
        try:
            r = subprocess.run(argv, input=R.body_json(n), capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            r = None
        record_cli(episode, r, date, who)
    return attempt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    root = F.temp_dir("norotriage_race_sqlite_")
    db = os.path.join(root, "episodes.db")

    server = F.Server(binary, db, os.path.join(root, "serve.log"))
    why = server.start()
    if why:
        F.fail_and_exit(NAME, f"serve: {why}\n{server.log_text()[-2000:]}")
    episodes = R.new_episodes(server.port, EPISODES)

    F.log(f"== {HTTP_CLIENTS} HTTP clients (serve) and {CLI_CLIENTS} CLI clients on one SQLite file, "
          f"{EPISODES} episodes")
    start = time.monotonic()
    race = R.Race(episodes, [R.http_client(server.port, f"http{i}") for i in range(HTTP_CLIENTS)] +
                  [cli_client(binary, db, f"cli{i}") for i in range(CLI_CLIENTS)])
    race.run()
    secs = time.monotonic() - start
    F.log(f"   {R.summary(episodes)} in {secs:.1f} s")

    for i, e in enumerate(episodes):
        by = {}
        for _, who in e.acked.values():
            by[who.rstrip("0123456789")] = by.get(who.rstrip("0123456789"), 0) + 1
        F.log(f"   episode {i + 1}: {e.attempts} tried, stored by serve {by.get('http', 0)}, "
              f"by the CLI {by.get('cli', 0)}; refused {e.refused}")
        R.check_episode(f"episode {i + 1}", e, R.stored_checkins(server.port, e))
        F.check(by.get("http", 0) > 0 and by.get("cli", 0) > 0,
                f"episode {i + 1}: both serve and the CLI stored check-ins", str(by))
    F.check(not race.broken, "every round of the race finished")
    F.check(sum(e.refused["date"] for e in episodes) > 0,
            "some check-ins were refused for a date before the last (the dates raced)")
    integrity, _ = F.db_state(db)
    F.check(integrity == "ok", "the SQLite file passes PRAGMA integrity_check", integrity)
    F.check(server.stop() == 0, "serve stops on SIGTERM with status 0")
    return F.finish(NAME)


if __name__ == "__main__":
    sys.exit(main())
