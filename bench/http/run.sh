#!/usr/bin/env bash
# The HTTP benchmarks of scripts/bench.sh: `norotriage serve` against nginx
# (bench/http/nginx.conf) in the same run, on loopback, with wrk (2 threads,
# 64 connections, bench/http/post.lua).
#
#   bench/http/run.sh --bin BUILD/norotriage --out DIR --request FILE [--seconds 10] [--idle 10000]
#
# Writes into DIR, each wrk run as http-RUN.txt (wrk's report) and
# http-RUN.json (its last line, post.lua's summary):
#   norotriage, nginx          POST /v1/assess of FILE; nginx sends norotriage's
#                              own answer to it from a file (the same bytes)
#   norotriage-doc, nginx-doc  GET /v1/openapi.json, the same document on both:
#                              the HTTP layer alone
#   healthz-base, healthz-idle GET /healthz on a second serve, before and while
#                              IDLE connections are held open by
#                              bench/http/idle_clients.py; with http-idle.json
#                              (VmRSS before and with them, in KiB, and how
#                              many stayed open)
# and http-body-bytes.txt, http-doc-bytes.txt.
#
# serve runs with its defaults (--threads: one I/O thread per core), except
# for the idle row: IDLE connections plus wrk's 64 are over the default
# --max-connections (10,000), and the default --idle-timeout (5 s) would
# close the idle ones during the run, so that serve gets --max-connections
# IDLE+1000 and --idle-timeout 600. Every process started here is stopped
# by its id on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="" out="" request="" seconds=10 idle=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --request) request="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
if [ -z "$bin" ] || [ -z "$out" ] || [ -z "$request" ]; then
  echo "usage: run.sh --bin BIN --out DIR --request FILE [--seconds N] [--idle N]" >&2
  exit 64
fi
mkdir -p "$out"

