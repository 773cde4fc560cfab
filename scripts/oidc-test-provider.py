#!/usr/bin/env python3
"""A small OpenID Connect provider for Herald's single sign-on tests, built on joserfc (PyPI).

    oidc-test-provider.py --port PORT --client-id ID --client-secret SECRET [--ready-file PATH]

It implements what Herald uses (discovery, the authorization code flow with PKCE S256, client_secret_basic and
client_secret_post at the token endpoint, a JWKS of RS256 keys) and checks it strictly: the authorization request
must carry `state`, `nonce` and an S256 `code_challenge`, the token request the matching `code_verifier`, the same
`redirect_uri` and the client's secret, and a code is good once.

oidc-provider-mock (PyPI) serves the honest part as well, but always signs correctly for its own issuer. Herald's
hostile tests need ID tokens that are wrong in one precise way, so here the person signing in picks the fault on the
authorization request (`fault=`), like choosing a user on a test login page:

  wrong_issuer     `iss` is another issuer
  wrong_audience   `aud` is another client
  expired          `exp` an hour ago (`iat` two hours ago)
  future_iat       `iat` an hour from now
  unknown_key      signed by an RSA key that no JWKS of this provider ever lists
  alg_none         `alg: none`, no signature
  hs256            HS256 with the client secret as key (an algorithm the discovery document does not announce)
  wrong_nonce      `nonce` is not the one Herald sent

The person is given by `email=` (and optionally `name=`, `email_verified=false`). Without `email`, GET /authorize
shows a login form (the browser suite fills it in). POST /control/rotate adds a new signing key and signs with it
from then on; the old keys stay in the JWKS, so concurrent tests are not disturbed.
"""
import argparse
import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

CODE_LIFETIME = 120
FAULTS = {"wrong_issuer", "wrong_audience", "expired", "future_iat", "unknown_key", "alg_none", "hs256", "wrong_nonce"}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_key(kid):
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


class Provider:
    def __init__(self, issuer, client_id, client_secret):
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.Lock()
        self.keys = [new_key("key-1")]
        self.stranger = new_key("stranger")  # never published
        self.codes = {}
        self.jwks_requests = 0

    def discovery(self):
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"],
        }

    def jwks(self):
        with self.lock:
            self.jwks_requests += 1
            return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def rotate(self):
        with self.lock:
            kid = f"key-{len(self.keys) + 1}"
            self.keys.append(new_key(kid))
            return kid

    def id_token(self, grant):
        now = int(time.time())
        fault = grant["fault"]
        claims = {
            "iss": self.issuer + "/elsewhere" if fault == "wrong_issuer" else self.issuer,
            "sub": hashlib.sha256(grant["email"].encode()).hexdigest()[:24],
            "aud": "someone-else" if fault == "wrong_audience" else grant["client_id"],
            "iat": now - 7200 if fault == "expired" else now + 3600 if fault == "future_iat" else now,
            "exp": now - 3600 if fault == "expired" else now + 300,
            "nonce": "not-the-nonce" if fault == "wrong_nonce" else grant["nonce"],
            "email": grant["email"],
            "email_verified": grant["email_verified"],
            "name": grant["name"],
        }
        if fault == "alg_none":
            header = {"alg": "none", "typ": "JWT", "kid": self.keys[-1].kid}
            return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), ""])
        if fault == "hs256":
            return jwt.encode({"alg": "HS256", "kid": self.keys[-1].kid}, claims, OctKey.import_key(self.client_secret))
        key = self.stranger if fault == "unknown_key" else self.keys[-1]
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


class Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format, *args):
        sys.stderr.write("oidc-test-provider: " + (format % args) + "\n")

    def answer(self, status, body, content_type="application/json", headers=()):
        data = (json.dumps(body) if content_type == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, description):
        self.answer(status, {"error": code, "error_description": description})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/.well-known/openid-configuration":
            return self.answer(200, self.provider.discovery())
        if url.path == "/jwks":
            return self.answer(200, self.provider.jwks())
        if url.path == "/authorize":
            return self.authorize(query)
        if url.path == "/control/stats":
            return self.answer(200, {"jwks_requests": self.provider.jwks_requests})
        if url.path == "/healthz":
            return self.answer(200, {"ok": True})
        self.error(404, "not_found", url.path)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
        if url.path == "/token":
            return self.token(form)
        if url.path == "/control/rotate":
            return self.answer(200, {"kid": self.provider.rotate()})
        self.error(404, "not_found", url.path)

    def authorize(self, query):
        provider = self.provider
        required = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"]
        missing = [name for name in required if not query.get(name)]
        if missing:
            return self.error(400, "invalid_request", "missing " + ", ".join(missing))
        if query["client_id"] != provider.client_id:
            return self.error(400, "unauthorized_client", "unknown client_id")
        if query["response_type"] != "code" or query["code_challenge_method"] != "S256":
            return self.error(400, "invalid_request", "response_type must be code and code_challenge_method S256")
        if "openid" not in query["scope"].split():
            return self.error(400, "invalid_scope", "scope must include openid")
        if query.get("deny") == "1":
            return self.redirect(query["redirect_uri"], {"error": "access_denied", "state": query["state"]})
        if not query.get("email"):
            return self.login_form(query)
        fault = query.get("fault", "")
        if fault and fault not in FAULTS:
            return self.error(400, "invalid_request", "unknown fault")
        code = secrets.token_urlsafe(24)
        with provider.lock:
            provider.codes[code] = {
                "client_id": query["client_id"], "redirect_uri": query["redirect_uri"], "nonce": query["nonce"],
                "challenge": query["code_challenge"], "email": query["email"], "name": query.get("name") or query["email"],
                "email_verified": query.get("email_verified", "true") != "false", "fault": fault,
                "expires": time.time() + CODE_LIFETIME,
            }
        self.redirect(query["redirect_uri"], {"code": code, "state": query["state"]})

    def redirect(self, target, parameters):
        separator = "&" if "?" in target else "?"
        self.answer(302, "", "text/plain", [("Location", target + separator + urllib.parse.urlencode(parameters))])

    def login_form(self, query):
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items())
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1><form method="get" action="/authorize">{hidden}
<label>Email <input type="email" name="email" id="email" required></label>
<label>Name <input name="name" id="name"></label>
<button type="submit" id="sign-in">Sign in</button></form></main></body></html>"""
        self.answer(200, page, "text/html; charset=utf-8")

    def token(self, form):
        provider = self.provider
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        authorization = self.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            user, _, password = decoded.partition(":")
            client_id, client_secret = urllib.parse.unquote(user), urllib.parse.unquote(password)
        if client_id != provider.client_id or not secrets.compare_digest(client_secret or "", provider.client_secret):
            return self.error(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return self.error(400, "unsupported_grant_type", "only authorization_code")
        with provider.lock:
            grant = provider.codes.pop(form.get("code", ""), None)
        if grant is None or grant["expires"] < time.time():
            return self.error(400, "invalid_grant", "unknown, used or expired code")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return self.error(400, "invalid_grant", "redirect_uri differs from the authorization request's")
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return self.error(400, "invalid_grant", "code_verifier does not match the code_challenge")
        self.answer(200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                          "id_token": provider.id_token(grant)})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--ready-file")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    Handler.provider = Provider(f"http://127.0.0.1:{arguments.port}", arguments.client_id, arguments.client_secret)
    if arguments.ready_file:
        with open(arguments.ready_file, "w") as ready:
            ready.write("ready\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
