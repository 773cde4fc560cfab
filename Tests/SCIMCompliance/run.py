#!/usr/bin/env python3
"""Runs the SCIM compliance checker scim2-tester (PyPI, pinned in scripts/install-test-deps) against a served Herald.

    python3 Tests/SCIMCompliance/run.py

Starts the built `herald serve` (.build/debug/herald) on a free port with a fresh SQLite database, creates an
organization whose directory is provisioned by SCIM and a SCIM token (`herald directory source` and
`herald directory scim-token create`), then runs every scim2-tester check (discovery, CRUD, PATCH add/remove/replace,
attributes) on /scim/v2. Prints each check; exits non-zero if any check failed (status ERROR or CRITICAL).
Always stops the server it started.
"""
import os, pathlib, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERALD = ROOT / ".build" / "debug" / "herald"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_checks(base, token):
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    client = SyncSCIMClient(Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30))
    results = check_server(client)
    failed = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    for result in results:
        where = f" [{result.resource_type}]" if result.resource_type else ""
        print(f"{result.status.name:10} {result.title}{where}: {result.reason or ''}".rstrip()[:400])
    counts = {}
    for result in results:
        counts[result.status.name] = counts.get(result.status.name, 0) + 1
    print("scim2-tester:", ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())))
    for result in failed:
        print(f"FAILED {result.title}: {result.reason}\n  data: {str(result.data)[:1500]}")
    return not failed and bool(results)


def main():
    if not HERALD.exists():
        sys.exit(f"{HERALD} is missing: run `swift build --build-tests` first")
    folder = tempfile.mkdtemp(prefix="herald-scim-")
    port = free_port()
    env = dict(os.environ, HERALD_DATA_DIR=folder, HERALD_SECRET_KEY="s" * 40, LOG_LEVEL="error",
               HERALD_PUBLIC_URL=f"http://127.0.0.1:{port}", HERALD_MAIL_TRANSPORT="file")

    def herald(*argv, stdin=None):
        return subprocess.run([str(HERALD), *argv], env=env, input=stdin, capture_output=True, text=True, check=True).stdout

    herald("admin", "create", "--email", "ops@example.com", "--organization", "SCIM", "--password-stdin", stdin="Correct-Horse-42-Staple\n")
    herald("directory", "source", "--organization", "SCIM", "--set", "scim")
    token = herald("directory", "scim-token", "create", "--organization", "SCIM", "--name", "scim2-tester").strip()
    log = open(os.path.join(folder, "serve.log"), "w")
    server = subprocess.Popen([str(HERALD), "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        else:
            sys.exit("herald serve did not answer /healthz")
        ok = run_checks(base + "/scim/v2", token)
        if not ok:
            print("----- herald serve log (last lines) -----")
            print(open(os.path.join(folder, "serve.log")).read()[-4000:])
        sys.exit(0 if ok else 1)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
