"""How long an upload takes to fail when the S3 store is down, with the site's own S3
options (``portfolio_site.settings.s3_storage``): a closed port (connection refused), a
store that accepts connections and never answers (read timeout), and for comparison a
working local S3 server (moto, tests/s3_server.py). Prints seconds per case.

    .venv/bin/python bench/s3_faults.py [--size-kb 512] [--tries 3]

The ``S3_CONNECT_TIMEOUT``, ``S3_READ_TIMEOUT`` and ``S3_MAX_ATTEMPTS`` variables change
the options as they do for the site. No database is used.
"""

import argparse
import os
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from portfolio_site.settings import s3_storage  # noqa: E402
from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY, LocalS3Server  # noqa: E402


def storage_at(endpoint_url: str):
    config = s3_storage({
        **os.environ, "S3_BUCKET": "bench-files", "S3_ENDPOINT_URL": endpoint_url,
        "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    })  # fmt: skip
    return import_string(config["BACKEND"])(**config["OPTIONS"])


def seconds_to_store(storage, size: int, tries: int) -> tuple[list[float], str]:
    times, outcome = [], ""
    for _ in range(tries):
        started = time.perf_counter()
        try:
            storage.save(f"evidence/ab/{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-" * (size // 5)))
            outcome = "stored"
        except Exception as error:  # noqa: BLE001 - what the site sees, whatever it is
            outcome = type(error).__name__
        times.append(time.perf_counter() - started)
    return times, outcome


def report(label: str, times: list[float], outcome: str) -> None:
    print(f"{label:<34} {outcome:<26} median {statistics.median(times):6.2f} s  "
          f"max {max(times):6.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-kb", type=int, default=512)
    parser.add_argument("--tries", type=int, default=3)
    args = parser.parse_args()
    size = args.size_kb * 1024
    config = s3_storage({**os.environ, "S3_BUCKET": "b", "S3_ENDPOINT_URL": "http://x"})
    client = config["OPTIONS"]["client_config"]
    print(f"connect_timeout={client.connect_timeout}s read_timeout={client.read_timeout}s "
          f"attempts={client.retries['total_max_attempts']} ({args.size_kb} KiB file)")  # fmt: skip

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refusing = storage_at(f"http://127.0.0.1:{closed_port}")
    report("closed port (refused)", *seconds_to_store(refusing, size, args.tries))

    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        silent_store = storage_at(f"http://127.0.0.1:{port}")
        report("store that never answers", *seconds_to_store(silent_store, size, 1))

    server = LocalS3Server()
    server.start()
    try:
        working = storage_at(server.endpoint_url)
        working.connection.meta.client.create_bucket(Bucket="bench-files")
        report("working store (moto)", *seconds_to_store(working, size, args.tries))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
