#!/usr/bin/env python3
"""SMTP test servers for Herald's integration tests (started by scripts/test-servers).

One asyncio event loop runs three aiosmtpd listeners on 127.0.0.1:

  --starttls-port  plain TCP; STARTTLS is offered and *required* before any
                   other command except EHLO/HELO/NOOP/QUIT (aiosmtpd answers
                   "530 Must issue a STARTTLS command first"). AUTH PLAIN and
                   AUTH LOGIN are offered only after STARTTLS, and MAIL is
                   refused ("530 5.7.0 Authentication required") until the
                   client authenticated.
  --tls-port       implicit TLS (port-465 style); the same AUTH rules.
  --plain-port     no TLS, no AUTH.

All three use decode_data=False (so 8BITMIME is announced) and
enable_SMTPUTF8=True (so SMTPUTF8 is announced and UTF-8 addresses are
accepted). aiosmtpd itself does not announce PIPELINING although it processes
pipelined commands correctly (it reads commands one by one from a stream), so
we add "250-PIPELINING" to the EHLO reply: Herald's client pipelines only
where the server offers it, and we want that code path exercised.

Every accepted message is written to --maildir as

  NNNNNN.eml            exactly the DATA bytes as received, after
                        dot-unstuffing, with the CRLF line endings the client
                        sent (aiosmtpd's envelope.original_content);
                        written to a temp file and renamed, so a reader never
                        sees a partial file;
  NNNNNN.envelope.json  {"mail_from", "rcpt_tos", "port", ...}, written last
                        (also atomically): once it exists, the .eml is complete.

NNNNNN is a zero-padded sequence number (six digits, so lexical order is
arrival order) that continues after the highest number already in the maildir.
"""

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import ssl
import sys
import tempfile

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

log = logging.getLogger("smtp-test-server")


class MaildirHandler:
    """aiosmtpd handler that stores every message and its envelope on disk."""

    def __init__(self, maildir):
        self.maildir = maildir
        os.makedirs(maildir, exist_ok=True)
        # Continue numbering after existing files so a restarted server never
        # overwrites messages a test may still look at.
        highest = 0
        for name in os.listdir(maildir):
            m = re.match(r"^(\d+)\.eml$", name)
            if m:
                highest = max(highest, int(m.group(1)))
        self.sequence = highest

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # 5-argument form: we must record the host name ourselves and return
        # the complete list of reply lines. Insert PIPELINING before the
        # final "250 HELP" line.
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

    async def handle_DATA(self, server, session, envelope):
        # Single-threaded event loop: incrementing here cannot race.
        self.sequence += 1
        base = "%06d" % self.sequence
        port = server.transport.get_extra_info("sockname")[1] if server.transport else None
        meta = {
            "sequence": self.sequence,
            "eml": base + ".eml",
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "port": port,
            "peer": list(session.peer) if session.peer else None,
            "helo": session.host_name,
            "tls": session.ssl is not None or getattr(server, "_implicit_tls", False),
            "auth_login": _decode(session.auth_data) if session.authenticated else None,
            "size": len(envelope.original_content),
        }
        self._write_atomically(base + ".eml", envelope.original_content)
        self._write_atomically(
            base + ".envelope.json",
            (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        )
        log.info("stored %s from %r to %r (port %s, %d bytes)",
                 base, envelope.mail_from, envelope.rcpt_tos, port, meta["size"])
        return "250 2.0.0 OK stored as %s" % base

    def _write_atomically(self, name, data):
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.maildir)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.rename(tmp, os.path.join(self.maildir, name))
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


class Authenticator:
    """Accepts exactly one user/password pair, for AUTH PLAIN and AUTH LOGIN."""

    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == self.user
              and auth_data.password == self.password)
        if not ok:
            log.info("AUTH %s failed for %r", mechanism,
                     getattr(auth_data, "login", None))
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data.login)


class ImplicitTLSSMTP(SMTP):
    # Marker so the envelope records that this connection was TLS from the start
    # (session.ssl is only filled in by aiosmtpd after STARTTLS).
    _implicit_tls = True


def server_tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    # TLS 1.2 and 1.3 both allowed, so Herald's "minimum TLS version" setting
    # can be tested against either.
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


async def main(args):
    loop = asyncio.get_running_loop()
    handler = MaildirHandler(args.maildir)
    auth = Authenticator(args.user, args.password)
    tls_ctx = server_tls_context(args.cert, args.key)
    common = dict(
        decode_data=False,          # bytes in, 8BITMIME announced
        enable_SMTPUTF8=True,       # SMTPUTF8 announced
        hostname="localhost",
        loop=loop,
    )

    def starttls_factory():
        return SMTP(handler, tls_context=tls_ctx, require_starttls=True,
                    auth_required=True, auth_require_tls=True,
                    authenticator=auth, **common)

    def tls_factory():
        # The whole connection is TLS, so aiosmtpd's "AUTH only after
        # STARTTLS" rule must be switched off for AUTH to be offered at all.
        return ImplicitTLSSMTP(handler, auth_required=True, auth_require_tls=False,
                               authenticator=auth, **common)

    def plain_factory():
        return SMTP(handler, **common)

    servers = [
        await loop.create_server(starttls_factory, args.host, args.starttls_port),
        await loop.create_server(tls_factory, args.host, args.tls_port, ssl=tls_ctx),
        await loop.create_server(plain_factory, args.host, args.plain_port),
    ]
    log.info("listening on %s: starttls=%d tls=%d plain=%d, maildir %s",
             args.host, args.starttls_port, args.tls_port, args.plain_port, args.maildir)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down")
    for s in servers:
        s.close()
    for s in servers:
        await s.wait_closed()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--starttls-port", type=int, required=True)
    p.add_argument("--tls-port", type=int, required=True)
    p.add_argument("--plain-port", type=int, required=True)
    p.add_argument("--cert", required=True, help="server certificate PEM")
    p.add_argument("--key", required=True, help="server private key PEM")
    p.add_argument("--maildir", required=True)
    p.add_argument("--user", default="herald")
    p.add_argument("--password", default="herald-test-password")
    return p.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(main(parse_args(sys.argv[1:])))
