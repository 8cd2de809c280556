#!/usr/bin/env python3
# The load test (issue 7, "hardening"): `norotriage serve` on a SQLite file
# under wrk at its measured capacity for NOROTRIAGE_LOAD_SECONDS (default
# 120) with a realistic mix: POST /v1/assess with the vignette requests,
# POST /v1/interview part-way through interviews, GET /healthz, and
# episodes: new ones (POST /v1/episodes; the Lua script takes the id and
# token from the answer), check-ins and views with their bearer tokens. Each
# episode gets at most CHECKINS_PER_EPISODE check-ins (two weeks of daily
# ones) and is then left, as people recover: the data grow, but no episode
# grows without end (a check-in reads its episode's earlier ones), so memory
# can be flat whatever the throughput.
#
# Capacity: wrk is closed-loop (no fixed rate): each connection sends its next
# request as soon as the last is answered. A 5 s run at 1, 2, 4 and 8
# connections measures the throughput at each; the load run then uses as
# many connections as the server has worker threads (8, --threads), the
# closed-loop maximum: every worker always busy, nothing waiting in the
# accept queue (a connection beyond the workers would wait there for a
# worker's keep-alive connection to end). NOROTRIAGE_LOAD_CONNECTIONS
# overrides that count.
#
# Passes when: every request got a 2xx answer (wrk's response hook counts
# the statuses), wrk saw no socket error (connect, read, write, timeout), the
# server's memory is flat (the max VmRSS over the last third of the run is
# within max(10 %, 8 MiB) of the max over the first third, after a 10 s
# warm-up), and afterwards the server still answers and SIGTERM stops it with
# exit status 0. Prints requests/s, latency percentiles, the RSS series and
# the counts. Timing is never a criterion.
#
# Usage: load_test.py --binary build/norotriage --work <dir> --source <repo>
import argparse
import datetime
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_process import Fail, Log, NewEpisode, Request, Server, Spawn, VmRssKiB  # noqa: E402

WARMUP_S = 10.0
RSS_INTERVAL_S = 2.0
SERVER_THREADS = 8  # serve --threads (its default)
CHECKINS_PER_EPISODE = 14
POOL = 32  # episodes each wrk thread keeps in use

# The share of each kind of request, in percent (sums to 100).
MIX = [("assess", 66), ("interview", 15), ("healthz", 8), ("episode", 2), ("checkin", 6), ("view", 3)]

# All dated today: "same_day": "add" stores each (a write per check-in, as
# before a second check-in on one date was asked about).
CHECKIN_BODIES = [
    {"same_day": "add", "findings": {"back_pain": True, "back_pain_score": 4}},
    {"same_day": "add", "findings": {"back_pain": True, "back_pain_score": 6, "back_pain_trend": "worse"}},
    {"same_day": "add", "findings": {"gi_ongoing": True, "vomits_24h": 3, "stools_24h": 5, "keeps_fluids_down": True}},
    {"same_day": "add", "findings": {"leg_aches": True, "leg_aches_score": 3, "gi_ongoing": False}},
    {"same_day": "add", "findings": {"vomits_24h": 0, "stools_24h": 1, "temperature_c": 37.4}},
]


def LuaString(s):
    return "[==[" + s + "]==]"


