#!/usr/bin/env python3
"""A webhook receiver on loopback for Herald's tests and Benchmarks/webhook-throughput.

Every delivery is verified with the `standardwebhooks` package (the reference implementation of the Standard
Webhooks specification), against the secrets registered for its key, and logged.

    python3 scripts/webhook-receiver.py [--port 0]     # prints "port N" once listening

Paths: POST /<mode>/<key>, where mode says how to answer:
    ok        204
    fail      500 with a short body
    slow      200 after 1.5 s
    hang      200 after 30 s (longer than the tests' delivery timeout)
    flaky     503 the first time a webhook-id arrives, 204 afterwards
    redirect  302 to /ok/<key> (Herald must not follow it)
    bench     204 without verifying or logging (the throughput benchmark's fast receiver)
Control:
    POST /_register/<key>   body {"secrets": ["whsec_...", ...]}: the secrets a delivery for <key> may be signed with
    GET  /_log/<key>        JSON list of deliveries: mode, id, timestamp, verified, verified_by (indices), type, body
    GET  /_count            deliveries of every key so far (bench ones included)
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
SECRETS = {}
LOG = {}
SEEN = set()
COUNT = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if parts[0] == "_log" and len(parts) == 2:
            with LOCK:
                entries = list(LOG.get(parts[1], []))
            return self.answer(200, json.dumps(entries).encode(), "application/json")
        if parts[0] == "_count":
            with LOCK:
                count = COUNT[0]
            return self.answer(200, json.dumps({"count": count}).encode(), "application/json")
        self.answer(404)

    def do_POST(self):
        body = self.read_body()
        parts = self.path.strip("/").split("/")
        if len(parts) != 2:
            return self.answer(404)
        mode, key = parts
        if mode == "bench":
            with LOCK:
                COUNT[0] += 1
            return self.answer(204)
        if mode == "_register":
            with LOCK:
                SECRETS[key] = json.loads(body)["secrets"]
            return self.answer(204)
        headers = {name.lower(): value for name, value in self.headers.items()}
        with LOCK:
            secrets = list(SECRETS.get(key, []))
        verified_by = []
        for index, secret in enumerate(secrets):
            try:
                Webhook(secret).verify(body, headers)
                verified_by.append(index)
            except WebhookVerificationError:
                pass
        try:
            event_type = json.loads(body).get("type")
        except ValueError:
            event_type = None
        message_id = headers.get("webhook-id")
        entry = {"mode": mode, "id": message_id, "timestamp": headers.get("webhook-timestamp"),
                 "verified": bool(verified_by), "verified_by": verified_by, "type": event_type,
                 "body": body.decode("utf-8", "replace"), "signature": headers.get("webhook-signature")}
        with LOCK:
            LOG.setdefault(key, []).append(entry)
            COUNT[0] += 1
            first_time = (key, message_id) not in SEEN
            SEEN.add((key, message_id))
        if mode == "ok":
            return self.answer(204)
        if mode == "fail":
            return self.answer(500, b"receiver says no\x00\x07 <b>")
        if mode == "slow":
            time.sleep(1.5)
            return self.answer(200, b"ok, slowly")
        if mode == "hang":
            time.sleep(30)
            return self.answer(200)
        if mode == "flaky":
            return self.answer(503 if first_time else 204, b"try again" if first_time else b"")
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://example.com/ok/" + key)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer(404)


def exit_with_parent():
    """Ends the receiver when the test process that started it ends (its stdin closes), however it ended."""
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    # A test runner may ignore SIGTERM, and ignored signals survive exec.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
