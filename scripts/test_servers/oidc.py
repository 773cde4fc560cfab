"""The OpenID Connect provider the single sign-on tests sign in through (scripts/oidc-test-provider.py, on joserfc)."""
import secrets
import sys
import os
from pathlib import Path

from .processes import free_port, log, spawn, wait_for_port

SCRIPTS = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PYTHON", sys.executable)
CLIENT_ID = "herald-test-client"


def start(state, export, timeout):
    port = free_port()
    secret = secrets.token_urlsafe(24)
    process, logfile = spawn(state, "oidc-test-provider", [
        PYTHON, "-u", str(SCRIPTS / "oidc-test-provider.py"), "--port", str(port), "--client-id", CLIENT_ID,
        "--client-secret", secret])
    wait_for_port("oidc-test-provider", port, process, logfile, "tcp", timeout)
    export("OIDC_TEST_ISSUER", f"http://127.0.0.1:{port}")
    export("OIDC_TEST_CLIENT_ID", CLIENT_ID)
    export("OIDC_TEST_CLIENT_SECRET", secret)
    log(f"oidc-test-provider on 127.0.0.1:{port}")
