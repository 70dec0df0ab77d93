"""Markdown for every user-written text field, rendered and then sanitised against an
allow-list (nh3, the Ammonia sanitiser): no scripts, no event handlers, no style, no
``javascript:`` or ``data:`` links, no images from elsewhere.

The renderer is markdown-it-py (CommonMark plus tables), whose time grows linearly with
the text: Python-Markdown took 15 s for ``"[" * 8000``. Still, a render costs some
microseconds per character, so every field rendered here has a length limit (at most
``SOURCE_MAX_LENGTH``; ``source_validators``), and services render before they take row
locks (``render_ahead``), so a long text never holds a lock while it renders.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

import nh3
from django.core.validators import MaxLengthValidator
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "table", "thead",
    "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# The longest source any field may hold. The worst texts this long (``"[" * 10000`` and
# the others in tests/core/test_markdown_limits.py, which checks the work grows linearly)
# render in about 0.1 s, within a 0.3 s target; bench/markdown_render.py prints the times.
SOURCE_MAX_LENGTH = 10_000

# Headings start at h3 so they sit under the page's own h1 and h2.
HEADING_SHIFT = {"h1": "h3", "h2": "h4"}


def _shift_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = HEADING_SHIFT.get(token.tag, token.tag)


def _parser() -> MarkdownIt:
    # "html": False: raw HTML in the text is shown as text, never passed through (its
    # rules are off too, a little faster). Images are parsed, and dropped by nh3.
    parser = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .disable(["html_inline", "html_block"])
    )
    parser.core.ruler.push("shift_headings", _shift_headings)
    return parser


_md = _parser()


# Texts rendered ahead of a write that saves many rows (an import): ``render`` takes
# them from here instead of rendering again inside the write's transaction.
_prerendered: contextvars.ContextVar[dict[str, SafeString] | None] = contextvars.ContextVar(
    "markdown_prerendered", default=None
)


@contextlib.contextmanager
def prerendered(texts: Iterable[str]) -> Iterator[None]:
    """Render ``texts`` now (each at most ``SOURCE_MAX_LENGTH`` characters; longer ones are
    left for validation to refuse) and let every ``render`` of the same text inside the
    block reuse the result: a write that saves many rows renders before its locks."""
    rendered = {
        text: render(text) for text in set(texts) if text and len(text) <= SOURCE_MAX_LENGTH
    }
    token = _prerendered.set({**(_prerendered.get() or {}), **rendered})
    try:
        yield
    finally:
        _prerendered.reset(token)


def render(text: str) -> SafeString:
    """Markdown → safe HTML."""
    if not text:
        return mark_safe("")
    ahead = _prerendered.get()
    if ahead is not None and text in ahead:
        return ahead[text]
    cleaned = nh3.clean(
        _md.render(text).rstrip("\n"),  # blocks end in a line break; the last need not
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def source_validators(limit: int) -> list:
    """The validators of a Markdown source field of at most ``limit`` characters (a
    TextField's own ``max_length`` only sizes its form field)."""
    if limit > SOURCE_MAX_LENGTH:
        raise ValueError(f"a Markdown field holds at most {SOURCE_MAX_LENGTH} characters")
    return [MaxLengthValidator(limit)]


# --- Rendered when written -----------------------------------------------------------

_AHEAD = "_markdown_rendered"


def remember_rendered(instance, source: str, text: str, html: str) -> None:
    """Record that ``text`` renders to ``html``: a save of ``instance`` while its
    ``source`` still holds ``text`` stores this HTML instead of rendering again."""
    instance.__dict__.setdefault(_AHEAD, {})[source] = (text, html)


def render_within_limit(model, source: str, text: str) -> SafeString | None:
    """``text`` rendered, if it fits ``model.<source>``'s length limit; None if it does
    not (validation refuses it before any save: no time is spent on it)."""
    limit = model._meta.get_field(source).max_length or SOURCE_MAX_LENGTH
    return render(text) if len(text) <= limit else None


def render_ahead(instance, source: str, text: str | None = None) -> None:
    """Render ``text`` (by default what ``instance.<source>`` holds now) before the write
    takes its row locks; the save inside the transaction then reuses it."""
    if text is None:
        text = getattr(instance, source)
    html = render_within_limit(type(instance), source, text)
    if html is not None:
        remember_rendered(instance, source, text, html)


def render_on_save(instance, source: str, html: str, save_kwargs: dict) -> None:
    """Render ``instance.<source>`` into ``instance.<html>`` before a save: Markdown is
    rendered and sanitised once, when written, not on every page view. A save of some
    fields only (``update_fields``) renders only if they include the source, and then
    saves the HTML too. HTML rendered ahead for the same text is used as it is."""
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and source not in update_fields:
        return
    text = getattr(instance, source)
    ahead = instance.__dict__.get(_AHEAD, {}).get(source)
    if ahead is not None and ahead[0] == text:
        setattr(instance, html, ahead[1])
    else:
        setattr(instance, html, render(text))
    if update_fields is not None:
        save_kwargs["update_fields"] = {*update_fields, html}


# --- Stored HTML ---------------------------------------------------------------------


def rerender_stored(
    model, source: str, html: str, *, changed_key: str = "pk", batch_size: int = 500
) -> set:
    """Render every row's ``source`` again into its ``html`` (a data migration calls this
    when the renderer changes), a batch at a time so a large table is never locked for
    long: a batch is read and rendered without locks, then, in a short transaction, the
    rows whose text is still what was rendered get the new HTML in one bulk UPDATE (a
    row a user saved meanwhile was rendered by that save). Time stamps do not move.
    Returns ``changed_key`` of each row whose HTML changed (e.g. its portfolio's id)."""
    from django.db import transaction

    changed_keys: set = set()
    last_pk = None
    while True:
        key_field = model._meta.get_field(changed_key).name if changed_key != "pk" else "pk"
        rows = model._default_manager.order_by("pk").only("pk", source, html, key_field)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows[:batch_size])
        if not batch:
            return changed_keys
        last_pk = batch[-1].pk
        rendered = {}
        for row in batch:
            new_html = str(render(getattr(row, source)))
            if new_html != getattr(row, html):
                rendered[row.pk] = (row, getattr(row, source), new_html)
        if not rendered:
            continue
        with transaction.atomic():
            current = dict(
                model._default_manager.select_for_update()
                .filter(pk__in=list(rendered))
                .values_list("pk", source)
            )
            updates = []
            for pk, (row, text, new_html) in rendered.items():
                if current.get(pk) == text:
                    setattr(row, html, new_html)
                    updates.append(row)
                    changed_keys.add(getattr(row, changed_key))
            model._default_manager.bulk_update(updates, [html])
