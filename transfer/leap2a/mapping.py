"""What each Leap2A entry becomes on this site, or why it is skipped: a ``Plan`` (no
writes, no files read) with a report the student reads after the import.

- The person entry (``leap2:person``, Mahara's ``artefactinternal``): about me, contacts,
  interests, tags → the profile (only fields still empty here are filled).
- Résumé entries (Mahara's ``resume`` plugin: ``pseudo:educationhistory``,
  ``employmenthistory``, ``certification``, ``book``, ``membership``; its goals and skills;
  plain Leap2A activities, achievements, affiliations, meetings, abilities) → achievements
  in the matching section, with dates, organisation (the ``is_supported_by`` organization
  entry) and description. This site's own section category wins when it names a section.
- Blog selections (``selection_type#Blog``) and their ``leap2:entry`` parts → journal posts
  with their dates; a text entry of no blog → a journal post too.
- Resources with an ``enclosure`` link to a file in the zip → evidence of the item that
  links them, else of one "Imported files" achievement; an outside address is never
  fetched: a link evidence if it is an https address, else skipped.
- Mahara pages (``view``), folders, comments and anything else → skipped, with the reason.
Everything is planned as "only me".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from achievements.models import DESCRIPTION_MAX_LENGTH, Achievement, Level
from journal.models import BODY_MAX_LENGTH, MAX_TAGS, TAG_LENGTH
from transfer.leap2a import SECTION_SCHEME, STATUS_SCHEME
from transfer.leap2a.reader import Entry, Feed, Package, enclosure_path
from transfer.leap2a.text import html_to_markdown, plain_text

MAX_SKILLS = 30
SKILL_LENGTH = 60
IMPORTED_FILES_SECTION = "presentations"
MAX_ACHIEVEMENTS = 2000
MAX_POSTS = 2000

# Mahara's résumé composites: (the section here, what the report calls it)
RESUME_SECTIONS = {
    "educationhistory": "academic",
    "employmenthistory": "experience",
    "certification": "certificates",
    "book": "research",
    "membership": "social",
}
GOALS_AND_SKILLS = {
    "personalgoal": "social",
    "academicgoal": "academic",
    "careergoal": "experience",
    "personalskill": "social",
    "academicskill": "academic",
    "workskill": "experience",
}
ATTACHMENT_RELS = ("related", "has_attachment", "has_part", "has_evidence", "is_evidenced_by")


def _resume_label(kind: str) -> str:
    return {
        "educationhistory": _("Education"),
        "employmenthistory": _("Employment"),
        "certification": _("Certification"),
        "book": _("Book or publication"),
        "membership": _("Membership"),
        "personalgoal": _("Personal goals"),
        "academicgoal": _("Academic goals"),
        "careergoal": _("Career goals"),
        "personalskill": _("Personal skills"),
        "academicskill": _("Academic skills"),
        "workskill": _("Work skills"),
        "activity": _("Activity"),
        "achievement": _("Achievement"),
        "affiliation": _("Membership"),
        "meeting": _("Meeting or conference"),
        "ability": _("Skills"),
    }.get(kind, kind)


@dataclass
class PlannedFile:
    entry_id: str
    path: str  # inside the zip
    label: str  # the file's name as shown
    caption: str = ""


@dataclass
class PlannedItem:
    section: str
    title: str
    source: str  # what it was, for the report
    fields: dict = field(default_factory=dict)  # description, organisation, dates, …
    skills: list[str] = field(default_factory=list)
    files: list[PlannedFile] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (https address, caption)


@dataclass
class PlannedPost:
    title: str
    fields: dict = field(default_factory=dict)  # body, tags, published_at, status
    files: list[PlannedFile] = field(default_factory=list)


@dataclass
class Plan:
    profile: dict = field(default_factory=dict)  # profile fields to fill when empty
    skills: list[str] = field(default_factory=list)
    photo: PlannedFile | None = None
    items: list[PlannedItem] = field(default_factory=list)
    posts: list[PlannedPost] = field(default_factory=list)
    placed: list[dict] = field(default_factory=list)  # {"what", "title", "where"}
    skipped: list[dict] = field(default_factory=list)  # {"what", "title", "reason"}
    notes: list[str] = field(default_factory=list)
    person_name: str = ""  # the name the file gives (the account's own name is kept)

    def skip(self, what: str, title: str, reason: str) -> None:
        self.skipped.append({"what": what, "title": title[:200], "reason": reason})

    def place(self, what: str, title: str, where: str) -> None:
        self.placed.append({"what": what, "title": title[:200], "where": where})

    @property
    def file_count(self) -> int:
        count = 1 if self.photo else 0
        return count + sum(len(i.files) for i in self.items) + sum(len(p.files) for p in self.posts)


# --- small helpers ---------------------------------------------------------------------


def _limit(text: str, limit: int, plan: Plan, title: str) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    plan.notes.append(
        _("The text of “%(title)s” was longer than %(limit)d characters and was shortened.")
        % {"title": title[:80], "limit": limit}
    )
    return text[: limit - 1].rstrip() + "…"


def _field_limit(name: str) -> int:
    return Achievement._meta.get_field(name).max_length


MONTHS = {name: number for number, names in enumerate(
    (("jan", "january", "янв"), ("feb", "february", "фев"), ("mar", "march", "мар"),
     ("apr", "april", "апр"), ("may", "мая", "май"), ("jun", "june", "июн"),
     ("jul", "july", "июл"), ("aug", "august", "авг"), ("sep", "sept", "september", "сен"),
     ("oct", "october", "окт"), ("nov", "november", "ноя"), ("dec", "december", "дек")),
    start=1) for name in names}  # fmt: skip


def parse_day(value: str) -> date | None:
    """A day from the ways Leap2A files write one: ISO (a day, a month, a year, a moment),
    day/month/year with dots or slashes, "September 2005", "1 Sep 2005"; None otherwise
    (and outside 1900–2100, the range the site keeps)."""
    text = (value or "").strip().lower()
    if not text:
        return None
    found = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?", text):
        found = (int(match[1]), int(match[2]), int(match[3]))
    elif match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        found = (int(match[1]), int(match[2]), 1)
    elif match := re.fullmatch(r"(\d{4})", text):
        found = (int(match[1]), 1, 1)
    elif match := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text):
        found = (int(match[3]), int(match[2]), int(match[1]))
    elif match := re.fullmatch(r"(\d{1,2})[./](\d{4})", text):
        found = (int(match[2]), int(match[1]), 1)
    elif match := re.fullmatch(r"(?:(\d{1,2})\s+)?([^\W\d]+)\.?,?\s+(\d{4})", text):
        month = MONTHS.get(match[2]) or MONTHS.get(match[2][:3])
        if month:
            found = (int(match[3]), month, int(match[1] or 1))
    if found is None:
        return None
    try:
        day = date(*found)
    except ValueError:
        return None
    return day if date(1900, 1, 1) <= day <= date(2100, 12, 31) else None


def parse_moment(value: str) -> datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day = parse_day(text)
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not (1900 <= moment.year <= 2100):
        return None
    return moment


def _json_text(value: str) -> str:
    """A Mahara block's setting: JSON-encoded in its export, or plain."""
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, str) else value


