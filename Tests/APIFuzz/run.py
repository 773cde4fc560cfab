#!/usr/bin/env python3
"""Fuzzes Herald's /api/v1 with schemathesis, driven by the OpenAPI document the server serves.

    python3 Tests/APIFuzz/run.py [--max-examples N]

Starts the built `herald serve` (.build/debug/herald) on a free port with a fresh SQLite database, an organization,
an administrator, an API token and a little data (a license key, a directory user and group), then runs
`schemathesis run` against http://127.0.0.1:PORT/api/v1/openapi.json with two checks: no response is a 5xx
(`not_a_server_error`), and every 4xx is a JSON body with a non-empty `reason` (Tests/APIFuzz/hooks.py).
Exits non-zero on any failure; always stops the server it started.
"""
import argparse, json, os, pathlib, subprocess, sys, urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "PythonSupport"))
from served_herald import served_herald  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("HERALD_FUZZ_EXAMPLES", "30")))
    args = parser.parse_args()
    with served_herald("herald-fuzz-") as herald:
        herald.cli("admin", "create", "--email", "ops@example.com", "--organization", "Fuzz", "--password-stdin",
                   stdin="Correct-Horse-42-Staple\n")
        token = herald.cli("token", "create", "--organization", "Fuzz", "--name", "fuzz", "--scope", "administration").strip()
        herald.start()
        base = herald.base

        def call(method, path, body):
            request = urllib.request.Request(base + "/api/v1" + path, method=method, data=json.dumps(body).encode(),
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            return json.load(urllib.request.urlopen(request))

        # Some data, so that fuzzed ids and names sometimes meet real rows.
        call("POST", "/license-keys", {"name": "Fuzz key", "product": "Fuzz Pro", "seats": 3, "key": "FUZZ-1234-5678-9012"})
        call("POST", "/directory/users", {"name": "Dana Directory", "email": "dana@example.com"})
        call("POST", "/directory/groups", {"name": "Fuzzers"})
        call("POST", "/webhooks/endpoints", {"url": "https://hooks.example.com/fuzz", "eventTypes": ["member.joined"]})
        command = ["schemathesis", "run", base + "/api/v1/openapi.json", "--url", base + "/api/v1",
                   "-H", f"Authorization: Bearer {token}", "--checks", "not_a_server_error,error_is_json_with_reason",
                   "--max-examples", str(args.max_examples), "--request-timeout", "30", "--workers", "1",
                   "--phases", "examples,coverage,fuzzing", "--seed", os.environ.get("HERALD_FUZZ_SEED", "20261124")]
        # One worker: with two, Hypothesis's lambda-source cache is not thread-safe on Python 3.11 and schemathesis
        # reported its own "AST constructor recursion depth mismatch" as an error now and then.
        hooks_env = dict(os.environ, SCHEMATHESIS_HOOKS="hooks", PYTHONPATH=str(pathlib.Path(__file__).parent))
        print("$ " + " ".join(c if "Bearer" not in c else "Authorization: Bearer ***" for c in command), flush=True)
        # cwd: schemathesis keeps a cache folder (.schemathesis/) where it runs; not in the repository.
        status = subprocess.run(command, env=hooks_env, cwd=herald.folder).returncode
        if status != 0:
            print("----- herald serve log (last lines) -----")
            print(herald.log_tail())
        sys.exit(status)


if __name__ == "__main__":
    main()
