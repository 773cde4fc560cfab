#!/usr/bin/env python3
"""Runs the SCIM compliance checker scim2-tester (PyPI, pinned in scripts/install-test-deps) against a served Herald.

    python3 Tests/SCIMCompliance/run.py

Starts the built `herald serve` (.build/debug/herald) on a free port with a fresh SQLite database, creates an
organization whose directory is provisioned by SCIM and a SCIM token (`herald directory source` and
`herald directory scim-token create`), then runs every scim2-tester check (discovery, CRUD, PATCH add/remove/replace,
attributes) on /scim/v2. Prints each check; exits non-zero if any check failed (status ERROR or CRITICAL).
Always stops the server it started.
"""
import pathlib, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "PythonSupport"))
from served_herald import served_herald  # noqa: E402


def run_checks(base, token):
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    client = SyncSCIMClient(Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30))
    results = check_server(client)
    failed = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    counts = {}
    for result in results:
        counts[result.status.name] = counts.get(result.status.name, 0) + 1
        where = f" [{result.resource_type}]" if result.resource_type else ""
        print(f"{result.status.name:10} {result.title}{where}: {result.reason or ''}".rstrip()[:400])
    print("scim2-tester:", ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())))
    for result in failed:
        print(f"FAILED {result.title}: {result.reason}\n  data: {str(result.data)[:1500]}")
    return bool(results) and not failed


def main():
    with served_herald("herald-scim-") as herald:
        herald.cli("admin", "create", "--email", "ops@example.com", "--organization", "SCIM", "--password-stdin",
                   stdin="Correct-Horse-42-Staple\n")
        herald.cli("directory", "source", "--organization", "SCIM", "--set", "scim")
        token = herald.cli("directory", "scim-token", "create", "--organization", "SCIM", "--name", "scim2-tester").strip()
        herald.start()
        ok = run_checks(herald.base + "/scim/v2", token)
        if not ok:
            print("----- herald serve log (last lines) -----")
            print(herald.log_tail())
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
