"""Start / stop the throwaway servers Herald's integration tests talk to.

  scripts/test-servers start ENVFILE   start everything, write `export VAR=value` lines to ENVFILE (source it)
  scripts/test-servers stop ENVFILE    stop everything recorded in ENVFILE and delete the temporary state

Everything listens on 127.0.0.1 on ports chosen at start (bind to port 0, read the port, close): several test runs
can share one machine, and nothing here depends on a fixed port. All state (data dirs, logs, PIDs, certificates,
received mail) lives in one directory under /tmp, recorded in ENVFILE as HERALD_TEST_SERVERS_STATE_DIR, so `stop`
can find it even after a partial `start`. Set HERALD_TEST_KEEP_STATE=1 to keep that directory on stop.
A failed or interrupted (SIGINT, SIGTERM) start stops what it had started before it exits.

Exported variables:
  HERALD_TEST_POSTGRES_URL   postgres://herald:herald@127.0.0.1:PORT/herald (role herald is SUPERUSER, so tests
                             may CREATE DATABASE per test; trust auth on loopback)
  SMTP_TEST_CA_FILE          PEM of the self-signed CA that issued the SMTP servers' certificate
                             (CN/SAN localhost, 127.0.0.1)
  SMTP_TEST_STARTTLS_PORT    aiosmtpd: STARTTLS required, then AUTH required
  SMTP_TEST_TLS_PORT         aiosmtpd: implicit TLS, AUTH required
  SMTP_TEST_PLAIN_PORT       aiosmtpd: no TLS, no AUTH
  SMTP_TEST_USERNAME / SMTP_TEST_PASSWORD   herald / herald-test-password
  SMTP_TEST_MAILDIR          where the aiosmtpd listeners store NNNNNN.eml + NNNNNN.envelope.json
                             (see scripts/smtp-test-server.py)
  SMTP_TEST_SINK_PORT                 smtp-sink: accepts and discards everything
  SMTP_TEST_SINK_SOFT_REJECT_PORT     smtp-sink: every RCPT TO gets 450 (4xx)
  SMTP_TEST_SINK_HARD_REJECT_PORT     smtp-sink: every RCPT TO gets 550 (5xx)
  SMTP_TEST_SINK_DATA_REJECT_PORT     smtp-sink: accepts up to the final "." of DATA, then 550 (5xx)
  SMTP_TEST_SINK_DISCONNECT_PORT      smtp-sink: on RCPT TO replies 421 and closes the connection
  SMTP_TEST_FAULT_PORTS      scripts/smtp-fault-server.py: "mode=port,..." with one listener per fault
  SMTP_TEST_FAULT_LOG        JSON lines, one per message whose final dot arrived there
  HERALD_TEST_RESTARTABLE_POSTGRES_URL  a second PostgreSQL cluster, only for the test that restarts the database
                             under a running Herald
  HERALD_TEST_RESTARTABLE_POSTGRES_CTL  an executable: `CTL stop` / `CTL start` for it
  LDAP_TEST_URL              ldap://localhost:PORT of OpenLDAP slapd (test_servers/ldap.py): StartTLS offered
  LDAP_TEST_LDAPS_URL        ldaps://localhost:PORT of the same slapd
  LDAP_TEST_LDAPS_UNNAMED_URL  the same LDAPS listener on 127.0.0.2, an address its certificate does not name
  LDAP_TEST_CA_PEM           PEM file of the CA that issued slapd's certificate (CN/SAN localhost, 127.0.0.1)
  LDAP_TEST_BIND_DN / LDAP_TEST_BIND_PASSWORD   a plain user that may read everything (not the rootdn, so
                             slapd's limits apply to it)
  LDAP_TEST_BASE_DN          dc=herald,dc=test; the entries are test_servers/ldap_fixture.py's (its docstring)
  LDAP_TEST_USERS / LDAP_TEST_GROUPS   2500 / 120, the fixture's counts
  LDAP_TEST_ADMIN_DN / LDAP_TEST_ADMIN_PASSWORD   slapd's rootdn: tests that change entries (their own units)
  LDAP_TEST_SIZE_LIMIT       500: searches without paging stop there (sizeLimitExceeded); paged ones do not
  OIDC_TEST_ISSUER           http://127.0.0.1:PORT of scripts/oidc-test-provider.py (OpenID Connect, joserfc):
                             discovery, authorization code + PKCE, RS256 JWKS, and faults on request (its docstring)
  OIDC_TEST_CLIENT_ID / OIDC_TEST_CLIENT_SECRET   the one client it knows (the secret is new at each start)
  POP3_TEST_PORT             Dovecot POP3 on 127.0.0.1 (test_servers/dovecot.py): STLS offered, USER/PASS only after it
  POP3_TEST_TLS_PORT         the same Dovecot's POP3S listener (implicit TLS)
  POP3_TEST_CA_PEM           PEM file of the CA that issued Dovecot's certificate (CN/SAN localhost, 127.0.0.1)
  POP3_TEST_USERNAME / POP3_TEST_PASSWORD   the bounce mailbox's user
  POP3_TEST_MAILDIR          that mailbox's Maildir: a file written into its new/ is a message POP3 serves
  POP3_TEST_MAIL_ROOT        every user name signs in with POP3_TEST_PASSWORD and reads ROOT/<user>/Maildir
                             (tests use a user of their own, so parallel tests never share a mailbox)
  POSTFIX_TEST_PORT          Postfix smtpd (test_servers/postfix_relay.py): accepts <anyone>@relay.test, then bounces it
                             (unknown user) to the envelope sender; bounces+…@bounces.test lands in Dovecot's mailbox
                             of POSTFIX_TEST_MAILBOX_USER
  POSTFIX_TEST_LOG           its log
  HERALD_TEST_CHROMEDRIVER, HERALD_TEST_CHROMIUM   browser test binaries
  HERALD_TEST_SERVERS_STATE_DIR       the state directory (used by `stop`)
"""
import os
import shlex
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from . import dovecot, ldap, oidc, postfix_relay, postgres, smtp
from .processes import StartFailed, log, stop_pid

