#!/usr/bin/env python3
"""postgres_control.py CONTROL_JSON stop|start: stops or starts the restartable test cluster (scripts/test-servers
writes CONTROL_JSON and a `ctl` script that runs this). The postmaster started here outlives the caller; subprocess
closes every inherited descriptor (close_fds), so it does not keep a test process's connections to the shared
cluster open until max_connections runs out."""
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("stop", "start"):
        print(f"usage: {sys.argv[0]} CONTROL_JSON stop|start", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as file:
        cluster = json.load(file)
    if sys.argv[2] == "stop":
        command = [cluster["pg_ctl"], "-D", cluster["data"], "-m", "fast", "-w", "-t", "30", "stop"]
    else:
        command = [cluster["pg_ctl"], "-D", cluster["data"], "-l", cluster["log"], "-w", "-t", "30",
                   "-o", cluster["options"], "start"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, stdin=subprocess.DEVNULL, close_fds=True).returncode


if __name__ == "__main__":
    sys.exit(main())
