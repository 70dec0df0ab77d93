"""External video links: https only, YouTube and Vimeo addresses normalised."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from core.files.types import rejected

MAX_LINK_LENGTH = 2000


_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_VIMEO_PATH = re.compile(
    r"/(?:video/|channels/[^/]+/|groups/[^/]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?"
)


def _youtube_url(host: str, path: str, query: str) -> str | None:
    video_id = None
    if host == "youtu.be":
        video_id = path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        if path.rstrip("/") == "/watch":
            video_id = (parse_qs(query).get("v") or [""])[0]
        else:
            parts = path.strip("/").split("/")
            if len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
                video_id = parts[1]
    if video_id and _YOUTUBE_ID.fullmatch(video_id):
        return f"https://www.youtube.com/watch?v={video_id}"
    return None


def _vimeo_url(host: str, path: str, query: str) -> str | None:
    if host not in _VIMEO_HOSTS:
        return None
    match = _VIMEO_PATH.fullmatch(path)
    if not match:
        return None
    video_id, private_hash = match.groups()
    if not private_hash:
        private_hash = (parse_qs(query).get("h") or [""])[0]
        if not re.fullmatch(r"[0-9a-f]+", private_hash):
            private_hash = ""
    return f"https://vimeo.com/{video_id}" + (f"/{private_hash}" if private_hash else "")


def classify_link(url: str) -> str:
    """Validate an external video link and return it normalised.

    Only https links are accepted. YouTube links become ``https://www.youtube.com/watch?v=ID``
    and Vimeo links ``https://vimeo.com/ID`` (with the private hash if any); any other
    https address is returned with its scheme and host lower-cased and the default port
    dropped. Raises ``UploadRejected`` with code 'link'.
    """
    text = (url or "").strip()
    shown = text if len(text) <= 80 else text[:79] + "…"
    invalid = rejected(
        "link",
        _("“%(name)s” is not a valid link. Please paste the full https:// address of the video."),
        shown,
    )
    if not text or len(text) > MAX_LINK_LENGTH:
        raise invalid
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
        raise invalid
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise invalid from error
    if parts.scheme.lower() != "https":
        raise rejected(
            "link",
            _("“%(name)s” is not a secure link. Only https:// addresses are accepted."),
            shown,
        )
    try:
        URLValidator(schemes=["https"])(text)
    except ValidationError as error:
        raise invalid from error
    if parts.username is not None or parts.password is not None:
        raise invalid
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise invalid

    for recognise in (_youtube_url, _vimeo_url):
        normalised = recognise(host, parts.path, parts.query)
        if normalised:
            return normalised

    netloc = f"[{host}]" if ":" in host else host
    if port not in (None, 443):
        netloc = f"{netloc}:{port}"
    return urlunsplit(("https", netloc, parts.path or "/", parts.query, parts.fragment))
