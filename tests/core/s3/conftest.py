"""Uploads against a real S3 API: moto's server on 127.0.0.1 (tests/s3_server.py), started
once per session, with one private bucket set up as docs/storage.md asks. Each test gets
the site's own S3 storage (``portfolio_site.settings.s3_storage``, the production options)
under a prefix of its own, so it sees only its own objects."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config

from portfolio_site.settings import s3_storage
from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY, LocalS3Server

BUCKET = "portfolio-files"


@pytest.fixture(scope="session")
def s3_server():
    server = LocalS3Server()
    server.start()
    client = _client(server.endpoint_url)
    client.create_bucket(Bucket=BUCKET, ObjectOwnership="BucketOwnerEnforced")  # us-east-1
    client.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )  # fmt: skip
    yield server
    server.stop()


def _client(endpoint_url: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
        config=Config(retries={"max_attempts": 1}),
    )


def storage_environment(endpoint_url: str, prefix: str, **more) -> dict:
    """The environment an operator would set for this bucket (README, docs/storage.md)."""
    return {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint_url,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_PREFIX": prefix,
        **more,
    }


@dataclass
class Bucket:
    """The test's view of the bucket: the raw client and the test's own prefix."""

    server: LocalS3Server
    client: object
    prefix: str

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def names(self) -> list[str]:
        """Every object under the test's prefix, as the names the site stores."""
        listed = self.client.list_objects_v2(Bucket=BUCKET, Prefix=self.prefix + "/")
        return sorted(item["Key"][len(self.prefix) + 1 :] for item in listed.get("Contents", []))

    def head(self, name: str) -> dict:
        return self.client.head_object(Bucket=BUCKET, Key=self.key(name))

    def read(self, name: str) -> bytes:
        return self.client.get_object(Bucket=BUCKET, Key=self.key(name))["Body"].read()

    def url(self, name: str) -> str:
        return f"{self.server.endpoint_url}/{BUCKET}/{self.key(name)}"


@pytest.fixture
def s3(s3_server, settings):
    """Django's default storage is the site's S3 storage for this test (Django resets
    ``default_storage`` and the ``storages`` handler when STORAGES changes)."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(storage_environment(s3_server.endpoint_url, prefix)),
    }
    yield Bucket(server=s3_server, client=_client(s3_server.endpoint_url), prefix=prefix)
    s3_server.checks.reset()


def closed_port_storage() -> dict:
    """The site's S3 storage pointed at a port of 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return s3_storage(storage_environment(f"http://127.0.0.1:{port}", "nowhere"))


@pytest.fixture
def unreachable_s3(settings):
    settings.STORAGES = {**settings.STORAGES, "default": closed_port_storage()}
