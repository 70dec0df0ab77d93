"""The S3 options an operator's environment gives (portfolio_site.settings.s3_storage)."""

import pytest

from portfolio_site.settings import s3_storage


def test_defaults_fail_fast_and_send_no_acl():
    storage = s3_storage(
        {"S3_BUCKET": " portfolio-files ", "S3_PREFIX": "/portfolio/", "S3_REGION": "eu-north-1"}
    )
    options, config = storage["OPTIONS"], storage["OPTIONS"]["client_config"]

    assert storage["BACKEND"] == "core.files.s3.PrivateS3Storage"
    assert options["bucket_name"] == "portfolio-files"
    assert options["region_name"] == "eu-north-1"
    assert options["location"] == "portfolio"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is True  # random names: no HEAD before each write
    assert (config.connect_timeout, config.read_timeout) == (3, 7)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
    assert config.signature_version == "s3v4"


def test_the_environment_tunes_timeouts_and_checksums():
    storage = s3_storage({
        "S3_BUCKET": "b", "S3_ENDPOINT_URL": "https://minio.example.edu",
        "S3_CONNECT_TIMEOUT": "2", "S3_READ_TIMEOUT": "10",
        "S3_MAX_ATTEMPTS": "1", "S3_CHECKSUMS": "when_required", "S3_ADDRESSING_STYLE": "path",
        "FILE_URL_EXPIRE_SECONDS": "60",
    })  # fmt: skip
    options, config = storage["OPTIONS"], storage["OPTIONS"]["client_config"]

    assert (config.connect_timeout, config.read_timeout) == (2, 10)
    assert config.retries["total_max_attempts"] == 1
    assert config.request_checksum_calculation == "when_required"
    assert config.s3 == {"addressing_style": "path"}
    assert options["querystring_expire"] == 60


@pytest.mark.parametrize(
    ("name", "value"),
    [("S3_CONNECT_TIMEOUT", "soon"), ("S3_CHECKSUMS", "always"), ("S3_REGION", "")],
)
def test_a_wrong_value_stops_start_up_with_one_line(name, value, capsys):
    with pytest.raises(SystemExit):
        s3_storage({"S3_BUCKET": "b", "S3_REGION": "eu-north-1", name: value})
    assert name in capsys.readouterr().err


def test_the_region_may_come_from_aws_variables():
    storage = s3_storage({"S3_BUCKET": "b", "AWS_DEFAULT_REGION": "ap-south-1"})
    assert storage["OPTIONS"]["region_name"] == "ap-south-1"
