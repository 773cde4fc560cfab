"""Throwaway PostgreSQL clusters: trust auth, loopback and a private socket directory only, deleted on stop."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .processes import StartFailed, as_postgres, free_port, log, print_log_tail

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CONTROL_PROGRAM = Path(__file__).with_name("postgres_control.py")


def _run_logged(command, logfile, what, *more_logs):
    with open(logfile, "wb") as output:
        finished = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    if finished.returncode != 0:
        log(f"{what} failed")
        for path in (logfile, *more_logs):
            print_log_tail(path)
        raise StartFailed(what)


def start_cluster(state, name, timeout):
    """Starts a cluster under STATE/NAME and returns its URL (role herald, SUPERUSER so that tests may
    CREATE DATABASE per test). Records its data directory in STATE/NAME.datadir for `stop`."""
    port = free_port()
    home = state / name
    data, socket_dir = home / "data", home / "socket"
    data.mkdir(parents=True)
    socket_dir.mkdir()
    if os.geteuid() == 0:
        for path in (home, data, socket_dir):
            shutil.chown(path, "postgres", "postgres")
    data.chmod(0o700)
    (state / f"{name}.datadir").write_text(f"{data}\n")

    _run_logged(as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--locale=C",
                             "--auth-local=trust", "--auth-host=trust"]),
                state / "logs" / f"initdb-{name}.log", "initdb")
    # fsync=off: durability is pointless for a throwaway cluster and makes CREATE DATABASE per test much faster.
    # max_connections=1000: tests run in parallel, each app instance keeps a pool, and the reliability tests run
    # several `herald serve` processes at once.
    options = (f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=1000")
    server_log = home / "postgres.log"
    _run_logged(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(server_log), "-w", "-t",
                             str(int(timeout)), "-o", options, "start"]),
                state / "logs" / f"pg_ctl-{name}.log", "PostgreSQL did not start", server_log)
    _run_logged(as_postgres([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(socket_dir),
                             "-p", str(port), "-U", "postgres", "-d", "postgres",
                             "-c", "CREATE ROLE herald LOGIN SUPERUSER PASSWORD 'herald'",
                             "-c", "CREATE DATABASE herald OWNER herald"]),
                state / "logs" / f"psql-{name}.log", "creating role/database herald")
    # Prove the URL we export works over TCP, as the tests will use it.
    _run_logged(as_postgres([str(PG_BIN / "psql"), "-X", "-q", "-At", "-h", "127.0.0.1", "-p", str(port),
                             "-U", "herald", "-d", "herald", "-c", "SELECT 1"]),
                state / "logs" / f"psql-{name}.log", "connecting as herald over TCP")
    (home / "control.json").write_text(json.dumps({
        "pg_ctl": str(PG_BIN / "pg_ctl"), "data": str(data), "log": str(server_log), "options": options,
    }))
    log(f"PostgreSQL {name} on 127.0.0.1:{port}")
    return f"postgres://herald:herald@127.0.0.1:{port}/herald"


def control_script(state, name):
    """An executable `CTL stop` / `CTL start` for a test that stops and starts this cluster under a running Herald
    (never the shared one, which other tests use at the same moment): it runs postgres_control.py."""
    script = state / name / "ctl"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{CONTROL_PROGRAM}" "{state / name / "control.json"}" "$@"\n')
    script.chmod(0o755)
    return script


def stop_clusters(state):
    """Fast shutdown through pg_ctl of every cluster recorded in STATE; the shared one's postmaster PID is also
    under pids/, so signals stop it if pg_ctl fails."""
    for record in state.glob("*.datadir"):
        data = Path(record.read_text().strip())
        if (data / "postmaster.pid").is_file():
            subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "20",
                                        "stop"]), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def record_postmaster(state, name):
    """The postmaster's PID under pids/, for stop to signal if pg_ctl fails (not for the restartable cluster:
    its PID changes on restart)."""
    pid = (state / name / "data" / "postmaster.pid").read_text().splitlines()[0]
    (state / "pids" / f"{name}.pid").write_text(f"{pid}\n")
