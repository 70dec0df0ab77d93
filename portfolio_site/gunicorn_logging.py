"""gunicorn's logger for the web process (``logger_class`` in gunicorn.conf.py)."""

from __future__ import annotations

from gunicorn import glogging

from core.request_id import RequestIdLogFilter
from portfolio_site import log_config


class GunicornLogger(glogging.Logger):
    """gunicorn's logger in the site's format.

    With ``LOG_FORMAT=json`` gunicorn's own messages are JSON lines, and each access log
    line is a JSON object with the request's id (from the ``X-Request-ID`` response header
    the site sets), method, path, status, size, duration and client; with ``text`` the
    access line is ``access_log_format`` from gunicorn.conf.py.
    """

    def setup(self, cfg):
        super().setup(cfg)
        if self._json:
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(log_config.json_formatter())
                    handler.addFilter(RequestIdLogFilter())

    @property
    def _json(self) -> bool:
        return log_config.log_format(debug=log_config.env_debug()) == "json"

    def access(self, resp, req, environ, request_time):
        if not self._json:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        try:
            self.access_log.info(
                "%s %s %s",
                atoms["m"],
                atoms["U"],
                atoms["s"],
                extra={
                    "request_id": atoms.get("{x-request-id}o") or "-",
                    "method": atoms["m"],
                    "path": atoms["U"],
                    "query": atoms["q"],
                    "status": int(atoms["s"]),
                    "bytes": atoms["B"],
                    "duration_ms": atoms["M"],
                    "remote_addr": atoms["h"],
                    "user_agent": atoms["a"],
                    "referer": atoms["f"],
                },
            )
        except Exception:  # noqa: BLE001 - as gunicorn does: a log line never fails a request
            self.exception("could not write the access log line")
        return None
