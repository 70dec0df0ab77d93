"""Who looked at a portfolio: which requests count as a view, and once per viewer and day.

The pages that show a portfolio (``pages.views``: the page at /p/<slug>/, its journal and
its posts) call ``portfolio_view_record(request=…, portfolio=…)`` on every request they
answer, whether or not the page's body came from the cache. Counted, one per viewer, day
(the site's time zone) and portfolio, whichever of these pages they open:

- visitors (not signed in), told apart by their address and browser;
- signed-in users (students, and employers staff have not approved yet: their
  organisation is unchecked, so it is never shown), supervisors, and approved employers
  (with their organisation's name), told apart by their account.

Not counted: the owner, staff (they look after the site, not at students), requests that
are not a reader opening the page (HEAD, prefetches, a browser's preview or prerender
fetch), and robots (an empty User-Agent or one naming a crawler, a link-preview fetcher, a
headless browser or an HTTP library).

Nothing that tells viewers apart is stored in the database: the "already counted today"
mark is a cache key that is a keyed hash (a key derived from SECRET_KEY and the day, so a
new one every day) of the portfolio and the viewer, and expires after the day. When the
cache is unavailable the view is not counted (``core.cache.ResilientRedisCache.add``
answers False and logs the outage): the page is served as ever.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Role
from analytics.models import ViewerKind
from analytics.services import portfolio_view_count

logger = logging.getLogger(__name__)

# User-Agents of robots, link-preview fetchers, headless browsers and HTTP libraries.
ROBOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|headless|curl|wget|python-requests|python-urllib|httpx|aiohttp"
    r"|go-http-client|java/|okhttp|libwww|scrapy|phantomjs|selenium|puppeteer|playwright"
    r"|lighthouse|pagespeed|preview|facebookexternalhit|embedly|iframely|whatsapp|vkshare"
    r"|skypeuri|feedfetcher|mediapartners|validator|monitor|uptime|node-fetch|axios"
    r"|httpclient|apache-http|postman|insomnia",
    re.IGNORECASE,
)
# Headers with which browsers mark a fetch that nobody has asked to see yet.
PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")

KEY_SALT = "analytics.portfolio_views.day"
KEY_PREFIX = "portfolio-view"


def is_reader(request) -> bool:
    """Whether ``request`` is a person opening the page (not a robot, a HEAD or a
    prefetch)."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return False
    agent = request.headers.get("User-Agent", "").strip()
    return bool(agent) and ROBOT_AGENT.search(agent) is None


def viewer_kind(user, portfolio) -> ViewerKind | None:
    """Which count a view by ``user`` goes to; None: not counted (the owner, staff)."""
    if not is_counted_viewer(user, portfolio):
        return None
    if not user.is_authenticated:
        return ViewerKind.VISITOR
    if user.role == Role.SUPERVISOR:
        return ViewerKind.SUPERVISOR
    if user.role == Role.EMPLOYER and user.is_approved_employer:  # loads the profile
        return ViewerKind.EMPLOYER
    return ViewerKind.SIGNED_IN


def is_counted_viewer(user, portfolio) -> bool:
    """Anyone but the owner and staff; asks the database nothing."""
    if user is None or not user.is_authenticated:
        return True
    return user.pk != portfolio.student_id and not user.is_staff_member


def _client_address(request) -> str:
    from axes.helpers import get_client_ip_address  # the sign-in limits' reading of it

    return get_client_ip_address(request) or ""


def seen_key(*, day: date, portfolio_id: int, viewer: str) -> str:
    """The cache key that marks ``viewer`` counted on ``portfolio_id`` on ``day``: an HMAC
    under a key of that day, so neither the key nor its name says who the viewer was, and
    yesterday's keys cannot be matched with today's."""
    day_key = salted_hmac(KEY_SALT, day.isoformat()).digest()
    digest = hmac.new(day_key, f"{portfolio_id}\n{viewer}".encode(), hashlib.sha256)
    return f"{KEY_PREFIX}:{digest.hexdigest()}"


def _seconds_left(day: date) -> int:
    """Until the end of ``day`` in the site's time zone, plus an hour to spare."""
    tz = timezone.get_current_timezone()
    ends = datetime.combine(day + timedelta(days=1), time(), tz)
    return max(60, int((ends - timezone.now()).total_seconds()) + 3600)


def portfolio_view_record(*, request, portfolio) -> bool:
    """Count ``request`` as a view of ``portfolio`` if it is one and this viewer has not
    been counted today; True if counted. Costs one cache call, and one statement only for
    a view not yet counted today; never fails the page."""
    if not is_reader(request):
        return False
    user = request.user
    if not is_counted_viewer(user, portfolio):
        return False
    if user.is_authenticated:
        viewer = f"user\n{user.pk}"
    else:
        viewer = f"visitor\n{_client_address(request)}\n{request.headers['User-Agent']}"
    day = timezone.localdate()
    key = seen_key(day=day, portfolio_id=portfolio.pk, viewer=viewer)
    try:
        if not cache.add(key, 1, timeout=_seconds_left(day)):
            return False  # counted already today, or the cache is down (it logs that)
    except Exception:  # any other cache backend's failure: the page matters more
        logger.warning("Portfolio view not counted: the cache failed.", exc_info=True)
        return False
    # Only now, for a viewer not yet counted today: an employer's approval is a query.
    kind = viewer_kind(user, portfolio)
    profile = getattr(user, "employer_profile", None) if kind == ViewerKind.EMPLOYER else None
    try:
        portfolio_view_count(
            portfolio_id=portfolio.pk,
            day=day,
            kind=kind,
            employer_profile_id=profile.pk if profile else None,
            organisation=profile.organisation if profile else "",
        )
    except DatabaseError:
        logger.warning("Portfolio view not counted: the database refused.", exc_info=True)
        return False
    return True
