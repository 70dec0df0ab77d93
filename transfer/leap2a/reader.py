"""Read a Leap2A document (or Mahara's zip of one) into plain dataclasses.

Nothing in the input is trusted. The XML is parsed by defusedxml with DTDs, entity
declarations and external references forbidden (so no XXE and no billion laughs), at most
``MAX_XML_BYTES``, ``MAX_DEPTH`` levels, ``MAX_ELEMENTS`` elements and ``MAX_TEXT`` characters
in any one text. A zip's names are checked as the site's own import checks them (no
absolute paths, no ``..``, no unreasonable compression), and an enclosure may only name a
file inside the zip: nothing is ever fetched from an address the document gives.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml import ElementTree as SafeTree
from django.utils.translation import gettext as _

from transfer.archive import READ_ERRORS, ImportRefused, _check_names
from transfer.leap2a import ATOM, CATEGORIES, LEAP2, MAHARA, RDF, SITE, XHTML
from transfer.leap2a.text import html_to_markdown

MAX_XML_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 40
MAX_ELEMENTS = 400_000
MAX_TEXT = 1_000_000  # characters in one text node
MAX_ENTRIES = 5000
XML_NAME = "leap2a.xml"


@dataclass
class Link:
    rel: str  # "enclosure", "related", "is_part_of", … (the leap2: prefix taken off)
    href: str
    type: str = ""
    length: str = ""


@dataclass
class Entry:
    id: str
    title: str = ""
    types: set[str] = field(default_factory=set)  # "person", "entry", "resource", …
    content: str = ""  # Markdown
    content_kind: str = "text"  # "text", "html" or "xhtml"
    content_src: str = ""
    summary: str = ""
    published: str = ""
    updated: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)  # (scheme, term)
    links: list[Link] = field(default_factory=list)
    dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # point → (value, label)
    persondata: list[tuple[str, str, str]] = field(default_factory=list)  # field, label, value
    plugin: str = ""  # Mahara's artefact plugin ("resume", "blog", "file", "internal")
    artefact_type: str = ""  # Mahara's artefact type ("educationhistory", "blogpost", …)
    site_fields: dict[str, str] = field(default_factory=dict)  # this site's extension
    markdown: str | None = None  # this site's Markdown source beside an HTML content
    is_view: bool = False  # a Mahara page
    # A Mahara page's blocks: (block type, title, {config field: value}).
    blocks: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def is_a(self, *types: str) -> bool:
        return bool(self.types.intersection(types))

    def category(self, scheme: str) -> str:
        return next((term for s, term in self.categories if s == scheme), "")

    @property
    def tags(self) -> list[str]:
        return [term for scheme, term in self.categories if not scheme and term]

    def links_of(self, *rels: str) -> list[Link]:
        return [link for link in self.links if link.rel in rels]


@dataclass
class Feed:
    title: str = ""
    author: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)  # in the document's order


@dataclass
class Package:
    """The document and, for a zip, where its files are."""

    feed: Feed
    archive: zipfile.ZipFile | None = None
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    folder: str = ""  # the zip folder leap2a.xml is in; enclosures are relative to it

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def open_package(source) -> Package:
    """A Leap2A zip or a bare leap2a.xml (a binary file object), read and checked.
    Raises ``ImportRefused`` with the reason."""
    source.seek(0)
    head = source.read(4)
    source.seek(0)
    if head.startswith(b"PK"):
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError):
            raise ImportRefused(_("This is not a zip archive.")) from None
        try:
            entries = _check_names(archive)
            candidates = sorted(
                (name for name in entries if posixpath.basename(name).lower() == XML_NAME),
                key=lambda name: (name.count("/"), name),
            )
            if not candidates:
                raise ImportRefused(_("The zip has no leap2a.xml: is it a Leap2A export?"))
            info = entries[candidates[0]]
            if info.file_size > MAX_XML_BYTES:
                raise ImportRefused(_("leap2a.xml is too large."))
            try:
                data = archive.read(info)
            except READ_ERRORS:
                raise ImportRefused(_("The archive is damaged.")) from None
            feed = parse(data)
        except BaseException:
            archive.close()
            raise
        return Package(feed, archive, entries, posixpath.dirname(candidates[0]))
    data = source.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise ImportRefused(_("leap2a.xml is too large."))
    return Package(parse(data))


def enclosure_path(package: Package, href: str) -> str | None:
    """The zip name an enclosure's ``href`` gives, or None for an address outside the
    package (never fetched). Raises ``ImportRefused`` for a path that escapes the zip."""
    href = href.strip()
    if not href:
        return None
    if "://" in href or href.startswith(("//", "mailto:", "data:", "file:")):
        return None  # an outside address: listed as skipped, never fetched
    if (
        href.startswith(("/", "\\"))
        or "\\" in href
        or "\x00" in href
        or (":" in href.split("/", 1)[0])
    ):
        raise ImportRefused(
            _("leap2a.xml names a file outside the archive (“%(name)s”).") % {"name": href[:100]}
        )
    joined = posixpath.normpath(posixpath.join(package.folder, href))
    inside = posixpath.normpath(package.folder) if package.folder else ""
    if joined.startswith("..") or (inside and not joined.startswith(inside + "/")):
        raise ImportRefused(
            _("leap2a.xml names a file outside the archive (“%(name)s”).") % {"name": href[:100]}
        )
    return joined


# --- the XML ---------------------------------------------------------------------------


def _refused_xml(reason: str) -> ImportRefused:
    return ImportRefused(reason)


def parse(data: bytes) -> Feed:
    """The feed in ``data``; ``ImportRefused`` for anything unsafe or not Leap2A."""
    if len(data) > MAX_XML_BYTES:
        raise ImportRefused(_("leap2a.xml is too large."))
    depth = 0
    count = 0
    root = None
    try:
        events = SafeTree.iterparse(
            _Reader(data), events=("start", "end"),
            forbid_dtd=True, forbid_entities=True, forbid_external=True,
        )  # fmt: skip
        for event, element in events:
            if event == "start":
                depth += 1
                count += 1
                if depth > MAX_DEPTH:
                    raise ImportRefused(
                        _("leap2a.xml is nested more than %(count)d levels deep.")
                        % {"count": MAX_DEPTH}
                    )
                if count > MAX_ELEMENTS:
                    raise ImportRefused(_("leap2a.xml has too many elements."))
                if root is None:
                    root = element
            else:
                depth -= 1
                # An element's tail is known once its parent ends: checked there.
                for text in (element.text, *(child.tail for child in element)):
                    if text is not None and len(text) > MAX_TEXT:
                        raise ImportRefused(
                            _("leap2a.xml has a text longer than %(count)d characters.")
                            % {"count": MAX_TEXT}
                        )
    except DTDForbidden:
        raise ImportRefused(
            _(
                "leap2a.xml declares a document type (DTD), which is not allowed in Leap2A "
                "files for safety; nothing was imported."
            )  # fmt: skip
        ) from None
    except EntitiesForbidden:
        raise ImportRefused(
            _(
                "leap2a.xml declares entities, which are not allowed for safety; nothing was "
                "imported."
            )  # fmt: skip
        ) from None
    except (ExternalReferenceForbidden, DefusedXmlException):
        raise ImportRefused(
            _(
                "leap2a.xml refers to outside resources, which are never fetched; nothing was "
                "imported."
            )  # fmt: skip
        ) from None
    except (ParseError, LookupError, UnicodeError, ValueError) as error:
        position = getattr(error, "position", None)
        line = position[0] if position else "?"
        raise ImportRefused(
            _(
                "leap2a.xml is not well-formed XML, or not in the encoding it declares "
                "(line %(line)s)."
            )  # fmt: skip
            % {"line": line}
        ) from None
    if root is None or root.tag != f"{{{ATOM}}}feed":
        raise ImportRefused(_("This is not a Leap2A document (an Atom feed was expected)."))
    return _feed(root)


class _Reader:
    """``data`` as a file for iterparse, read in pieces (so the depth check can stop a deep
    document before all of it is parsed)."""

    def __init__(self, data: bytes):
        self.data = data
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        chunk = self.data[self.position : self.position + size]
        self.position += len(chunk)
        return chunk


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _attr(element, name: str, *namespaces: str) -> str:
    """An attribute written with any of ``namespaces`` or none (files differ)."""
    for namespace in namespaces:
        value = element.get(_q(namespace, name))
        if value is not None:
            return value.strip()
    return (element.get(name) or "").strip()


def _short(value: str, *prefixes: str) -> str:
    """ "leap2:person", "http://terms.leapspecs.org/person" → "person"."""
    value = (value or "").strip()
    for prefix in prefixes:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


LEAP_PREFIXES = (LEAP2, "leap2:", "leaptype:", "leap:")
SCHEME_PREFIXES = (CATEGORIES, "categories:", "http://wiki.leapspecs.org/2A/categories#")


def _scheme(value: str) -> str:
    value = (value or "").strip()
    if value.startswith(SITE):
        return value
    return _short(value, *SCHEME_PREFIXES).rstrip("#")


def _text_of(element) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _content(element) -> tuple[str, str, str]:
    """(Markdown, kind, src) of an Atom text construct."""
    if element is None:
        return "", "text", ""
    kind = (element.get("type") or "text").strip().lower()
    src = (element.get("src") or "").strip()
    if kind == "xhtml":
        parts = [escape(element.text or "")]
        for child in element:
            _xhtml(child, parts)
        return html_to_markdown("".join(parts)), kind, src
    if kind in ("html", "text/html"):
        return html_to_markdown(element.text or ""), "html", src
    return (element.text or "").strip(), "text", src


def _xhtml(element, parts: list[str]) -> None:
    """XHTML as HTML with plain tag names (namespaces dropped) and only ``href`` kept, for
    the HTML converter. Depth is bounded by ``MAX_DEPTH``."""
    tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if tag:
        href = element.get("href")
        parts.append(f"<{tag} href={quoteattr(href)}>" if href else f"<{tag}>")
    parts.append(escape(element.text or ""))
    for child in element:
        _xhtml(child, parts)
    if tag:
        parts.append(f"</{tag}>")
    parts.append(escape(element.tail or ""))


def _feed(root) -> Feed:
    feed = Feed(
        title=_text_of(root.find(_q(ATOM, "title"))),
        author=_text_of(root.find(f"{_q(ATOM, 'author')}/{_q(ATOM, 'name')}")),
    )
    entries = root.findall(_q(ATOM, "entry"))
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(
            _("leap2a.xml has more than %(count)d entries.") % {"count": MAX_ENTRIES}
        )
    for number, element in enumerate(entries, start=1):
        entry = _entry(element, number)
        feed.entries.setdefault(entry.id, entry)
    return feed


def _entry(element, number: int) -> Entry:
    entry = Entry(id=_text_of(element.find(_q(ATOM, "id"))) or f"#entry-{number}")
    title = element.find(_q(ATOM, "title"))
    if title is not None and (title.get("type") or "text") in ("html", "xhtml"):
        entry.title = " ".join(html_to_markdown(_content(title)[0]).split()).replace("\\", "")
    else:
        entry.title = " ".join(_text_of(title).split())
    entry.content, entry.content_kind, entry.content_src = _content(
        element.find(_q(ATOM, "content"))
    )
    entry.summary = _content(element.find(_q(ATOM, "summary")))[0]
    entry.published = _text_of(element.find(_q(ATOM, "published")))
    entry.updated = _text_of(element.find(_q(ATOM, "updated")))
    for rdf_type in element.findall(_q(RDF, "type")):
        value = _attr(rdf_type, "resource", RDF)
        if value:
            entry.types.add(_short(value, *LEAP_PREFIXES))
    for category in element.findall(_q(ATOM, "category")):
        term = " ".join((category.get("term") or "").split())
        entry.categories.append((_scheme(category.get("scheme") or ""), term))
    for link in element.findall(_q(ATOM, "link")):
        entry.links.append(
            Link(
                rel=_short(link.get("rel") or "alternate", *LEAP_PREFIXES),
                href=(link.get("href") or "").strip(),
                type=(link.get("type") or "").strip(),
                length=(link.get("length") or "").strip(),
            )
        )
    for date in element.findall(_q(LEAP2, "date")):
        point = _attr(date, "point", LEAP2) or "target"
        entry.dates[point] = (_text_of(date), _attr(date, "label", LEAP2))
    for data in element.findall(_q(LEAP2, "persondata")):
        entry.persondata.append(
            (_attr(data, "field", LEAP2), _attr(data, "label", LEAP2), _text_of(data))
        )
    plugin = element.find(_q(MAHARA, "artefactplugin"))
    if plugin is not None:
        entry.plugin = _attr(plugin, "plugin", MAHARA)
        entry.artefact_type = _attr(plugin, "type", MAHARA)
    view = element.find(_q(MAHARA, "view"))
    entry.is_view = view is not None
    if view is not None:
        for block in view.iter(_q(MAHARA, "blockinstance")):
            config = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in block}
            entry.blocks.append(
                (_attr(block, "blocktype", MAHARA), _attr(block, "blocktitle", MAHARA), config)
            )
    for site_field in element.findall(_q(SITE, "field")):
        entry.site_fields[_attr(site_field, "name", SITE)] = site_field.text or ""
    markdown = element.find(_q(SITE, "markdown"))
    if markdown is not None:
        entry.markdown = markdown.text or ""
    return entry


__all__ = ["XHTML", "Entry", "Feed", "Link", "Package", "enclosure_path", "open_package", "parse"]
