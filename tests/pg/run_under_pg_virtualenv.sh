#!/usr/bin/env bash
# Runs a test binary in a throw-away PostgreSQL cluster (ctest's postgres_store):
#
#   run_under_pg_virtualenv.sh PG_VIRTUALENV TEST_BINARY [ARGS...]
#
# is `pg_virtualenv -t TEST_BINARY ARGS...` (Debian's postgresql-common: a new
# cluster, the PG* variables set, the cluster dropped at the end; -t keeps it
# in a temporary directory even as root), with two additions so that several
# runs at once (other build trees, other users) do not collide:
#   - the cluster gets a random port (pg_virtualenv picks the first free one
#     from 5432, so simultaneous runs race for the same port and socket);
#   - if the cluster cannot be started, it tries again on another port, up to
#     three times. A failure of the tests themselves is never retried.
# The exit status is the test binary's, or 1 if no cluster could be started.
set -u

if [ "$#" -lt 2 ]; then
  echo "usage: $0 PG_VIRTUALENV TEST_BINARY [ARGS...]" >&2
  exit 2
fi
pg_virtualenv=$1
shift

for attempt in 1 2 3; do
  port=$((20000 + RANDOM % 40000))
  marker=$(mktemp -u "${TMPDIR:-/tmp}/norotriage_pg_started.XXXXXX")
  # The marker shows that the cluster was up and the tests ran.
  PGPORT=$port "$pg_virtualenv" -t sh -c 'touch "$0" && exec "$@"' "$marker" "$@" </dev/null
  status=$?
  if [ -e "$marker" ]; then
    rm -f "$marker"
    exit "$status"
  fi
  echo "run_under_pg_virtualenv.sh: no PostgreSQL cluster on port $port (attempt $attempt of 3, status $status)" >&2
done
echo "run_under_pg_virtualenv.sh: could not start a PostgreSQL cluster with $pg_virtualenv; the PostgreSQL store tests did not run" >&2
exit 1