PIDS=()
TMP="$(mktemp -d /tmp/norotriage-http-bench.XXXXXX)"
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# A free loopback port (there is a small race until the server binds it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_serve NAME ARGS...: starts `norotriage serve` on a free port with a
# database of its own; sets SERVE_PID and SERVE_URL (http://127.0.0.1:PORT).
start_serve() {
  local name="$1" url=""
  shift
  : > "$TMP/$name.out"
  "$bin" serve --host 127.0.0.1 --port 0 --db "$TMP/$name.db" "$@" > "$TMP/$name.out" 2> /dev/null &
  SERVE_PID=$!
  PIDS+=("$SERVE_PID")
  for _ in $(seq 100); do
    url="$(sed -n 's/^norotriage listening on \(http:[^ ]*\).*/\1/p' "$TMP/$name.out" || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "run.sh: norotriage serve ($name) did not start" >&2; exit 1; }
  SERVE_URL="${url%/}"
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wrk_run RUN URL [BODY_FILE]: one wrk run, reported as http-RUN.{txt,json}.
wrk_run() {
  BODY="${3:-}" wrk -t2 -c64 -d"${seconds}s" --latency -s "$here/post.lua" "$2" > "$out/http-$1.txt"
  tail -n 1 "$out/http-$1.txt" > "$out/http-$1.json"
  grep -E 'Requests/sec|Latency  ' "$out/http-$1.txt" | sed "s/^/$1: /" >&2
}

vm_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# 1. POST /v1/assess and GET /v1/openapi.json, norotriage (its defaults) and nginx.
start_serve serve
serve_pid="$SERVE_PID" url="$SERVE_URL"
# nginx answers with norotriage's own answer to the same request.
mkdir -p "$TMP/nginx/html"
chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/html"
code="$(curl -s -o "$TMP/nginx/html/assess.json" -w '%{http_code}' -X POST \
  -H 'Content-Type: application/json' --data-binary "@$request" "$url/v1/assess")"
[ "$code" = 200 ] || { echo "run.sh: POST $url/v1/assess answered $code" >&2; exit 1; }
curl -sf -o "$TMP/nginx/html/openapi.json" "$url/v1/openapi.json"
chmod 644 "$TMP/nginx/html/assess.json" "$TMP/nginx/html/openapi.json"
port="$(free_port)"
sed -e "s|@PREFIX@|$TMP/nginx|g" -e "s|@PORT@|$port|g" "$here/nginx.conf" > "$TMP/nginx/nginx.conf"
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
nginx_pid=$!
PIDS+=("$nginx_pid")
nginx_url="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -s -o /dev/null -X POST --data-binary "@$request" "$nginx_url/v1/assess" && break
  sleep 0.1
done
wc -c < "$TMP/nginx/html/assess.json" > "$out/http-body-bytes.txt"
wc -c < "$TMP/nginx/html/openapi.json" > "$out/http-doc-bytes.txt"
# Each pair back to back, so that both sides of a ratio meet the same load.
wrk_run norotriage "$url/v1/assess" "$request"
wrk_run nginx "$nginx_url/v1/assess" "$request"
wrk_run norotriage-doc "$url/v1/openapi.json"
wrk_run nginx-doc "$nginx_url/v1/openapi.json"
stop "$nginx_pid"
stop "$serve_pid"

# 2. GET /healthz without, then with, IDLE idle connections held open.
start_serve idle --max-connections $((idle + 1000)) --idle-timeout 600
pid="$SERVE_PID"
wrk_run healthz-base "$SERVE_URL/healthz"  # also the warm-up: pools and arenas exist before "before"
rss_before="$(vm_rss_kib "$pid")"
fds_before="$(ls "/proc/$pid/fd" | wc -l)"
idle_port="${SERVE_URL##*:}"
python3 "$here/idle_clients.py" --port "$idle_port" --count "$idle" --seconds 600 \
  --json "$out/http-idle-clients.json" > "$TMP/idle.out" &
clients_pid=$!
PIDS+=("$clients_pid")
for _ in $(seq 600); do
  grep -q '^ready' "$TMP/idle.out" && break
  sleep 0.1
done
grep -q '^ready' "$TMP/idle.out" || { echo "run.sh: the idle clients did not connect" >&2; exit 1; }
# Connected is not accepted yet: wait until serve holds them all.
for _ in $(seq 300); do
  [ "$(ls "/proc/$pid/fd" | wc -l)" -ge $((fds_before + idle)) ] && break
  sleep 0.1
done
fds_with="$(ls "/proc/$pid/fd" | wc -l)"
sleep 1
rss_idle="$(vm_rss_kib "$pid")"
wrk_run healthz-idle "$SERVE_URL/healthz"
rss_after="$(vm_rss_kib "$pid")"
stop "$clients_pid"
stop "$pid"
python3 - "$out/http-idle.json" "$out/http-idle-clients.json" "$idle" "$rss_before" "$rss_idle" "$rss_after" \
  "$fds_before" "$fds_with" <<'EOF'
import json, sys
path, clients_path = sys.argv[1:3]
idle, before, with_idle, after, fds_before, fds_with = map(int, sys.argv[3:])
try:
    clients = json.load(open(clients_path))
except (OSError, ValueError):
    clients = {}
r = {"idle": idle, "rss_before_kib": before, "rss_idle_kib": with_idle, "rss_after_wrk_kib": after,
     "extra_rss_kib": max(with_idle, after) - before, "server_fds_before": fds_before,
     "server_fds_with": fds_with, "connected": clients.get("connected"),
     "open_at_end": clients.get("open_at_end"), "idle_timeout_s": 600}
json.dump(r, open(path, "w"))
print(f"idle: {idle} connections, {r['open_at_end']} still open at the end; VmRSS {before} -> "
      f"{max(with_idle, after)} KiB (+{r['extra_rss_kib'] / 1024:.1f} MiB)", file=sys.stderr)
EOF
