#!/usr/bin/env python3
"""The scale-out example, tested (ctest pg_scale_out; issue 15, item 5): two
`norotriage serve` processes on one PostgreSQL database behind nginx as the
load balancer, with the configuration of README.md
(deploy/nginx-norotriage.conf), keep every episode rule.

  pg_scale_out.py --binary PATH/norotriage --nginx /usr/sbin/nginx \\
                  --config deploy/nginx-norotriage.conf

Runs inside a throw-away cluster: tests/pg/run_under_pg_virtualenv.sh starts
it under `pg_virtualenv -t`, which sets the PG* variables.

  1. A new database; two `serve --db postgresql:///<it>` on ports of their own.
  2. nginx as a child of this script (unprivileged: as root it runs as
     nobody), with its own configuration, pid, logs and temporary files under
     a temporary directory; the deploy file is used as it is, with only its
     three addresses replaced by the ports of this run.
  3. CLIENTS clients check in through nginx to EPISODES episodes, all at the
     same moment in each round, with racing dates, until each answers "full"
     (episode_race.py).
  4. Every rule holds (at most 100, date order, every 2xx check-in in GET
     /v1/episodes/{id}, nothing stored twice or after a refusal), and both
     servers served check-ins (their access-log lines on stderr).
Prints the figures. Timing is never a criterion.
"""

import argparse
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import episode_race as R  # noqa: E402
import faultlib as F  # noqa: E402

NAME = "pg_scale_out"
EPISODES = 3
CLIENTS = 6
CHECKIN_ROUTE = "/v1/episodes/{id}/checkins"  # as the access log names it

# The addresses in deploy/nginx-norotriage.conf that a run replaces.
LISTEN, FIRST, SECOND = "127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:8082"

NGINX_CONF = """\
# Written by tests/fault/pg_scale_out.py: a private nginx around the deploy file.
# One process (no master and workers), so that it dies with the test: a
# worker outlives a killed master.
daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    include {dir}/norotriage.conf;
}}
"""


class Nginx:
    """nginx as a child process; kill() is what faultlib's cleanup calls."""

    def __init__(self, binary, directory):
        self.binary, self.dir, self.proc = binary, directory, None

    def start(self, config_text, port, timeout=15):
        """Starts nginx; returns '' or what went wrong."""
        os.makedirs(os.path.join(self.dir, "temp"), exist_ok=True)
        with open(os.path.join(self.dir, "norotriage.conf"), "w") as f:
            f.write(config_text)
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir))
        argv = ["setpriv", "--pdeathsig", "KILL"]
        if os.geteuid() == 0:
            # Unprivileged even when the tests run as root.
            subprocess.run(["chown", "-R", "nobody:nogroup", self.dir], check=True)
            argv += ["--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        argv += ["--", self.binary, "-p", self.dir + "/", "-e", os.path.join(self.dir, "error.log"),
                 "-c", os.path.join(self.dir, "nginx.conf")]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "stderr.log"), "w"))
        F.adopt(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"nginx exited with status {self.proc.returncode}: {self.errors()}"
            status, _, _ = F.http(port, "GET", "/healthz", timeout=2)
            if status == 200:
                return ""
            time.sleep(0.1)
        return f"nginx did not answer GET /healthz within {timeout} s: {self.errors()}"

    def errors(self):
        text = ""
        for name in ("stderr.log", "error.log"):
            try:
                with open(os.path.join(self.dir, name)) as f:
                    text += f.read()
            except OSError:
                pass
        return text.strip()[-2000:]

    def kill(self):
        """SIGTERM (nginx's fast shutdown), SIGKILL after 5 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deploy_config(path, listen_port, first_port, second_port):
    """The deploy file with its three addresses replaced; exits if it no longer has them."""
    with open(path) as f:
        text = f.read()
    for address in (LISTEN, FIRST, SECOND):
        if text.count(address) != 1:
            F.fail_and_exit(NAME, f"{path}: expected {address} exactly once, found {text.count(address)}")
    return (text.replace(LISTEN, f"127.0.0.1:{listen_port}")
                .replace(FIRST, f"127.0.0.1:{first_port}")
                .replace(SECOND, f"127.0.0.1:{second_port}"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--nginx", required=True)
    ap.add_argument("--config", required=True, help="deploy/nginx-norotriage.conf")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not (os.path.isfile(args.nginx) and os.access(args.nginx, os.X_OK)):
        F.fail_and_exit(NAME, f"no nginx at {args.nginx!r}: install the Debian package nginx (scripts/setup.sh)")
    if not os.environ.get("PGPORT") and not os.environ.get("PGHOST"):
        F.fail_and_exit(NAME, "no PG* variables: run me under pg_virtualenv (as ctest does)")
    root = F.temp_dir("norotriage_scale_out_")
    os.chmod(root, 0o711)  # nginx, as nobody, reaches its directory below

    dbname = f"nt_scale_out_{os.getpid()}"
    r = F.sh(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
              f"CREATE DATABASE {dbname} ENCODING 'UTF8' TEMPLATE template0"], timeout=60)
    if r.returncode != 0:
        F.fail_and_exit(NAME, f"CREATE DATABASE: {r.stderr.strip()}")
    url = f"postgresql:///{dbname}"

    servers = [F.Server(binary, url, os.path.join(root, f"serve{i + 1}.log")) for i in range(2)]
    for i, s in enumerate(servers):
        why = s.start()
        if why:
            F.fail_and_exit(NAME, f"serve {i + 1}: {why}\n{s.log_text()[-2000:]}")
    nginx = Nginx(args.nginx, os.path.join(root, "nginx"))
    port = free_port()
    why = nginx.start(deploy_config(args.config, port, servers[0].port, servers[1].port), port)
    if why:
        F.fail_and_exit(NAME, why)
    F.log(f"== nginx on :{port} in front of serve :{servers[0].port} and serve :{servers[1].port}, "
          f"one PostgreSQL database")

    episodes = R.new_episodes(port, EPISODES)
    checkin_lines_before = [s.log_text().count(CHECKIN_ROUTE) for s in servers]
    start = time.monotonic()
    race = R.Race(episodes, [R.http_client(port, f"client{i}") for i in range(CLIENTS)])
    race.run()
    secs = time.monotonic() - start
    F.log(f"   {CLIENTS} clients: {R.summary(episodes)} in {secs:.1f} s")

    for i, e in enumerate(episodes):
        F.log(f"   episode {i + 1}: {e.attempts} tried, {len(e.acked)} stored; refused {e.refused}")
        R.check_episode(f"episode {i + 1}", e, R.stored_checkins(port, e))
    F.check(not race.broken, "every round of the race finished")
    F.check(sum(e.refused["date"] for e in episodes) > 0,
            "some check-ins were refused for a date before the last (the dates raced)")
    served = [s.log_text().count(CHECKIN_ROUTE) - b for s, b in zip(servers, checkin_lines_before)]
    F.log(f"   check-ins served: serve 1 {served[0]}, serve 2 {served[1]}")
    F.check(all(n > 0 for n in served), "both servers served check-ins", str(served))
    F.check(sum(served) == sum(e.attempts for e in episodes),
            "every check-in reached a server exactly once (none resent by nginx)",
            f"{sum(served)} served, {sum(e.attempts for e in episodes)} sent")
    nginx.kill()
    for i, s in enumerate(servers):
        F.check(s.stop() == 0, f"serve {i + 1} stops on SIGTERM with status 0")
    return F.finish(NAME)


if __name__ == "__main__":
    sys.exit(main())
