"""A fake GitHub (as GitHub Enterprise serves it) and OpenID Connect provider, for the sign-in tests.

Run as its own process by `FakeProvider.start()` on 127.0.0.1 (no network):
the tests drive django-allauth's real GitHub and OpenID Connect code against
it. It speaks OAuth 2.0's authorization-code flow as the real ones do, and
approves every sign-in at once as the identity the test set last
(`set_github_user`, `set_oidc_user`):

- GitHub: /login/oauth/authorize, /login/oauth/access_token, /api/v3/user, /api/v3/user/emails
- OIDC: /oidc/.well-known/openid-configuration, /oidc/authorize, /oidc/token (an RS256-signed
  id_token), /oidc/userinfo, /oidc/jwks

It checks what a provider must: the client's secret, the code used once, for the
same client and redirect_uri, and the PKCE verifier when a challenge was sent.
Built on http.server, PyJWT and cryptography (already there with allauth).
"""

import base64
import hashlib
import json
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENTS = {"github-client": "github-secret", "oidc-client": "oidc-secret"}


class _State:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwk.update(kid="fake-key-1", use="sig", alg="RS256")
        self.github_user: dict = {}
        self.oidc_user: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.lock = threading.Lock()

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.base_url}/oidc",
            "aud": grant["client_id"],
            "iat": now,
            "exp": now + 300,
            **grant["user"],
        }
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "fake-key-1"})


class _Handler(BaseHTTPRequestHandler):
    state: _State

    def log_message(self, *args):  # quiet: the tests read their own output
        pass

    def _send(self, status: int, body=None, headers: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _query(self) -> dict:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}

    def _bearer(self) -> dict | None:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() not in {"token", "bearer"}:
            return None
        return self.state.tokens.get(token)

    def do_GET(self):
        path = urlsplit(self.path).path
        base = self.state.base_url
        if path in ("/login/oauth/authorize", "/oidc/authorize"):
            self._authorize(self.state.github_user if path.startswith("/login") else self.state.oidc_user)
        elif path == "/oidc/.well-known/openid-configuration":
            self._send(
                200,
                {
                    "issuer": f"{base}/oidc",
                    "authorization_endpoint": f"{base}/oidc/authorize",
                    "token_endpoint": f"{base}/oidc/token",
                    "userinfo_endpoint": f"{base}/oidc/userinfo",
                    "jwks_uri": f"{base}/oidc/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                    "code_challenge_methods_supported": ["S256"],
                },
            )
        elif path == "/oidc/jwks":
            self._send(200, {"keys": [self.state.jwk]})
        elif path in ("/api/v3/user", "/api/v3/user/emails", "/oidc/userinfo"):
            grant = self._bearer()
            if grant is None:
                self._send(401, {"message": "Bad credentials"})
            elif path == "/api/v3/user":
                self._send(200, {key: value for key, value in grant["user"].items() if key != "emails"})
            elif path == "/api/v3/user/emails":
                self._send(200, grant["user"].get("emails", []))
            else:
                self._send(200, grant["user"])
        else:
            self._send(404, {"message": "Not Found"})

    def do_POST(self):
        path = urlsplit(self.path).path
        if path in ("/login/oauth/access_token", "/oidc/token"):
            self._token(oidc=path.startswith("/oidc"))
        elif path in ("/_control/github", "/_control/oidc"):
            user = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            setattr(self.state, "github_user" if path.endswith("github") else "oidc_user", user)
            self._send(204)
        else:
            self._send(404, {"message": "Not Found"})

    def _authorize(self, user: dict) -> None:
        query = self._query()
        if query.get("client_id") not in CLIENTS or not query.get("redirect_uri"):
            self._send(400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.codes[code] = {
                "client_id": query["client_id"],
                "redirect_uri": query["redirect_uri"],
                "user": dict(user),
                "nonce": query.get("nonce"),
                "code_challenge": query.get("code_challenge"),
            }
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        separator = "&" if "?" in query["redirect_uri"] else "?"
        self._send(302, headers={"Location": query["redirect_uri"] + separator + urlencode(back)})

    def _token(self, *, oidc: bool) -> None:
        form = self._form()
        client_id, secret = form.get("client_id"), form.get("client_secret")
        scheme, _, credentials = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() == "basic":
            client_id, _, secret = base64.b64decode(credentials).decode().partition(":")
        with self.state.lock:
            grant = self.state.codes.pop(form.get("code", ""), None)  # a code works once
        if (
            grant is None
            or CLIENTS.get(client_id) != secret
            or grant["client_id"] != client_id
            or grant["redirect_uri"] != form.get("redirect_uri")
            or (grant["code_challenge"] and not _pkce_ok(grant["code_challenge"], form.get("code_verifier", "")))
        ):
            self._send(400, {"error": "invalid_grant"})
            return
        token = secrets.token_urlsafe(24)
        self.state.tokens[token] = grant
        body = {"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"}
        if oidc:
            body.update(token_type="Bearer", scope="openid profile email", id_token=self.state.id_token(grant))
        self._send(200, body)


def _pkce_ok(challenge: str, verifier: str) -> bool:
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return secrets.compare_digest(digest, challenge)


def serve() -> None:
    """The server's process: binds a free port on 127.0.0.1, prints its URL, serves until killed."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    _Handler.state = _State(base_url)
    print(base_url, flush=True)
    server.serve_forever()


class FakeProvider:
    """The server's process, seen from the tests."""

    def __init__(self, process: subprocess.Popen, url: str):
        self.process, self.url = process, url

    @classmethod
    def start(cls) -> "FakeProvider":
        process = subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, text=True)
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            process.kill()
            raise RuntimeError(f"the fake provider did not start: {url!r}")
        return cls(process, url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def oidc_issuer(self) -> str:
        return f"{self.url}/oidc"

    def set_github_user(self, *, login: str, id: int, name: str = "", emails: list[dict] | None = None) -> None:
        """Whom GitHub signs in next; `emails` as GitHub's /user/emails lists them (email, primary, verified)."""
        user = {"id": id, "login": login, "name": name or None, "email": None, "emails": emails or []}
        requests.post(f"{self.url}/_control/github", json=user, timeout=10).raise_for_status()

    def set_oidc_user(self, **claims) -> None:
        """The claims of whom the OIDC provider signs in next (sub, email, email_verified, name, ...)."""
        requests.post(f"{self.url}/_control/oidc", json=claims, timeout=10).raise_for_status()


if __name__ == "__main__":
    serve()
