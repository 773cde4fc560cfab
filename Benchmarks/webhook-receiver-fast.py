#!/usr/bin/env python3
"""A fast webhook receiver for Benchmarks/webhook-throughput: answers every POST with 204 on keep-alive connections,
counts deliveries with a `webhook-id` header, and keeps the first one (headers and body) for wrk to replay.

    webhook-receiver-fast.py PORT STATE_FOLDER
GET /count answers "deliveries first_monotonic last_monotonic" (seconds). Plain asyncio, no framework: the receiver
must not be what limits either Herald or wrk, and the same receiver serves both in one invocation.
Signatures are not checked here (scripts/webhook-receiver.py does that with standardwebhooks in the tests)."""
import asyncio, json, os, sys, time

PORT, STATE = int(sys.argv[1]), sys.argv[2]
count, first, last, sample_written = 0, 0.0, 0.0, False


class Receiver(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""

    def data_received(self, data):
        global count, first, last, sample_written
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0: return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length: return
            body, self.buffer = self.buffer[end + 4:end + 4 + length], self.buffer[end + 4 + length:]
            if head[0].startswith("GET /count"):
                text = f"{count} {first} {last}\n".encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(text), text))
                continue
            if "webhook-id" in headers:
                now = time.monotonic()
                if count == 0: first = now
                count, last = count + 1, now
                if not sample_written:
                    sample_written = True
                    keep = {k: v for k, v in headers.items() if k.startswith("webhook-") or k == "content-type"}
                    with open(os.path.join(STATE, "sample.json"), "w") as f:
                        json.dump({"headers": keep, "body": body.decode()}, f)
            self.transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")


async def main():
    server = await asyncio.get_running_loop().create_server(Receiver, "127.0.0.1", PORT, backlog=1024)
    async with server: await server.serve_forever()

asyncio.run(main())
