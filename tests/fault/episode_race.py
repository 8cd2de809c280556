"""What the multi-process episode tests share (tests/fault/episode_race_sqlite.py
and pg_scale_out.py): clients that race check-ins into a few episodes, a
ledger of what each was told, and the check that every episode rule held.

The rules (src/episode/episodes.cc): at most LIMIT check-ins an episode; a
check-in is never dated before the last one. The race (Race) runs in rounds:
in each, every client makes one check-in to the same episode at the same
moment (a barrier), dated that episode's round number plus 0 to 2 days of
jitter, so the dates cross; the episodes take turns, and each gets rounds
until it answers "full" (or MAX_ROUNDS). So every client, fast or slow (an
HTTP request or a whole CLI process), races every other on every episode,
and every episode is driven past LIMIT.

Verdict (check_episode), from what the clients were told and what GET
/v1/episodes/{id} shows: at most LIMIT check-ins, exactly LIMIT once "full"
was answered; seq 1..n without a gap; dates in seq order; every acknowledged
check-in stored at its seq with its date (nothing lost); nothing stored that
was not acknowledged (nothing duplicated, nothing refused stored); each seq
acknowledged once. Python 3 standard library only.
"""

import datetime
import json
import random
import threading

import faultlib as F

LIMIT = 100           # kMaxCheckinsPerEpisode
MAX_ROUNDS = 150      # per episode: ends a run whose episode never fills
ONSET = "2025-01-01"  # dates stay in the past, so none is "in the future"
STABLE = {"onset_date": ONSET, "findings": {"age_years": 40, "weight_kg": 70}}


def day(n):
    """ONSET plus n days, as YYYY-MM-DD."""
    return (datetime.date.fromisoformat(ONSET) + datetime.timedelta(days=n)).isoformat()


def findings(n):
    """A valid set of check-in findings, varied by n."""
    return {"back_pain": True, "back_pain_score": n % 11}


class Episode:
    """One episode under test: id, token, and the ledger of what clients were
    told about it. Thread-safe."""

    def __init__(self, episode_id, token):
        self.id, self.token = episode_id, token
        self._lock = threading.Lock()
        self.rounds = 0            # rounds run on it (Race's, between rounds only)
        self.attempts = 0          # check-ins tried (Race's, between rounds only)
        self.full = False          # some client was told "full" (the limit)
        self.acked = {}            # seq -> (date, who)
        self.twice = []            # seqs acknowledged more than once
        self.refused = {"limit": 0, "date": 0, "unavailable": 0}
        self.unexpected = []       # answers that are none of the above

    def acknowledged(self, seq, date, who):
        with self._lock:
            if seq in self.acked:
                self.twice.append(seq)
            self.acked[seq] = (date, who)

    def refusal(self, kind):
        with self._lock:
            self.refused[kind] += 1
            if kind == "limit":
                self.full = True

    def odd(self, what):
        with self._lock:
            self.unexpected.append(what)


