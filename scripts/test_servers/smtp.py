"""The SMTP servers: aiosmtpd (scripts/smtp-test-server.py), Postfix's smtp-sink, and the scripted fault server
(scripts/smtp-fault-server.py), with a throwaway CA for the TLS listeners."""
import os
import sys
from pathlib import Path

from .certificates import make_ca_and_server_certificate
from .processes import StartFailed, free_port, log, spawn, wait_for_port

SCRIPTS = Path(__file__).resolve().parent.parent
SMTP_SINK = os.environ.get("SMTP_SINK", "/usr/sbin/smtp-sink")
PYTHON = os.environ.get("PYTHON", sys.executable)
USERNAME, PASSWORD = "herald", "herald-test-password"


# smtp-sink flags (see `man smtp-sink`, verified with smtplib probes):
#   -f CMD  reject CMD with a hard 5xx error ("550 5.0.0 Error: command failed"); implies -p (no PIPELINING)
#   -r CMD  reject CMD with a soft 4xx error ("450 4.0.0 Error: command failed"); implies -p
#   -Q CMD  reply "421 4.0.0 Error: command failed" and disconnect after CMD
#   CMD "." means the end-of-DATA dot, i.e. the message text was received in full.
SINKS = [
    ("sink", "SMTP_TEST_SINK_PORT", []),
    ("sink-soft-reject", "SMTP_TEST_SINK_SOFT_REJECT_PORT", ["-r", "rcpt"]),
    ("sink-hard-reject", "SMTP_TEST_SINK_HARD_REJECT_PORT", ["-f", "rcpt"]),
    ("sink-data-reject", "SMTP_TEST_SINK_DATA_REJECT_PORT", ["-f", "."]),
    ("sink-disconnect", "SMTP_TEST_SINK_DISCONNECT_PORT", ["-Q", "rcpt"]),
]

FAULT_MODES = ["accept", "accept-slow", "greeting-421", "greeting-drop", "greeting-stall", "greeting-ssh", "ehlo-421", "ehlo-drop",
               "mail-421", "mail-drop", "rcpt-421", "rcpt-drop", "data-421", "data-drop", "body-drop", "dot-421",
               "dot-drop", "dot-stall", "dot-554"]


def make_certificates(state, export):
    """A self-signed CA and a server certificate it issued for localhost and 127.0.0.1, proven valid for both."""
    directory = state / "tls"
    make_ca_and_server_certificate(directory, state / "logs" / "openssl.log", "DNS:localhost,IP:127.0.0.1",
                                   checks=[["-verify_hostname", "localhost"], ["-verify_ip", "127.0.0.1"]])
    export("SMTP_TEST_CA_FILE", directory / "ca.pem")


def start_aiosmtpd(state, export, timeout):
    starttls, tls, plain = free_port(), free_port(), free_port()
    maildir = state / "maildir"
    maildir.mkdir()
    # -u: unbuffered, so the log is current if we have to print it.
    process, logfile = spawn(state, "smtp-test-server", [
        PYTHON, "-u", str(SCRIPTS / "smtp-test-server.py"), "--host", "127.0.0.1", "--starttls-port", str(starttls),
        "--tls-port", str(tls), "--plain-port", str(plain), "--cert", str(state / "tls" / "server.pem"),
        "--key", str(state / "tls" / "server.key"), "--maildir", str(maildir), "--user", USERNAME,
        "--password", PASSWORD])
    for name, port, kind in [("smtp-test-server", starttls, "smtp"), ("smtp-test-server-tls", tls, "tls-smtp"),
                             ("smtp-test-server-plain", plain, "smtp")]:
        wait_for_port(name, port, process, logfile, kind, timeout)
    export("SMTP_TEST_STARTTLS_PORT", starttls)
    export("SMTP_TEST_TLS_PORT", tls)
    export("SMTP_TEST_PLAIN_PORT", plain)
    export("SMTP_TEST_USERNAME", USERNAME)
    export("SMTP_TEST_PASSWORD", PASSWORD)
    export("SMTP_TEST_MAILDIR", maildir)
    log(f"aiosmtpd: starttls={starttls} tls={tls} plain={plain}, mail in {maildir}")


def start_sinks(state, export, timeout):
    # -u nobody: drop root after binding (smtp-sink requires it when started as root). 256: the listen backlog.
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    for name, variable, flags in SINKS:
        port = free_port()
        process, logfile = spawn(state, name, [SMTP_SINK, *user, *flags, f"127.0.0.1:{port}", "256"])
        wait_for_port(name, port, process, logfile, "smtp", timeout)
        export(variable, port)
        log(f"{name} on 127.0.0.1:{port}")


def start_fault_server(state, export, timeout, attempts=3):
    fault_log = state / "fault-smtp.jsonl"
    for attempt in range(1, attempts + 1):
        specs = [f"{mode}={free_port()}" for mode in FAULT_MODES]
        # The last listener: the server binds them in order, so when it answers every port is bound.
        last_port = int(specs[-1].split("=")[1])
        process, logfile = spawn(state, "smtp-fault-server", [
            PYTHON, "-u", str(SCRIPTS / "smtp-fault-server.py"), "--host", "127.0.0.1", "--log", str(fault_log), *specs])
        try:
            wait_for_port("smtp-fault-server", last_port, process, logfile, "smtp", timeout)
            break
        except StartFailed:
            # 19 ports are probed free and bound a moment later; in between another process (an outgoing
            # connection's ephemeral port) can take one. Seen once on a busy machine: new ports, not a failed run.
            taken = "address already in use" in Path(logfile).read_text(errors="replace")
            if attempt == attempts or not taken or process.poll() is None:
                raise
            log("smtp-fault-server: a probed port was taken before it was bound; trying new ports")
    export("SMTP_TEST_FAULT_PORTS", ",".join(specs))
    export("SMTP_TEST_FAULT_LOG", fault_log)
    log(f"fault SMTP server: {','.join(specs)}")
