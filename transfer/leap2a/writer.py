"""A portfolio as a Leap2A zip (``leap2a.xml`` + ``files/``) that Mahara can import.

- The profile: ``leap2:person`` (Mahara's ``portfolio:artefactinternal``) with its
  persondata (names, e-mail, website, phone, LinkedIn / GitHub / Telegram), about me as its
  content, the skills as its tags, the interests as Mahara's résumé ``interest`` entry, the
  photo as Mahara's ``profileicon`` file.
- Achievements: résumé entries by section, each section a ``Grouping`` selection typed as
  Mahara's résumé composite that fits it (education, employment, certification, book,
  membership), with dates, the organisation as the ``is_supported_by`` organization entry,
  and this site's section, level, result, grade and visibility in its own extension.
- The journal: a ``Blog`` selection of ``leap2:entry`` posts (HTML for Mahara, the
  Markdown source beside it), with their dates, tags and attachments.
- Evidence: ``leap2:resource`` entries enclosing the files, linked ``related`` from their
  item; video links as resources with an ``alternate`` address.
"""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as Tree

from django.utils import timezone

from achievements.selectors import portfolio_view
from core.files.storage import stored_chunks
from core.files.uploads import Kind
from journal.models import Post
from portfolios.access import OWNER
from portfolios.models import Portfolio
from transfer.archive import VISIBILITY_NAMES, Progress, _file_entry, _no_progress
from transfer.leap2a import (
    ATOM,
    CATEGORIES,
    LEAP2,
    LEAP2A_VERSION,
    MAHARA,
    RDF,
    SECTION_SCHEME,
    SITE,
    STATUS_SCHEME,
    VISIBILITY_SCHEME,
)  # fmt: skip

# This site's section → Mahara's résumé composite, its Leap2A type and life area.
SECTION_TYPES = {
    "academic": ("educationhistory", "activity", "Education"),
    "experience": ("employmenthistory", "activity", "Work"),
    "certificates": ("certification", "achievement", ""),
    "research": ("book", "resource", ""),
    "presentations": ("book", "resource", ""),
    "conferences": ("membership", "activity", ""),
    "social": ("membership", "activity", ""),
    "sports": ("certification", "achievement", ""),
}
DEFAULT_TYPE = ("certification", "achievement", "")
PERSON_ID = "portfolio:artefactinternal"

