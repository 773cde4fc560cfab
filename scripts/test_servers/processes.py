"""Starting, waiting for and stopping the servers' processes."""
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path


def log(message):
    print(f"test-servers: {message}", file=sys.stderr, flush=True)


class StartFailed(Exception):
    """A server did not come up; the message says which and why (its log tail is already printed)."""


def as_postgres(command):
    """PostgreSQL refuses to run as root: as root, run `command` as the postgres user; otherwise as ourselves
    (a developer's own account works too)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def free_port():
    """A free TCP port on 127.0.0.1. There is a small window between closing the probe socket and the server
    binding it; the kernel hands ports out in a way that makes an immediate collision very unlikely, and a
    collision makes the start fail loudly rather than silently."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def print_log_tail(path, lines=40):
    path = Path(path)
    if path.is_file():
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        print(f"----- last lines of {path} -----", *tail, f"----- end of {path} -----", sep="\n", file=sys.stderr)


def _greets(port, kind):
    """True once 127.0.0.1:PORT accepts a connection and, for SMTP, sends its 220 greeting."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
        if kind == "tcp":
            return True
        if kind == "tls-smtp":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection = context.wrap_socket(connection)
        connection.settimeout(5)
        greeting = connection.recv(512)
        if not greeting.startswith(b"220"):
            raise OSError(f"unexpected greeting {greeting!r}")
        connection.sendall(b"QUIT\r\n")
        return True


def wait_for_port(name, port, process, logfile, kind, timeout):
    """Waits until the server listens on PORT (kind: tcp, smtp or tls-smtp); fails early if the process died."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            last = f"process {process.pid} exited with status {process.returncode}"
            break
        try:
            if _greets(port, kind):
                return
        except OSError as error:
            last = error
        time.sleep(0.1)
    else:
        last = f"timed out after {timeout}s: {last}"
    log(f"{name} did not start listening on 127.0.0.1:{port} ({last})")
    print_log_tail(logfile)
    raise StartFailed(name)


def spawn(state, name, command):
    """Starts a long-running server, its output in logs/NAME.log and its PID in pids/NAME.pid.
    Its own session and process group: it does not get a terminal's Ctrl-C before `stop` has stopped it in order,
    and `stop` can signal the whole group. It outlives this program (init reaps it)."""
    logfile = state / "logs" / f"{name}.log"
    with open(logfile, "wb") as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    (state / "pids" / f"{name}.pid").write_text(f"{process.pid}\n")
    return process, logfile


def alive(pid):
    """A process counts as gone once it is a zombie: the servers outlive `start`, so init reaps them, which may
    take a while."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by another user
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state follows the command name in parentheses, which may itself contain spaces or parentheses.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _signal_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except OSError:
        try:
            os.kill(pid, signum)
        except OSError:
            pass


def stop_pid(name, pid):
    """SIGTERM to the process group (see spawn), up to 10 s to go, then SIGKILL."""
    if not alive(pid):
        return
    _signal_group(pid, signal.SIGTERM)
    for _ in range(100):
        if not alive(pid):
            return
        time.sleep(0.1)
    log(f"{name} (pid {pid}) ignored SIGTERM; killing it")
    _signal_group(pid, signal.SIGKILL)