def _skills(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        shown = " ".join(name.split())[:SKILL_LENGTH].strip()
        if shown and shown.casefold() not in seen:
            seen[shown.casefold()] = shown
    return list(seen.values())[:MAX_SKILLS]


# --- the plan ---------------------------------------------------------------------------


class _Planner:
    def __init__(self, package: Package, sections: dict[str, str]):
        self.package = package
        self.feed: Feed = package.feed
        self.sections = sections  # code → name, the sections this site has
        self.plan = Plan()
        self.used: set[str] = set()  # entries planned (or consumed as parts of another)
        self.attached: set[str] = set()  # file entries given to an item or a post

    # entries --------------------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry | None:
        return self.feed.entries.get(entry_id)

    def file_of(self, entry: Entry) -> PlannedFile | None:
        """The zip file a resource entry encloses (None: it has none, or one outside)."""
        link = next(iter(entry.links_of("enclosure")), None)
        href = link.href if link else entry.content_src
        if not href:
            return None
        path = enclosure_path(self.package, href)
        if path is not None and path not in self.package.entries and unquote(href) != href:
            # A percent-encoded name ("my%20file.pdf"), checked again once decoded.
            path = enclosure_path(self.package, unquote(href))
        if path is None or path not in self.package.entries:
            return None
        label = entry.title or path.rsplit("/", 1)[-1]
        return PlannedFile(entry.id, path, label[:150], plain_text(entry.summary)[:200])

    def outside_address(self, entry: Entry) -> str:
        link = next(iter(entry.links_of("enclosure")), None)
        href = link.href if link else entry.content_src
        if href and enclosure_path(self.package, href) is None:
            return href
        return ""

    def is_file(self, entry: Entry) -> bool:
        return entry.is_a("resource") and bool(entry.links_of("enclosure") or entry.content_src)

    def web_address(self, entry: Entry) -> str:
        """A resource that is an address on the web (no file): its https address."""
        if not entry.is_a("resource") or entry.links_of("enclosure") or entry.content_src:
            return ""
        link = next(iter(entry.links_of("alternate")), None)
        return link.href if link and link.href.startswith("https://") else ""

    def attachments(self, entry: Entry) -> tuple[list[PlannedFile], list[tuple[str, str]]]:
        """The files (and https addresses) an entry links to, each given once."""
        files, links = [], []
        for link in entry.links_of(*ATTACHMENT_RELS):
            target = self.entry(link.href)
            if target is None or target.id in self.attached:
                continue
            if address := self.web_address(target):
                self.attached.add(target.id)
                self.used.add(target.id)
                links.append((address, plain_text(target.summary)[:200]))
                continue
            if not self.is_file(target):
                continue
            self.attached.add(target.id)
            self.used.add(target.id)
            planned = self.file_of(target)
            if planned is not None:
                files.append(planned)
                continue
            address = self.outside_address(target)
            if address.startswith("https://"):
                links.append((address, plain_text(target.summary)[:200] or target.title))
            else:
                self.plan.skip(_("File"), target.title or address,
                               _("Its file is not in the archive; outside addresses are "
                                 "never fetched."))  # fmt: skip
        return files, links

    def section(self, wanted: str, entry: Entry) -> str:
        own = entry.category(SECTION_SCHEME)
        if own in self.sections:
            return own
        if wanted in self.sections:
            return wanted
        return next(iter(self.sections))

    # the whole document -----------------------------------------------------------------

    def run(self) -> Plan:
        if not self.sections:
            raise ValueError("no sections")
        self.person()
        for entry in self.feed.entries.values():
            if entry.id in self.used:
                continue
            kind = self.resume_kind(entry)
            if kind:
                self.resume_item(entry, kind)
        self.blogs()
        for entry in list(self.feed.entries.values()):
            if entry.id not in self.used:
                self.other(entry)
        self.loose_files()
        return self.plan

    def person(self) -> None:
        person = next((e for e in self.feed.entries.values() if e.is_a("person")), None)
        if person is None:
            person = next((e for e in self.feed.entries.values()
                           if e.id.endswith("artefactinternal")), None)  # fmt: skip
        if person is None:
            return
        self.used.add(person.id)
        profile = self.plan.profile
        about = person.markdown if person.markdown is not None else person.content
        if about:
            profile["about"] = about
        for name, label, value in person.persondata:
            value = " ".join(value.split())
            lowered = (label + " " + value).lower()
            if not value:
                continue
            social = any(site in lowered for site in ("linkedin", "github", "t.me", "telegram"))
            if name == "website" or (name == "other" and "http" in value and not social):
                profile.setdefault("website", value)
            elif name in ("mobile", "homephone", "businessphone", "phone", "workphone"):
                profile.setdefault("phone", value)
            elif "linkedin" in lowered:
                profile.setdefault("linkedin", value)
            elif "github" in lowered:
                profile.setdefault("github", value)
            elif "telegram" in lowered or "t.me/" in lowered:
                profile.setdefault("telegram", value.rsplit("/", 1)[-1])
        names = dict((field_name, value) for field_name, _label, value in person.persondata)
        given = names.get("preferred_given_name") or names.get("legal_given_name", "")
        family = names.get("preferred_family_name") or names.get("legal_family_name", "")
        self.plan.person_name = " ".join(" ".join((given, family)).split()) or person.title
        for name in ("headline", "interests"):
            if person.site_fields.get(name):
                profile[name] = person.site_fields[name]
        self.plan.skills = _skills(person.tags)
        self.plan.place(_("Profile"), person.title, _("Your profile (fields still empty)"))
        # Mahara's profile picture: a file that links itself to the person entry.
        for entry in self.feed.entries.values():
            if (
                self.is_file(entry)
                and (entry.artefact_type == "profileicon"
                     or any(link.href == person.id for link in entry.links_of("related")))
            ):  # fmt: skip
                planned = self.file_of(entry)
                if planned is not None:
                    self.plan.photo = planned
                    self.used.add(entry.id)
                    self.attached.add(entry.id)
                    break

    def resume_kind(self, entry: Entry) -> str:
        """Which résumé entry this is ("" for none)."""
        if entry.plugin == "resume":
            kind = entry.artefact_type.removeprefix("pseudo:")
            if kind in RESUME_SECTIONS:
                # A composite's child (its siblings, the organisation and qualification,
                # are not parts of the composite: the child takes them).
                return kind if entry.links_of("is_part_of") else ""
            if kind in GOALS_AND_SKILLS or kind == "interest":
                return kind
            return ""
        if entry.plugin or entry.is_a("person", "selection", "entry", "organization"):
            return ""
        if entry.category(SECTION_SCHEME):
            return "site"
        for kind in ("activity", "achievement", "affiliation", "meeting", "ability"):
            if entry.is_a(kind):
                return kind
        if entry.is_a("resource") and entry.category("resource_type") == "Printed":
            return "book"
        return ""

    def resume_item(self, entry: Entry, kind: str) -> None:
        self.used.add(entry.id)
        if kind == "interest":
            text = entry.markdown if entry.markdown is not None else entry.content
            self.plan.profile.setdefault("interests", " ".join(text.split()))
            self.plan.place(_("Interests"), entry.title, _("Your profile (fields still empty)"))
            return
        if kind in RESUME_SECTIONS:
            wanted = RESUME_SECTIONS[kind]
        elif kind in GOALS_AND_SKILLS:
            wanted = GOALS_AND_SKILLS[kind]
        else:
            life_area = entry.category("life_area").lower()
            wanted = {"activity": {"education": "academic", "work": "experience"}.get(
                          life_area, "social"),
                      "achievement": "certificates", "affiliation": "social",
                      "meeting": "conferences", "ability": "social"}.get(kind, "")  # fmt: skip
        code = self.section(wanted, entry)
        title = entry.title or _resume_label(kind)
        text = entry.markdown if entry.markdown is not None else entry.content
        parts = [text] if text else []
        fields: dict = {}
        # Siblings: the organisation, the qualification, a book's contribution.
        for link in entry.links:
            sibling = self.entry(link.href)
            if sibling is None or sibling.id == entry.id:
                continue
            if sibling.is_a("organization") and link.rel in ("is_supported_by", "supports",
                                                              "related"):  # fmt: skip
                fields.setdefault("organisation", sibling.title)
                self.used.add(sibling.id)
            elif (
                sibling.is_a("achievement")
                and sibling.plugin == "resume"
                and link.rel in ("supports", "related", "is_supported_by")
                and sibling.id not in self.used
            ):
                self.used.add(sibling.id)
                if kind == "educationhistory" and sibling.title:
                    fields.setdefault("result", sibling.title)
                elif sibling.title or sibling.content:
                    contribution = ": ".join(p for p in (sibling.title, sibling.content) if p)
                    parts.append(contribution)
        for name in ("organisation", "level", "result", "grade", "url"):
            if entry.site_fields.get(name):
                fields[name] = entry.site_fields[name]
        start = entry.dates.get("start")
        end = entry.dates.get("end") or entry.dates.get("target")
        for name, point in (("start_date", start), ("end_date", end)):
            if point is None:
                continue
            value, label = point
            day = parse_day(value) or parse_day(label)
            if day is not None:
                fields[name] = day
            elif value or label:
                parts.append(_("Dates: %(text)s") % {"text": label or value})
                self.plan.notes.append(
                    _("The date “%(text)s” of “%(title)s” could not be read; it was kept in "
                      "the description.") % {"text": (label or value)[:40], "title": title[:80]}
                )  # fmt: skip
        if "start_date" not in fields and "end_date" in fields:
            fields["start_date"] = fields.pop("end_date")  # one date: the item's date
        if (
            fields.get("end_date")
            and fields.get("start_date")
            and (fields["end_date"] < fields["start_date"])
        ):
            fields.pop("end_date")
        if fields.get("level") not in (None, *Level.values):
            fields.pop("level")
        for name in ("organisation", "result", "grade", "url"):
            if name in fields:
                fields[name] = fields[name][: _field_limit(name)]
        if fields.get("url") and not fields["url"].startswith(("http://", "https://")):
            fields.pop("url")
        fields["description"] = _limit("\n\n".join(parts), DESCRIPTION_MAX_LENGTH, self.plan,
                                       title)  # fmt: skip
        files, links = self.attachments(entry)
        item = PlannedItem(code, title[: _field_limit("title")], _resume_label(kind)
                           if kind != "site" else _("Achievement"), fields,
                           _skills(entry.tags), files, links)  # fmt: skip
        self.plan.items.append(item)
        self.plan.place(item.source, item.title, self.sections[code])

    def blogs(self) -> None:
        blogs = [e for e in self.feed.entries.values()
                 if e.is_a("selection") and e.category("selection_type") == "Blog"]  # fmt: skip
        for blog in blogs:
            self.used.add(blog.id)
            parts = [self.entry(link.href) for link in blog.links_of("has_part")]
            parts += [
                e
                for e in self.feed.entries.values()
                if any(link.href == blog.id for link in e.links_of("is_part_of"))
            ]
            for post in parts:
                if post is None or post.id in self.used or not post.is_a("entry"):
                    continue
                self.post(post, blog.title)

    def post(self, entry: Entry, blog: str) -> None:
        self.used.add(entry.id)
        title = entry.title or _("Untitled post")
        body = entry.markdown if entry.markdown is not None else entry.content
        draft = entry.category(STATUS_SCHEME) == "draft" or entry.category("readiness") == "Unready"
        status = "draft" if draft else "published"
        fields = {
            "body": _limit(body, BODY_MAX_LENGTH, self.plan, title),
            "tags": [" ".join(t.split())[:TAG_LENGTH] for t in entry.tags][:MAX_TAGS],
            "published_at": parse_moment(entry.published)
            or (parse_moment(entry.updated) if status != "draft" else None),
            "status": status,
        }
        files, links = self.attachments(entry)
        for address, _caption in links:
            fields["body"] = _limit(f"{fields['body']}\n\n<{address}>".strip(), BODY_MAX_LENGTH,
                                    self.plan, title)  # fmt: skip
        self.plan.posts.append(PlannedPost(title[:200], fields, files))
        where = _("Journal") + (f" ({blog})" if blog else "")
        self.plan.place(_("Blog post") if blog else _("Text"), title, where)

    def other(self, entry: Entry) -> None:
        """Whatever no rule above took: a text becomes a post; the rest is skipped."""
        title = entry.title or entry.id
        if self.is_file(entry):
            return  # left for loose_files
        self.used.add(entry.id)
        if entry.is_view or entry.category("selection_type") in ("Webpage", "Website"):
            self.page(entry, title)
        elif entry.is_a("selection") and entry.category("selection_type") in (
            "Folder",
            "Grouping",
        ):
            pass  # its parts are imported by themselves
        elif entry.plugin == "comment" or entry.links_of("reflects_on"):
            self.plan.skip(_("Comment"), title, _("Comments are not imported."))
        elif entry.is_a("entry") and (entry.content or entry.markdown):
            self.post(entry, "")
        elif entry.is_a("organization"):
            pass  # an organisation no résumé entry named
        else:
            self.plan.skip(_("Entry"), title, _("This site has nothing of this kind."))

    def page(self, entry: Entry, title: str) -> None:
        """A Mahara page: its description and text blocks become one journal post (with
        the files it links that nothing else took); its layout and other blocks do not
        map, and the items they show are imported by themselves."""
        parts = [entry.content] if entry.content else []
        for block_type, block_title, config in entry.blocks:
            if block_type not in ("text", "textbox") or not config.get("text"):
                continue
            text = html_to_markdown(_json_text(config["text"]))
            if text:
                parts.append(f"### {block_title}\n\n{text}" if block_title else text)
        if not parts:
            self.plan.skip(_("Mahara page"), title,
                           _("Pages are layouts of other items; the items they show were "
                             "imported by themselves where they map."))  # fmt: skip
            return
        files, links = self.attachments(entry)
        body = "\n\n".join(parts)
        for address, _caption in links:
            body += f"\n\n<{address}>"
        fields = {"body": _limit(body, BODY_MAX_LENGTH, self.plan, title), "tags": [],
                  "published_at": None, "status": "draft"}  # fmt: skip
        self.plan.posts.append(PlannedPost(title[:200], fields, files))
        self.plan.place(_("Mahara page"), title, _("Journal (a draft with the page's text)"))

    def loose_files(self) -> None:
        """Files no imported item links to: one "Imported files" achievement."""
        files = []
        for entry in self.feed.entries.values():
            if entry.id in self.attached or not self.is_file(entry):
                continue
            self.attached.add(entry.id)
            planned = self.file_of(entry)
            if planned is not None:
                files.append(planned)
            else:
                self.plan.skip(_("File"), entry.title or self.outside_address(entry),
                               _("Its file is not in the archive; outside addresses are "
                                 "never fetched."))  # fmt: skip
        if files:
            code = self.section(IMPORTED_FILES_SECTION, Entry(id=""))
            item = PlannedItem(code, _("Imported files"), _("Files"), {"description": ""},
                               files=files)  # fmt: skip
            self.plan.items.append(item)
            count = ngettext("%(count)d file", "%(count)d files", len(files)) % {
                "count": len(files)
            }
            self.plan.place(_("Files"), count, f"{self.sections[code]}: {item.title}")


def plan_import(package: Package, sections: dict[str, str]) -> Plan:
    """The plan for ``package`` given this site's sections (code → name, in order)."""
    plan = _Planner(package, sections).run()
    return plan
