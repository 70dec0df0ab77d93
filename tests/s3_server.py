"""A local S3 server for the storage tests: moto's server mode on a free port of 127.0.0.1,
in this process, with the two checks of AWS's own S3 that moto leaves out.

- **Signed URLs** (SigV4 query authentication) are verified: a changed parameter or
  signature is ``SignatureDoesNotMatch``, a URL past its ``X-Amz-Expires`` is
  ``AccessDenied`` ("Request has expired"), an old SigV2 URL is refused as regions opened
  since 2019 refuse it. Moto lets any URL with a signature through. The server's clock can
  be moved (``clock``) so that expiry is tested without waiting.
- **Faults on demand**: ``failing_puts_after`` makes object writes fail from a given one on.
- **ACLs disabled** (Object Ownership "bucket owner enforced", the default of a new AWS
  bucket): a PUT that names an ACL other than ``bucket-owner-full-control`` is
  ``AccessControlListNotSupported``.

Everything else (objects, their metadata, private objects refused to an unsigned GET,
multipart uploads) is moto's.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

ACCESS_KEY = SECRET_KEY = "testing"
REGION = "us-east-1"  # where botocore still presigns with SigV2 unless told otherwise


def _error(start_response, status: str, code: str, message: str):
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
    ).encode()
    start_response(
        status, [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _uri_encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def presigned_signature(*, method: str, raw_path: str, query: list[tuple[str, str]],
                        headers: dict[str, str], secret: str) -> str:  # fmt: skip
    """The SigV4 signature of a presigned request, computed from AWS's specification
    (not with botocore, which made the URL)."""
    params = dict(query)
    signed = params["X-Amz-SignedHeaders"].split(";")
    canonical_query = "&".join(
        f"{_uri_encode(key)}={_uri_encode(value)}"
        for key, value in sorted(query)
        if key != "X-Amz-Signature"
    )
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical_request = "\n".join(
        [method, raw_path, canonical_query, canonical_headers, ";".join(signed), "UNSIGNED-PAYLOAD"]
    )
    _key, datestamp, region, service, terminal = params["X-Amz-Credential"].split("/")
    scope = f"{datestamp}/{region}/{service}/{terminal}"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac(f"AWS4{secret}".encode(), datestamp)
    for part in (region, service, terminal):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class AwsChecks:
    """WSGI middleware in front of moto: the checks listed in the module's docstring."""

    def __init__(self, app):
        self.app = app
        self.reset()

    def reset(self) -> None:
        self.clock_offset = timedelta(0)
        # Fault injection: object PUTs after this many answer 500 InternalError (every
        # attempt, so the client's retries give up too).
        self.failing_puts_after: int | None = None
        self.object_puts = 0
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def __call__(self, environ, start_response):
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        raw_path = raw_uri.split("?", 1)[0]
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        params = dict(query)
        method = environ["REQUEST_METHOD"]
        self.requests.append((method, raw_path))
        acl = environ.get("HTTP_X_AMZ_ACL")
        if method == "PUT" and acl and acl != "bucket-owner-full-control":
            return _error(start_response, "400 Bad Request", "AccessControlListNotSupported",
                          "The bucket does not allow ACLs")  # fmt: skip
        if method == "PUT" and raw_path.strip("/").count("/") >= 1:
            self.object_puts += 1
            if self.failing_puts_after is not None and self.object_puts > self.failing_puts_after:
                return _error(start_response, "500 Internal Server Error", "InternalError",
                              "We encountered an internal error. Please try again.")  # fmt: skip
        if "Signature" in params and "AWSAccessKeyId" in params:
            return _error(start_response, "400 Bad Request", "InvalidRequest",
                          "The authorization mechanism you have provided is not supported. "
                          "Please use AWS4-HMAC-SHA256.")  # fmt: skip
        if "X-Amz-Signature" in params:
            headers = {
                key[5:].replace("_", "-").lower(): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            expected = presigned_signature(
                method=method, raw_path=raw_path, query=query, headers=headers, secret=SECRET_KEY
            )
            if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
                return _error(start_response, "403 Forbidden", "SignatureDoesNotMatch",
                              "The request signature we calculated does not match the "
                              "signature you provided.")  # fmt: skip
            signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=UTC
            )
            if self.now() > signed_at + timedelta(seconds=int(params["X-Amz-Expires"])):
                return _error(start_response, "403 Forbidden", "AccessDenied",
                              "Request has expired")  # fmt: skip
        return self.app(environ, start_response)


class LocalS3Server(ThreadedMotoServer):
    """``ThreadedMotoServer`` on 127.0.0.1 and a free port, behind ``AwsChecks``."""

    def __init__(self):
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self.checks = AwsChecks(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self._server = make_server(
            self._ip_address, self._port, self.checks, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def endpoint_url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"