class Race:
    """Runs `clients` (functions attempt(episode, date, n) that make one
    check-in and file its outcome in the episode) in rounds over `episodes`,
    as the module comment says; run() returns when every episode is full or
    has had MAX_ROUNDS rounds (or a client is stuck: broken)."""

    def __init__(self, episodes, clients):
        self.episodes, self.clients = episodes, clients
        self.broken = False   # a client waited at the barrier for more than 120 s
        self._turn = 0
        self._current = None  # the episode of this round; None: the race is over
        self._barrier = threading.Barrier(len(clients), action=self._next_round, timeout=120)

    def _next_round(self):
        """The barrier's action, run by one client while all wait."""
        for _ in range(len(self.episodes)):
            e = self.episodes[self._turn % len(self.episodes)]
            self._turn += 1
            if not e.full and e.rounds < MAX_ROUNDS:
                e.rounds += 1
                e.attempts += len(self.clients)
                self._current = e
                return
        self._current = None

    def _client(self, index, attempt):
        rng = random.Random(index)
        n = 0
        while True:
            try:
                self._barrier.wait()
            except threading.BrokenBarrierError:
                self.broken = True
                return
            e = self._current
            if e is None:
                return
            n += 1
            date = day(e.rounds + rng.randrange(3))
            try:
                attempt(e, date, n)
            except Exception as x:  # noqa: BLE001 - filed, and the barrier must not break
                e.odd(f"client {index}: {type(x).__name__}: {x}")

    def run(self):
        threads = [threading.Thread(target=self._client, args=(i, c)) for i, c in enumerate(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def record_http(episode, status, body, date, who):
    """Files one HTTP check-in answer (faultlib.http's status and body)."""
    message = F.error_message(body)
    if status == 201 and isinstance(body, dict) and isinstance(body.get("seq"), int):
        if body.get("date") != date:
            episode.odd(f"{who}: 201 for {date} says date {body.get('date')}")
        episode.acknowledged(body["seq"], date, who)
    elif status == 409 and "the most one episode can hold" in message:
        episode.refusal("limit")
    elif status == 400 and "is before the last check-in" in message:
        episode.refusal("date")
    elif status == 503:
        episode.refusal("unavailable")
    else:
        episode.odd(f"{who}: {status} {str(body)[:200]}")


def http_checkin(port, episode, date, n):
    """POST /v1/episodes/{id}/checkins; returns faultlib.http's (status, body, secs)."""
    return F.http(port, "POST", f"/v1/episodes/{episode.id}/checkins",
                  {"date": date, "findings": findings(n), "same_day": "add"}, episode.token, timeout=30)


def http_client(port, who):
    """A Race client that checks in over HTTP to `port`."""
    def attempt(episode, date, n):
        status, body, _ = http_checkin(port, episode, date, n)
        record_http(episode, status, body, date, who)
    return attempt


def stored_checkins(port, episode):
    """[(seq, date)] from GET /v1/episodes/{id}, or an error string."""
    status, body, _ = F.http(port, "GET", f"/v1/episodes/{episode.id}", token=episode.token, timeout=30)
    if status != 200 or not isinstance(body, dict):
        return f"GET /v1/episodes/{{id}}: {status} {str(body)[:200]}"
    return [(c["seq"], c["date"]) for c in body.get("checkins", [])]


def check_episode(label, episode, stored):
    """Checks every rule for one episode (faultlib.check); `stored` as
    stored_checkins returns it."""
    if not F.check(isinstance(stored, list), f"{label}: its check-ins can be read", stored):
        return
    seqs = [s for s, _ in stored]
    dates = [d for _, d in stored]
    F.check(len(stored) <= LIMIT, f"{label}: {len(stored)} check-ins stored, at most {LIMIT}")
    F.check(not episode.full or len(stored) == LIMIT,
            f"{label}: answered 'full' ({episode.refused['limit']} times) with exactly {LIMIT} stored")
    F.check(seqs == list(range(1, len(stored) + 1)), f"{label}: seq 1..{len(stored)} without a gap",
            f"seqs {seqs}")
    out_of_order = [(seqs[i], dates[i - 1], dates[i]) for i in range(1, len(dates)) if dates[i] < dates[i - 1]]
    F.check(not out_of_order, f"{label}: dates in seq order", f"out of order (seq, before, date): {out_of_order[:5]}")
    lost = [(s, d, who) for s, (d, who) in sorted(episode.acked.items()) if (s, d) not in set(stored)]
    F.check(not lost, f"{label}: all {len(episode.acked)} acknowledged check-ins stored at their seq and date",
            f"lost (seq, date, who): {lost[:5]}")
    extra = [(s, d) for s, d in stored if s not in episode.acked]
    F.check(not extra, f"{label}: nothing stored that was not acknowledged", f"extra (seq, date): {extra[:5]}")
    F.check(not episode.twice, f"{label}: each seq acknowledged once", f"twice: {episode.twice[:5]}")
    F.check(not episode.unexpected, f"{label}: every answer was a check-in or a refusal by the rules",
            "; ".join(episode.unexpected[:5]))


def summary(episodes):
    """One line of figures over all episodes."""
    total = lambda key: sum(e.refused[key] for e in episodes)  # noqa: E731
    return (f"{sum(e.attempts for e in episodes)} check-ins tried in {sum(e.rounds for e in episodes)} rounds "
            f"on {len(episodes)} episodes: "
            f"{sum(len(e.acked) for e in episodes)} stored; refused {total('limit')} (limit), "
            f"{total('date')} (date before the last), {total('unavailable')} (503 / store busy)")


def new_episodes(port, count):
    """`count` episodes made with POST /v1/episodes."""
    episodes = []
    for i in range(count):
        status, body, _ = F.http(port, "POST", "/v1/episodes", STABLE)
        if status != 201 or not isinstance(body, dict):
            F.fail_and_exit("episode_race", f"POST /v1/episodes: {status} {str(body)[:200]}")
        episodes.append(Episode(body["id"], body["token"]))
    return episodes


def body_json(n):
    """The CLI's check-in file: a request of the findings."""
    return json.dumps({"findings": findings(n)})
