"""Request ids: the X-Request-ID header, the log records and the tasks a request queues."""

import io
import json
import logging
import re

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.test import RequestFactory

from core import request_id
from portfolio_site import log_config

HEX_ID = re.compile(r"[0-9a-f]{32}")
logger = logging.getLogger("tests.request_id")


@pytest.fixture
def records():
    """Records of ``tests.request_id`` through the site's filter, as the site's handler
    sees them."""

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.records = []

        def emit(self, record):
            self.records.append(record)

    handler = Collect()
    handler.addFilter(request_id.RequestIdLogFilter())
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def logging_view(request):
    logger.warning("inside the view")
    return HttpResponse("ok")


def run(incoming=None):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    request = RequestFactory().get("/somewhere", **headers)
    return request_id.RequestIdMiddleware(logging_view)(request)


@pytest.mark.django_db
def test_incoming_id_round_trips_through_the_site(client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="req-7f3a:edge.1")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-7f3a:edge.1"


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert HEX_ID.fullmatch(first)
    assert HEX_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "incoming",
    ["", "has space", "a\nb", '"quoted"', "<script>", "ид-запроса", "x" * 129, "-leading-dash"],
)
def test_an_insane_incoming_id_is_replaced(incoming):
    response = run(incoming)
    assert response["X-Request-ID"] != incoming
    assert HEX_ID.fullmatch(response["X-Request-ID"])


def test_log_records_carry_the_id_only_during_the_request(records):
    response = run("abc-123")
    logger.warning("after the request")
    assert response["X-Request-ID"] == "abc-123"
    inside, after = records
    assert inside.request_id == "abc-123"
    assert after.request_id == "-"
    assert inside.task_id == after.task_id == "-"


def test_json_log_line_parses_with_the_request_fields():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(log_config.json_formatter())
    handler.addFilter(request_id.RequestIdLogFilter())
    logger.addHandler(handler)
    try:

        def failing_view(request):
            try:
                raise ValueError("broken on purpose")
            except ValueError:
                logger.exception("the view failed")
            return HttpResponse("ok")

        request = RequestFactory().get("/", HTTP_X_REQUEST_ID="trace-42")
        request_id.RequestIdMiddleware(failing_view)(request)
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "the view failed"
    assert line["level"] == "ERROR"
    assert line["logger"] == "tests.request_id"
    assert line["request_id"] == "trace-42"
    assert line["task_id"] == "-"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
    assert "ValueError: broken on purpose" in line["exc_info"]


def test_text_format_names_the_request():
    config = log_config.logging_config(fmt="text", level="INFO")
    formatter = logging.Formatter(config["formatters"]["site"]["format"])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    request_id.RequestIdLogFilter().filter(record)
    assert formatter.format(record).endswith("x [-] hello")


@shared_task(name="tests.core.test_request_id.log_in_task")
def log_in_task():
    logger.warning("inside the task")


def test_a_task_queued_by_a_request_logs_both_ids(records):
    def queuing_view(request):
        log_in_task.delay()  # inline without a broker: the same signals as in a worker
        logger.warning("after the task")
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-1")
    request_id.RequestIdMiddleware(queuing_view)(request)
    in_task, after_task = records
    assert in_task.request_id == "req-1"
    assert in_task.task_id not in ("-", None)
    assert after_task.request_id == "req-1"
    assert after_task.task_id == "-"


def test_the_request_id_travels_in_the_task_message():
    headers = {}
    token = request_id.request_id_var.set("req-9")
    try:
        request_id.add_request_id_to_message(headers=headers)
    finally:
        request_id.request_id_var.reset(token)
    assert headers == {"request_id": "req-9"}


def test_a_worker_binds_the_id_from_the_message(records):
    class Task:
        class request:  # noqa: N801 - the shape of celery's Task.request
            request_id = "req-from-message"

    request_id.bind_task_ids(task_id="t-1", task=Task)
    logger.warning("in the worker")
    request_id.unbind_task_ids(task_id="t-1")
    logger.warning("between tasks")
    in_worker, between = records
    assert (in_worker.request_id, in_worker.task_id) == ("req-from-message", "t-1")
    assert (between.request_id, between.task_id) == ("-", "-")
