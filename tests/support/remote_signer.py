"""A real remote signing service for tests: an HTTP server in a thread that speaks the
protocol of documents.signing (POST /certificate, POST /sign, JSON, bearer token) and
holds throwaway keys. `answer` switches it to misbehave: "refuse" (HTTP 500),
"not_json", "wrong_signature" (a valid signature by another key)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils


class RemoteSigningService:
    def __init__(self, keys: dict, token: str = "test-token"):
        self.keys = keys  # key id -> tests.support.pki.Issued
        self.token = token
        self.answer = "ok"
        self.requests: list[tuple[str, dict]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                service.requests.append((self.path, body))
                if self.headers.get("Authorization") != f"Bearer {service.token}":
                    return self._send(401, b'{"error": "unauthorised"}')
                if service.answer == "refuse":
                    return self._send(500, b'{"error": "HSM busy"}')
                if service.answer == "not_json":
                    return self._send(200, b"<html>maintenance</html>")
                issued = service.keys.get(body.get("key_id"))
                if issued is None:
                    return self._send(404, b'{"error": "unknown key"}')
                if self.path == "/certificate":
                    chain = [issued.der(), *(c.public_bytes(_der()) for c in issued.chain)]
                    return self._json({"certificate_chain": [base64.b64encode(c).decode() for c in chain]})
                if self.path == "/sign":
                    digest = base64.b64decode(body["hash"])
                    key = issued.key
                    if service.answer == "wrong_signature":
                        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                    return self._json({"signature": base64.b64encode(_sign(key, digest)).decode()})
                return self._send(404, b"{}")

            def _json(self, data):
                self._send(200, json.dumps(data).encode())

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def _sign(key, digest: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    return key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))


class FileServer:
    """Serves fixed bytes by path over HTTP from a thread (a CA's revocation list)."""

    def __init__(self, files: dict[str, bytes] | None = None):
        self.files = files or {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
