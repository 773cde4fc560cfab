#!/usr/bin/env python3
"""A scripted SMTP server for Herald's fault tests: one listener per fault.

    smtp-fault-server.py --host 127.0.0.1 --log FILE MODE=PORT [MODE=PORT ...]

Each MODE names the stage and what goes wrong there:

    accept              a normal server (PIPELINING, 8BITMIME); logs every message it accepts
    accept-slow         the same, but waits 10 ms before each final 250, so a batch takes long
                        enough for a test to kill its sender in the middle
    greeting-421        "421" instead of the 220 greeting, then close
    greeting-drop       close without a greeting
    greeting-stall      accept the connection and never say anything
    greeting-ssh        answer like an SSH server (a banner that is not SMTP), then close: a service
                        on the operator's network that an administrator points the mail settings at
    ehlo-421 / ehlo-drop, mail-421 / mail-drop, rcpt-421 / rcpt-drop, data-421 / data-drop
                        "421" (then close) or a bare close at that command
    body-drop           close in the middle of the message text (after its first line)
    dot-421 / dot-drop  the whole message arrived, then "421" / a bare close instead of 250;
                        the client cannot know whether it was taken, so it must retry
    dot-stall           the whole message arrived; never answer the final dot
    dot-554             reject after the final dot with a permanent error

Every message whose final dot arrives is logged to FILE as one JSON line:
{"mode", "port", "event": "accepted"|"unacknowledged", "rcpt": [...], "message_id"}. The tests
count deliveries per Message-ID from it, which smtp-sink cannot do.
"""
import argparse
import asyncio
import json
import re

MESSAGE_ID = re.compile(rb"^message-id:\s*(<[^>]*>)", re.IGNORECASE | re.MULTILINE)


class Session:
    def __init__(self, mode, port, log, reader, writer):
        self.mode, self.port, self.log = mode, port, log
        self.reader, self.writer = reader, writer
        self.stage, self.action = (mode.rsplit("-", 1) + [""])[:2] if "-" in mode else (mode, "")

    def fault(self, stage):
        return self.stage == stage and self.action in ("421", "drop", "stall", "554", "ssh")

    async def reply(self, line):
        self.writer.write(line.encode() + b"\r\n")
        await self.writer.drain()

    async def fail(self):
        """Performs this listener's fault; returns True when the session is over."""
        if self.action == "421":
            await self.reply("421 4.3.2 fault injected: service shutting down")
        elif self.action == "ssh":
            await self.reply("SSH-2.0-OpenSSH_9.6 internal-secret-banner")
        elif self.action == "stall":
            await asyncio.sleep(3600)
        elif self.action == "554":
            await self.reply("554 5.7.1 fault injected: message refused")
            return False
        self.writer.close()
        return True

    async def run(self):
        if self.fault("greeting"):
            await self.fail()
            return
        await self.reply("220 fault.test ESMTP fault injector")
        recipients = []
        while True:
            line = await self.reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                if self.fault("ehlo") and await self.fail():
                    return
                await self.reply("250-fault.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 52428800")
            elif verb == b"MAIL":
                if self.fault("mail") and await self.fail():
                    return
                recipients = []
                await self.reply("250 2.1.0 ok")
            elif verb == b"RCPT":
                if self.fault("rcpt") and await self.fail():
                    return
                recipients.append(line[8:].strip().strip(b"<>").decode(errors="replace"))
                await self.reply("250 2.1.5 ok")
            elif verb == b"DATA":
                if self.fault("data") and await self.fail():
                    return
                await self.reply("354 go ahead")
                if not await self.receive_body(recipients):
                    return
            elif verb == b"RSET":
                recipients = []
                await self.reply("250 2.0.0 ok")
            elif verb == b"NOOP":
                await self.reply("250 2.0.0 ok")
            elif verb == b"QUIT":
                await self.reply("221 2.0.0 bye")
                self.writer.close()
                return
            else:
                await self.reply("502 5.5.2 command not implemented")

    async def receive_body(self, recipients):
        body = bytearray()
        first = True
        while True:
            line = await self.reader.readline()
            if not line:
                return False
            if first and self.stage == "body":
                self.writer.close()
                return False
            first = False
            if line == b".\r\n":
                break
            body += line
        match = MESSAGE_ID.search(bytes(body))
        record = {"mode": self.mode, "port": self.port, "rcpt": recipients,
                  "message_id": match.group(1).decode() if match else None}
        if self.fault("dot"):
            record["event"] = "unacknowledged" if self.action != "554" else "rejected"
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()
            return not await self.fail()
        if self.mode == "accept-slow":
            await asyncio.sleep(0.01)
        # Logged before the 250: a message the client saw accepted is always in the log.
        record["event"] = "accepted"
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()
        await self.reply("250 2.0.0 ok: queued")
        return True


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--log", required=True)
    parser.add_argument("listeners", nargs="+", metavar="MODE=PORT")
    args = parser.parse_args()
    log = open(args.log, "a", buffering=1)
    servers = []
    for spec in args.listeners:
        mode, port = spec.split("=")

        async def handle(reader, writer, mode=mode, port=int(port)):
            try:
                await Session(mode, port, log, reader, writer).run()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        servers.append(await asyncio.start_server(handle, args.host, int(port), backlog=256))
        print(f"{mode} on {args.host}:{port}", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main())