def BuildBodies(source):
    """The assess and interview bodies: every valid vignette request, and each
    one's findings cut short (an interview part-way)."""
    assess, interview = [], [json.dumps({"findings": {}}), json.dumps({"findings": {"age_years": 34}})]
    for path in sorted(glob.glob(os.path.join(source, "tests", "vignettes", "v*.json"))):
        with open(path) as f:
            vignette = json.load(f)
        if vignette.get("expect", {}).get("error"):
            continue  # the vignettes of bad input
        request = vignette["request"]
        assess.append(json.dumps(request))
        findings = list(request.get("findings", {}).items())
        interview.append(json.dumps({"findings": dict(findings[: max(1, len(findings) // 2)])}))
    if len(assess) < 5:
        Fail("fewer than 5 vignettes under %s/tests/vignettes" % source)
    return assess, interview


def EpisodeBodies():
    today = datetime.datetime.now(datetime.timezone.utc).date()
    return [{"onset_date": (today - datetime.timedelta(days=1 + i % 5)).isoformat(),
             "findings": {"age_years": 18 + 7 * i, "weight_kg": 55 + 4 * i}} for i in range(8)]


def Preflight(port, assess, interview):
    """Every body the mix sends gets a 2xx when sent alone (so a non-2xx under
    load is the load's doing, not a bad body)."""
    for body in assess:
        status, text = Request(port, "POST", "/v1/assess", body)
        if status != 200:
            Fail("preflight POST /v1/assess %s: %d %s" % (body[:80], status, text[:300]))
    for body in interview:
        status, text = Request(port, "POST", "/v1/interview", body)
        if status != 200:
            Fail("preflight POST /v1/interview %s: %d %s" % (body[:80], status, text[:300]))
    for body in EpisodeBodies():
        eid, token = NewEpisode(port, body)
    for body in CHECKIN_BODIES:
        status, text = Request(port, "POST", "/v1/episodes/%s/checkins" % eid, body, token)
        if status != 201:
            Fail("preflight check-in %s: %d %s" % (json.dumps(body), status, text[:300]))


def WriteLua(path, assess, interview):
    bounds, acc = [], 0
    for kind, share in MIX:
        acc += share
        bounds.append("{%s, %d}" % (LuaString(kind), acc))
    lines = [
        "-- Generated by tests/fault/load_test.py: the request mix.",
        "local assess = {" + ",\n".join(LuaString(b) for b in assess) + "}",
        "local interview = {" + ",\n".join(LuaString(b) for b in interview) + "}",
        "local checkins = {" + ",\n".join(LuaString(json.dumps(b)) for b in CHECKIN_BODIES) + "}",
        "local new_episodes = {" + ",\n".join(LuaString(json.dumps(b)) for b in EpisodeBodies()) + "}",
        "local mix = {" + ", ".join(bounds) + "}",
        "local CHECKINS_PER_EPISODE = %d" % CHECKINS_PER_EPISODE,
        "local POOL = %d" % POOL,
        r"""
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

-- Per thread (globals, so done() can read them with thread:get).
counter = 0
non2xx = 0
first_bad = ""
sent = {assess = 0, interview = 0, healthz = 0, episode = 0, checkin = 0, view = 0}
statuses = {}
pool = {}    -- this thread's episodes in use: {id, token, left}
cursor = 0

local json = {["Content-Type"] = "application/json"}

function init(args)
  counter = tid * 7919  -- threads start at different points of the cycle
end

local function pick(list, n) return list[(n % #list) + 1] end

function request()
  counter = counter + 1
  local r = (counter * 37) % 100  -- 37 is prime to 100: every share, evenly spread
  local kind
  for _, m in ipairs(mix) do
    if r < m[2] then kind = m[1]; break end
  end
  if kind == "checkin" or kind == "view" then
    if #pool == 0 then kind = "episode" end  -- none yet: make one
  end
  sent[kind] = sent[kind] + 1
  if kind == "assess" then
    return wrk.format("POST", "/v1/assess", json, pick(assess, counter))
  elseif kind == "interview" then
    return wrk.format("POST", "/v1/interview", json, pick(interview, counter))
  elseif kind == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  if kind == "episode" then
    return wrk.format("POST", "/v1/episodes", json, pick(new_episodes, counter))
  end
  cursor = (cursor % #pool) + 1
  local e = pool[cursor]
  local auth = {["Authorization"] = "Bearer " .. e.token, ["Content-Type"] = "application/json"}
  if kind == "checkin" then
    e.left = e.left - 1
    if e.left <= 0 then table.remove(pool, cursor) end  -- recovered: no more check-ins
    return wrk.format("POST", "/v1/episodes/" .. e.id .. "/checkins", auth, pick(checkins, counter))
  end
  return wrk.format("GET", "/v1/episodes/" .. e.id, auth)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 and string.find(body, '"token":', 1, true) then  -- a new episode
    local id = string.match(body, '"id":"(%x+)"')
    local token = string.match(body, '"token":"([^"]+)"')
    if id and token then
      table.insert(pool, {id = id, token = token, left = CHECKINS_PER_EPISODE})
      if #pool > POOL then table.remove(pool, 1) end
    end
  end
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local total = {non2xx = 0, sent = {}, statuses = {}}
  local first = ""
  for _, t in ipairs(threads) do
    total.non2xx = total.non2xx + t:get("non2xx")
    if first == "" then first = t:get("first_bad") end
    for k, v in pairs(t:get("sent")) do total.sent[k] = (total.sent[k] or 0) + v end
    for k, v in pairs(t:get("statuses")) do total.statuses[k] = (total.statuses[k] or 0) + v end
  end
  local function map(m)
    local parts = {}
    for k, v in pairs(m) do table.insert(parts, string.format('"%s": %d', k, v)) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  first = first:gsub("[^%w%p ]", " "):gsub('[\\"]', "'")  -- safe inside a JSON string
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us": %d, "requests": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "non2xx": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "sent": %s, "statuses": %s, "first_bad": "%s"}\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout, total.non2xx,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    map(total.sent), map(total.statuses), first))
end
""",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def RunWrk(port, lua, connections, seconds, timeout_s=10):
    threads = min(connections, 2)
    argv = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "%ds" % timeout_s,
            "-s", lua, "http://127.0.0.1:%d" % port]
    p = Spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        p.kill()
        Fail("wrk did not finish within %d s" % (seconds + 60))
    m = re.search(r"^WRK_RESULT (\{.*\})$", out, re.M)
    if p.returncode != 0 or not m:
        Fail("wrk failed (status %d):\n%s" % (p.returncode, out))
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


class RssSampler(threading.Thread):
    """VmRSS of `pid` every RSS_INTERVAL_S: (seconds since start, KiB)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples = []
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def run(self):
        while True:
            rss = VmRssKiB(self.pid)
            if rss is not None:
                self.samples.append((time.monotonic() - self.t0, rss))
            if self.stop.wait(RSS_INTERVAL_S):
                return


def Mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def CheckCounts(label, r):
    problems = []
    if r["errors"]:
        problems.append("%d socket errors (connect %d, read %d, write %d, timeout %d)" %
                        (r["errors"], r["connect"], r["read"], r["write"], r["timeout"]))
    if r["non2xx"]:
        problems.append("%d non-2xx responses (statuses %s; first: %s)" % (r["non2xx"], r["statuses"], r["first_bad"]))
    if problems:
        Fail("%s: %s" % (label, "; ".join(problems)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    seconds = int(os.environ.get("NOROTRIAGE_LOAD_SECONDS", "120"))
    if seconds < 30:
        Fail("NOROTRIAGE_LOAD_SECONDS must be at least 30 (a 10 s warm-up and two thirds to compare)")
    if not shutil.which("wrk"):
        Fail("wrk not found (the Debian package wrk)")

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    server = Server(args.binary, os.path.join(args.work, "load.db"), os.path.join(args.work, "server.log"),
                    ["--threads", str(SERVER_THREADS)])
    err = server.Start()
    if err:
        Fail("server start: %s\n%s" % (err, server.LogTail()))
    port = server.port
    Log("server pid %d on port %d, db %s" % (server.pid, port, server.db))

    assess, interview = BuildBodies(args.source)
    Preflight(port, assess, interview)
    lua = os.path.join(args.work, "mix.lua")
    WriteLua(lua, assess, interview)
    Log("mix: %s; %d assess bodies, %d interview bodies, %d check-in bodies; at most %d check-ins per episode" %
        (", ".join("%s %d%%" % m for m in MIX), len(assess), len(interview), len(CHECKIN_BODIES),
         CHECKINS_PER_EPISODE))

    # Capacity: the closed-loop throughput at a few connection counts.
    best = None
    for c in (1, 2, 4, SERVER_THREADS):
        r = RunWrk(port, lua, c, 5)
        CheckCounts("capacity run with %d connections" % c, r)
        Log("capacity: %d connection(s): %.0f requests/s, p50 %.2f ms, p99 %.2f ms" %
            (c, r["rps"], r["p50_us"] / 1e3, r["p99_us"] / 1e3))
        if best is None or r["rps"] > best[1]:
            best = (c, r["rps"])
    connections = int(os.environ.get("NOROTRIAGE_LOAD_CONNECTIONS", str(SERVER_THREADS)))
    Log("measured capacity: at most %.0f requests/s (with %d connections); the load run: %d connections "
        "(one per worker thread), %d s" % (best[1], best[0], connections, seconds))

    sampler = RssSampler(server.pid)
    sampler.start()
    r = RunWrk(port, lua, connections, seconds)
    sampler.stop.set()
    sampler.join()

    Log("load: %d requests in %.1f s = %.0f requests/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms" %
        (r["requests"], r["duration_us"] / 1e6, r["rps"], r["p50_us"] / 1e3, r["p90_us"] / 1e3, r["p99_us"] / 1e3,
         r["max_us"] / 1e3))
    Log("load: sent by kind %s; statuses %s" % (json.dumps(r["sent"], sort_keys=True),
                                                 json.dumps(r["statuses"], sort_keys=True)))
    Log("load: socket errors connect %d, read %d, write %d, timeout %d; non-2xx %d" %
        (r["connect"], r["read"], r["write"], r["timeout"], r["non2xx"]))

    conn = sqlite3.connect(server.db)
    n_episodes, n_checkins, most = conn.execute(
        "SELECT (SELECT COUNT(*) FROM episodes), (SELECT COUNT(*) FROM checkins), "
        "(SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM checkins GROUP BY episode_id))").fetchone()
    conn.close()
    Log("data: %d episodes, %d check-ins (at most %d in one episode); database file %s" %
        (n_episodes, n_checkins, most, Mib(os.path.getsize(server.db) / 1024.0)))

    s = sampler.samples
    if len(s) < 6:
        Fail("only %d RSS samples" % len(s))
    t_end = s[-1][0]
    warm = [kib for t, kib in s if t >= WARMUP_S]
    first = [kib for t, kib in s if WARMUP_S <= t <= max(t_end / 3.0, WARMUP_S + 2 * RSS_INTERVAL_S)]
    last = [kib for t, kib in s if t >= t_end * 2.0 / 3.0]
    Log("rss: %d samples every %.0f s; start %s, after warm-up %s, end %s, max %s" %
        (len(s), RSS_INTERVAL_S, Mib(s[0][1]), Mib(warm[0]), Mib(s[-1][1]), Mib(max(k for _, k in s))))
    Log("rss: series (MiB) " + " ".join("%.1f" % (k / 1024.0) for _, k in s))
    allowed = max(0.10 * max(first), 8 * 1024)
    growth = max(last) - max(first)
    Log("rss: max over the first third (after warm-up) %s, over the last third %s: growth %s (allowed %s)" %
        (Mib(max(first)), Mib(max(last)), Mib(growth), Mib(allowed)))

    CheckCounts("load run", r)
    if growth > allowed:
        Fail("memory grew by %s over the run (allowed %s)" % (Mib(growth), Mib(allowed)))

    # Still answering, and a clean stop.
    status, text = Request(port, "GET", "/healthz")
    if status != 200:
        Fail("after the load: GET /healthz: %d %s" % (status, text[:200]))
    status, text = Request(port, "POST", "/v1/assess", assess[0])
    if status != 200:
        Fail("after the load: POST /v1/assess: %d %s" % (status, text[:200]))
    server.Signal(signal.SIGTERM)
    code = server.Wait(30)
    if code != 0:
        Fail("SIGTERM: exit status %s (want 0)\n%s" % (code, server.LogTail()))
    Log("after the load: the server answered, and SIGTERM stopped it with exit status 0")
    for suffix in ("", "-wal", "-shm"):  # hundreds of MiB; kept only when the test fails
        if os.path.exists(server.db + suffix):
            os.remove(server.db + suffix)
    Log("PASS")


if __name__ == "__main__":
    main()