for prefix, uri in (("", ATOM), ("rdf", RDF), ("leap2", LEAP2), ("categories", CATEGORIES),
                    ("mahara", MAHARA), ("sp", SITE)):  # fmt: skip
    Tree.register_namespace(prefix, uri)


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _moment(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


class _Writer:
    def __init__(self, portfolio: Portfolio):
        self.portfolio = portfolio
        self.feed = Tree.Element(_q(ATOM, "feed"))
        self.files: list[tuple[str, object]] = []
        self.now = timezone.now()
        self.number = 0

    def add(self, parent, namespace: str, name: str, text: str | None = None, **attributes):
        element = Tree.SubElement(parent, _q(namespace, name))
        for key, value in attributes.items():
            if value not in (None, ""):
                element.set(key, str(value))
        if text:
            element.text = text
        return element

    def entry(self, entry_id: str, title: str, leap_type: str, *, updated=None):
        entry = self.add(self.feed, ATOM, "entry")
        self.add(entry, ATOM, "title", title or "—")
        self.add(entry, ATOM, "id", entry_id)
        self.add(entry, ATOM, "updated", _moment(updated or self.now))
        self.add(entry, RDF, "type", **{_q(RDF, "resource"): f"leap2:{leap_type}"})
        return entry

    def content(self, entry, *, text: str = "", html: str = "", markdown: str | None = None):
        if html:
            self.add(entry, ATOM, "content", html, type="html")
            self.add(entry, SITE, "markdown", markdown or "")
        else:
            self.add(entry, ATOM, "content", text or "", type="text")

    def plugin(self, entry, plugin: str, artefact_type: str) -> None:
        self.add(entry, MAHARA, "artefactplugin",
                 **{_q(MAHARA, "plugin"): plugin, _q(MAHARA, "type"): artefact_type})  # fmt: skip

    def category(self, entry, scheme: str, term: str) -> None:
        if scheme and not scheme.startswith(SITE):
            scheme = f"categories:{scheme}#"
        self.add(entry, ATOM, "category", term=term, scheme=scheme)

    def link(self, entry, rel: str, href: str, **attributes) -> None:
        self.add(entry, ATOM, "link", rel=rel, href=href, **attributes)

    def site_field(self, entry, name: str, value: str) -> None:
        if value:
            self.add(entry, SITE, "field", value, **{_q(SITE, "name"): name})

    def date(self, entry, point: str, day) -> None:
        if day:
            names = {_q(LEAP2, "point"): point, _q(LEAP2, "label"): day.isoformat()}
            self.add(entry, LEAP2, "date", day.isoformat(), **names)

    def file_entry(self, field_file, *, name, content_type, size, caption="", kind="") -> str:
        self.number += 1
        path = _file_entry(self.number, field_file, name=name)
        self.files.append((path, field_file))
        entry_id = f"portfolio:file{self.number}"
        entry = self.entry(entry_id, name, "resource")
        self.add(entry, ATOM, "summary", caption or "")
        self.add(entry, ATOM, "content", "")
        self.plugin(entry, "file", "image" if kind == Kind.IMAGE else "file")
        self.category(entry, "resource_type", "Offline")
        self.link(entry, "enclosure", path, type=content_type, length=size)
        return entry_id

    # the parts ---------------------------------------------------------------------------

    def head(self) -> None:
        student = self.portfolio.student
        name = student.get_full_name() or student.username
        self.add(self.feed, LEAP2, "version", LEAP2A_VERSION)
        self.add(self.feed, ATOM, "id", f"urn:x-student-portfolio:export:{self.portfolio.pk}:"
                                         f"{self.now:%Y%m%d%H%M%S}")  # fmt: skip
        self.add(self.feed, ATOM, "title", f"Leap2A export: {name}")
        self.add(self.feed, ATOM, "updated", _moment(self.now))
        author = self.add(self.feed, ATOM, "author")
        self.add(author, ATOM, "name", name)
        if student.email:
            self.add(author, ATOM, "email", student.email)
        self.add(self.feed, ATOM, "generator", "Student portfolio", uri=SITE)

    def person(self, skills) -> None:
        portfolio, student = self.portfolio, self.portfolio.student
        entry = self.entry(PERSON_ID, student.get_full_name() or student.username, "person",
                           updated=portfolio.updated_at)  # fmt: skip
        self.content(entry, html=portfolio.about_html, markdown=portfolio.about,
                     text=portfolio.about)  # fmt: skip
        self.plugin(entry, "internal", "person")
        data = [("legal_given_name", "", student.first_name),
                ("legal_family_name", "", student.last_name),
                ("email", "", student.email), ("website", "", portfolio.website),
                ("mobile", "", portfolio.phone), ("other", "LinkedIn", portfolio.linkedin),
                ("other", "GitHub", portfolio.github),
                ("other", "Telegram", portfolio.telegram)]  # fmt: skip
        for field_name, label, value in data:
            if value:
                self.add(entry, LEAP2, "persondata", value,
                         **{_q(LEAP2, "field"): field_name, _q(LEAP2, "label"): label})  # fmt: skip
        self.site_field(entry, "headline", portfolio.headline)
        self.site_field(entry, "interests", portfolio.interests)
        self.category(entry, VISIBILITY_SCHEME, VISIBILITY_NAMES[portfolio.visibility])
        for skill in skills:
            self.category(entry, "", skill.name)
        if portfolio.interests:
            interest = self.entry("portfolio:interest", "Interests", "entry")
            self.content(interest, html=f"<p>{_escape(portfolio.interests)}</p>",
                         markdown=portfolio.interests)  # fmt: skip
            self.plugin(interest, "resume", "interest")
        if portfolio.photo:
            size = portfolio.photo.size
            name = f"photo.{portfolio.photo.name.rsplit('.', 1)[-1]}"
            self.file_entry(portfolio.photo, name=name, content_type="", size=size,
                                       kind=Kind.IMAGE)  # fmt: skip
            photo = self.feed[-1]
            photo.find(_q(MAHARA, "artefactplugin")).set(_q(MAHARA, "type"), "profileicon")
            self.link(photo, "related", PERSON_ID)

    def achievements(self, sections) -> None:
        for section in sections:
            items = list(section.achievements)
            if not items:
                continue
            code = section.category.code
            kind, leap_type, life_area = SECTION_TYPES.get(code, DEFAULT_TYPE)
            group_id = f"portfolio:section-{code}"
            group = self.entry(group_id, str(section.category.name), "selection")
            self.content(group)
            self.plugin(group, "resume", kind)
            self.category(group, "selection_type", "Grouping")
            self.category(group, SECTION_SCHEME, code)
            for position, item in enumerate(items, start=1):
                self.link(group, "leap2:has_part", f"portfolio:achievement{item.pk}",
                          **{_q(LEAP2, "display_order"): position})  # fmt: skip
            for position, item in enumerate(items, start=1):
                self.achievement(item, group_id, position, code, kind, leap_type, life_area)

    def achievement(self, item, group_id, position, code, kind, leap_type, life_area) -> None:
        item_id = f"portfolio:achievement{item.pk}"
        attached = []
        for evidence in item.evidence.all():
            if evidence.kind == Kind.LINK:
                self.number += 1
                link_id = f"portfolio:link{self.number}"
                entry = self.entry(link_id, evidence.caption or evidence.external_url,
                                   "resource")  # fmt: skip
                self.add(entry, ATOM, "summary", evidence.caption)
                self.add(entry, ATOM, "content", "")
                self.category(entry, "resource_type", "Web")
                self.link(entry, "alternate", evidence.external_url)
                attached.append(link_id)
            else:
                attached.append(self.file_entry(
                    evidence.file, name=evidence.original_name, size=evidence.size,
                    content_type=evidence.content_type, caption=evidence.caption,
                    kind=evidence.kind,
                ))  # fmt: skip
        entry = self.entry(item_id, item.title, leap_type, updated=item.updated_at)
        self.content(entry, text=item.description)
        self.plugin(entry, "resume", f"pseudo:{kind}")
        self.link(entry, "leap2:is_part_of", group_id,
                  **{_q(LEAP2, "display_order"): position})  # fmt: skip
        if life_area:
            self.category(entry, "life_area", life_area)
        if leap_type == "resource":
            self.category(entry, "resource_type", "Printed")
        self.category(entry, SECTION_SCHEME, code)
        self.category(entry, VISIBILITY_SCHEME, VISIBILITY_NAMES[item.visibility])
        for skill in item.skills.all():
            self.category(entry, "", skill.name)
        if kind in ("certification", "book") and not item.end_date:
            self.date(entry, "end", item.start_date)  # Mahara keeps one date, as the end
        else:
            self.date(entry, "start", item.start_date)
            self.date(entry, "end", item.end_date)
        for name in ("organisation", "level", "result", "grade", "url"):
            self.site_field(entry, name, getattr(item, name))
        for target in attached:
            self.link(entry, "related", target)
        if kind == "educationhistory" and item.result:
            # Mahara's qualification: an achievement the education entry supports.
            qualification_id = f"portfolio:qualification{item.pk}"
            self.link(entry, "leap2:supports", qualification_id)
            qualification = self.entry(qualification_id, item.result, "achievement")
            self.content(qualification)
            self.plugin(qualification, "resume", f"pseudo:{kind}")
            self.link(qualification, "leap2:is_supported_by", item_id)
        if item.organisation:
            org_id = f"portfolio:organisation{item.pk}"
            self.link(entry, "leap2:is_supported_by", org_id)
            organisation = self.entry(org_id, item.organisation, "organization")
            self.content(organisation)
            self.plugin(organisation, "resume", f"pseudo:{kind}")
            self.link(organisation, "leap2:supports", item_id)

    def journal(self, posts) -> None:
        if not posts:
            return
        blog = self.entry("portfolio:journal", "Journal", "selection")
        self.content(blog)
        self.plugin(blog, "blog", "blog")
        self.category(blog, "selection_type", "Blog")
        for post in posts:
            self.link(blog, "leap2:has_part", f"portfolio:post{post.pk}")
        for post in posts:
            attached = [
                self.file_entry(
                    a.file,
                    name=a.original_name,
                    content_type=a.content_type,
                    size=a.size,
                    kind=a.kind,
                )  # fmt: skip
                for a in post.attachments.all()
            ]
            entry = self.entry(f"portfolio:post{post.pk}", post.title, "entry",
                               updated=post.updated_at)  # fmt: skip
            if post.published_at:
                self.add(entry, ATOM, "published", _moment(post.published_at))
            self.content(entry, html=post.body_html or " ", markdown=post.body)
            self.plugin(entry, "blog", "blogpost")
            self.link(entry, "leap2:is_part_of", "portfolio:journal")
            if post.status != "published":
                self.category(entry, "readiness", "Unready")  # Mahara's unpublished post
                self.category(entry, STATUS_SCHEME, "draft")
            self.category(entry, VISIBILITY_SCHEME, VISIBILITY_NAMES[post.visibility])
            for tag in post.tags:
                self.category(entry, "", tag)
            for target in attached:
                self.link(entry, "leap2:has_attachment", target)  # as Mahara links them


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def leap2a_document(portfolio: Portfolio) -> tuple[bytes, list[tuple[str, object]]]:
    """leap2a.xml and the (zip path, stored file) pairs to put beside it."""
    view = portfolio_view(portfolio, OWNER)
    writer = _Writer(portfolio)
    writer.head()
    writer.person(view.skills)
    writer.achievements(view.sections)
    posts = list(
        Post.objects.filter(portfolio=portfolio).order_by("pk").prefetch_related("attachments")
    )
    writer.journal(posts)
    Tree.indent(writer.feed, space="  ")
    data = Tree.tostring(writer.feed, encoding="utf-8", xml_declaration=True)
    return data, writer.files


def export_leap2a(portfolio: Portfolio, target, *, progress: Progress = _no_progress) -> None:
    """Write the Leap2A zip to ``target`` (a path or a binary file object)."""
    progress("collecting", 0, 0)
    document, files = leap2a_document(portfolio)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leap2a.xml", document)
        progress("packing", 0, len(files))
        for done, (path, field_file) in enumerate(files, start=1):
            with archive.open(path, "w") as out:
                for chunk in stored_chunks(field_file):
                    out.write(chunk)
            progress("packing", done, len(files))