STATE_PREFIX = "/tmp/herald-test-servers."
STARTUP_TIMEOUT = float(os.environ.get("HERALD_TEST_SERVERS_TIMEOUT", "60"))


class EnvironmentFile:
    """ENVFILE: one `export NAME=value` line a variable, the value shell-quoted."""

    def __init__(self, path):
        self.path = Path(path)

    def start(self):
        self.path.write_text("")

    def __call__(self, name, value):
        with open(self.path, "a") as file:
            file.write(f"export {name}={shlex.quote(str(value))}\n")

    def state_dir(self):
        """Only ever a directory this program created, so `stop` never deletes anything else."""
        if not self.path.is_file():
            return None
        prefix = "export HERALD_TEST_SERVERS_STATE_DIR="
        lines = [line for line in self.path.read_text().splitlines() if line.startswith(prefix)]
        if not lines:
            return None
        words = shlex.split(lines[-1][len(prefix):])
        directory = words[0] if words else ""
        if directory.startswith(STATE_PREFIX) and ".." not in directory and "/" not in directory[len(STATE_PREFIX):]:
            return Path(directory)
        return None


def stop_all(state):
    if not state.is_dir():
        return
    postgres.stop_clusters(state)
    for record in sorted((state / "pids").glob("*.pid")):
        stop_pid(record.stem, int(record.read_text().strip()))
        record.unlink()
    if os.environ.get("HERALD_TEST_KEEP_STATE") == "1":
        log(f"keeping {state} (HERALD_TEST_KEEP_STATE=1)")
    else:
        shutil.rmtree(state, ignore_errors=True)


def _interrupted(signum, _frame):
    raise SystemExit(128 + signum)


def start(envfile):
    previous = envfile.state_dir()
    if previous and previous.is_dir():
        # Overwriting an env file of servers that still run would orphan them.
        log(f"{envfile.path} belongs to servers that are still running ({previous}); "
            f"run '{sys.argv[0]} stop {envfile.path}' first")
        return 1
    state = Path(tempfile.mkdtemp(prefix=STATE_PREFIX))
    # Other users (postgres, nobody) need to traverse it.
    state.chmod(0o755)
    (state / "logs").mkdir()
    (state / "pids").mkdir()
    # The state dir first: if anything below fails, `stop ENVFILE` (e.g. from a caller's trap) still finds it.
    envfile.start()
    envfile("HERALD_TEST_SERVERS_STATE_DIR", state)
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        envfile("HERALD_TEST_POSTGRES_URL", postgres.start_cluster(state, "postgres", STARTUP_TIMEOUT))
        postgres.record_postmaster(state, "postgres")
        envfile("HERALD_TEST_RESTARTABLE_POSTGRES_URL",
                postgres.start_cluster(state, "postgres-restartable", STARTUP_TIMEOUT))
        envfile("HERALD_TEST_RESTARTABLE_POSTGRES_CTL", postgres.control_script(state, "postgres-restartable"))
        smtp.make_certificates(state, envfile)
        smtp.start_aiosmtpd(state, envfile, STARTUP_TIMEOUT)
        smtp.start_sinks(state, envfile, STARTUP_TIMEOUT)
        smtp.start_fault_server(state, envfile, STARTUP_TIMEOUT)
        ldap.start(state, envfile, STARTUP_TIMEOUT)
        oidc.start(state, envfile, STARTUP_TIMEOUT)
        mail_root, uid, gid = dovecot.start(state, envfile, STARTUP_TIMEOUT)
        postfix_relay.start(state, envfile, STARTUP_TIMEOUT, mail_root, uid, gid)
        envfile("HERALD_TEST_CHROMEDRIVER", os.environ.get("HERALD_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
        envfile("HERALD_TEST_CHROMIUM", os.environ.get("HERALD_TEST_CHROMIUM", "/usr/bin/chromium"))
    except BaseException as failure:
        # Undo a partial start, so a failed start leaves nothing running even if the caller never calls `stop`.
        log("start failed; stopping what was started")
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_all(state)
        if isinstance(failure, SystemExit):
            return failure.code
        if isinstance(failure, OSError):
            log(f"{failure}")  # a program that is missing or cannot run: its name says enough
        elif not isinstance(failure, StartFailed):
            raise
        return 1
    log(f"all servers up; environment in {envfile.path}")
    return 0


def stop(envfile):
    state = envfile.state_dir()
    if state is None:
        log(f"nothing to stop (no state dir recorded in {envfile.path})")
        return 0
    stop_all(state)
    log(f"stopped servers in {state}")
    return 0


def main(arguments):
    if len(arguments) != 2 or arguments[0] not in ("start", "stop"):
        print(f"usage: {sys.argv[0]} start|stop ENVFILE", file=sys.stderr)
        return 2
    command, envfile = arguments
    return (start if command == "start" else stop)(EnvironmentFile(envfile))
