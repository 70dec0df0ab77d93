"""A small builder of Leap2A documents, written from the specification
(http://www.leapspecs.org/2A/, the Atom namespace, ``leap2:`` terms and the categories
schemes) and Mahara's extension namespace, for the Leap2A tests."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from tests.factories import pdf_bytes, png_bytes

MAHARA_NS = "http://wiki.mahara.org/Developer_Area/Import%2F%2FExport/LEAP_Extensions#"
NAMESPACES = (
    'xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:leap2="http://terms.leapspecs.org/" '
    'xmlns:categories="http://wiki.leapspecs.org/2A/categories/" '
    'xmlns:portfolio="http://mahara.example/export/leap/7/1700000000/" '
    f'xmlns:mahara="{MAHARA_NS}"'
)


def entry(
    entry_id: str,
    title: str,
    leap_type: str,
    *,
    content: str = "",
    content_type: str = "text",
    plugin: tuple[str, str] | None = None,
    links: tuple = (),
    categories: tuple = (),
    dates: tuple = (),
    persondata: tuple = (),
    published: str = "",
    summary: str = "",
    raw: str = "",
) -> str:
    """One ``<entry>``. ``links``: (rel, href[, extra attributes]); ``categories``:
    (scheme or "", term); ``dates``: (point, value, label); ``persondata``: (field, value[,
    label]); ``content_type``: text, html (escaped) or xhtml (a div of markup)."""
    parts = [f"<entry><title>{escape(title)}</title><id>{escape(entry_id)}</id>",
             "<updated>2020-05-01T10:00:00+06:00</updated>"]  # fmt: skip
    if published:
        parts.append(f"<published>{published}</published>")
    if summary:
        parts.append(f"<summary>{escape(summary)}</summary>")
    if content_type == "xhtml":
        parts.append(f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                     f"{content}</div></content>")  # fmt: skip
    elif content_type == "html":
        parts.append(f'<content type="html">{escape(content)}</content>')
    else:
        parts.append(f"<content>{escape(content)}</content>")
    parts.append(f'<rdf:type rdf:resource="leap2:{leap_type}"/>')
    if plugin:
        parts.append(f'<mahara:artefactplugin mahara:plugin="{plugin[0]}" '
                     f'mahara:type="{plugin[1]}"/>')  # fmt: skip
    for link in links:
        rel, href, *extra = link
        attributes = " ".join(f"{k}={quoteattr(v)}" for k, v in (extra[0] if extra else {}).items())
        parts.append(f"<link rel={quoteattr(rel)} href={quoteattr(href)} {attributes}/>")
    for scheme, term in categories:
        scheme_attr = f" scheme={quoteattr('categories:' + scheme + '#')}" if scheme else ""
        parts.append(f"<category term={quoteattr(term)}{scheme_attr}/>")
    for point, value, label in dates:
        parts.append(f'<leap2:date leap2:point="{point}" leap2:label={quoteattr(label)}>'
                     f"{escape(value)}</leap2:date>")  # fmt: skip
    for data in persondata:
        field, value, *label = data
        label_attr = f" leap2:label={quoteattr(label[0])}" if label else ""
        parts.append(f'<leap2:persondata leap2:field="{field}"{label_attr}>{escape(value)}'
                     "</leap2:persondata>")  # fmt: skip
    parts.append(raw)
    parts.append("</entry>")
    return "".join(parts)


def feed(*entries: str, prolog: str = "", encoding: str = "utf-8") -> bytes:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>\n'
    text = (
        f"{declaration}{prolog}<feed {NAMESPACES}>"
        "<leap2:version>http://www.leapspecs.org/2010-07/2A/</leap2:version>"
        "<id>http://mahara.example/export/7/1700000000</id>"
        "<title>Mahara Leap2A Export for Aida Bekova</title>"
        "<updated>2024-01-01T00:00:00+00:00</updated>"
        "<author><name>Aida Bekova</name></author>" + "".join(entries) + "</feed>"
    )
    return text.encode(encoding)


def zipped(xml: bytes, files: dict[str, bytes] | None = None, *, name="leap2a.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, xml)
        for path, data in (files or {}).items():
            archive.writestr(path, data)
    return buffer.getvalue()


PERSON = "portfolio:artefactinternal"


def mahara_export() -> tuple[bytes, dict[str, bytes]]:
    """A Mahara-shaped export: profile, résumé composites with their siblings, goals and
    skills, a blog with two posts, files (one attached, one loose, one outside), a page
    and a comment. Returns (leap2a.xml, files)."""
    files = {
        "files/1-diagram.png": png_bytes(),
        "files/2-certificate.pdf": pdf_bytes("Certificate"),
        "files/3-me.png": png_bytes(color="red"),
        "files/4-telescope.png": png_bytes(color="blue"),
    }
    entries = [
        entry(PERSON, "Aida Bekova", "person", plugin=("internal", "person"),
              content_type="xhtml",
              content='<p>I study <b>physics</b>.</p><script>alert("x")</script>'
                      '<p><a href="javascript:alert(1)">click</a> '
                      '<a href="https://example.org/me">my site</a></p>',
              persondata=(("legal_given_name", "Aida"), ("legal_family_name", "Bekova"),
                          ("website", "https://aida.example.org"), ("mobile", "+996 555 123 456"),
                          ("other", "https://www.linkedin.com/in/aida", "LinkedIn")),
              categories=(("", "Physics"), ("", "Teamwork"))),
        entry("portfolio:artefact20", "Interests", "entry", plugin=("resume", "interest"),
              content_type="html", content="<p>Chess, <em>mountains</em></p>"),
        entry("portfolio:artefact30", "Education history", "selection",
              plugin=("resume", "educationhistory"), categories=(("selection_type", "Grouping"),),
              links=(("leap2:has_part", "portfolio:resumecomposite-30-child-1"),)),
        entry("portfolio:resumecomposite-30-child-1", "Physics", "activity",
              plugin=("resume", "pseudo:educationhistory"), content="Thesis on optics.",
              categories=(("life_area", "Education"),),
              dates=(("start", "", "Sep 2015"), ("end", "", "June 2019")),
              links=(("leap2:is_part_of", "portfolio:artefact30", {"leap2:display_order": "1"}),
                     ("leap2:is_supported_by", "portfolio:resumesibling-30-sibling-1-rel-supports"),
                     ("leap2:supports",
                      "portfolio:resumesibling-30-sibling-1-rel-is_supported_by"))),
        entry("portfolio:resumesibling-30-sibling-1-rel-supports", "Kyrgyz National University",
              "organization", plugin=("resume", "pseudo:educationhistory"),
              links=(("leap2:supports", "portfolio:resumecomposite-30-child-1"),)),
        entry("portfolio:resumesibling-30-sibling-1-rel-is_supported_by", "Bachelor",
              "achievement", plugin=("resume", "pseudo:educationhistory"), content="Physics",
              links=(("leap2:is_supported_by", "portfolio:resumecomposite-30-child-1"),)),
        entry("portfolio:resumecomposite-31-child-2", "Lab assistant", "activity",
              plugin=("resume", "pseudo:employmenthistory"), content="Set up experiments.",
              categories=(("life_area", "Work"), ("", "Lab safety")),
              dates=(("start", "2019-07-01", "July 2019"),),
              links=(("leap2:is_part_of", "portfolio:artefact31"),
                     ("leap2:is_supported_by", "portfolio:resumesibling-31-org"))),
        entry("portfolio:resumesibling-31-org", "Institute of Physics", "organization",
              plugin=("resume", "pseudo:employmenthistory")),
        entry("portfolio:resumecomposite-32-child-3", "IELTS 7.5", "achievement",
              plugin=("resume", "pseudo:certification"), content="Academic module",
              dates=(("end", "", "12/03/2018"),),
              links=(("leap2:is_part_of", "portfolio:artefact32"),
                     ("related", "portfolio:artefact41"))),
        entry("portfolio:resumecomposite-33-child-4", "Optics for beginners", "resource",
              plugin=("resume", "pseudo:book"), categories=(("resource_type", "Printed"),),
              dates=(("end", "", "2020"),),
              links=(("leap2:is_part_of", "portfolio:artefact33"),
                     ("related", "portfolio:resumesibling-33-contribution"))),
        entry("portfolio:resumesibling-33-contribution", "Co-author", "achievement",
              plugin=("resume", "pseudo:book"), content="Wrote chapter 3."),
        entry("portfolio:resumecomposite-34-child-5", "Physics society", "activity",
              plugin=("resume", "pseudo:membership"),
              dates=(("start", "", "2016"), ("end", "", "sometime later")),
              links=(("leap2:is_part_of", "portfolio:artefact34"),)),
        entry("portfolio:artefact35", "My career goals", "entry",
              plugin=("resume", "careergoal"), content_type="html",
              content="<p>Become a <strong>researcher</strong>.</p>"),
        entry("portfolio:artefact50", "Study blog", "selection", plugin=("blog", "blog"),
              categories=(("selection_type", "Blog"),),
              links=(("leap2:has_part", "portfolio:artefact51"),)),
        entry("portfolio:artefact51", "First week", "entry", plugin=("blog", "blogpost"),
              content_type="html", content="<p>Hello <b>world</b> &amp; friends</p>",
              published="2019-09-07T12:00:00+06:00", categories=(("", "study"), ("", "week 1")),
              links=(("leap2:is_part_of", "portfolio:artefact50"),
                     ("leap2:has_attachment", "portfolio:artefact40"))),
        entry("portfolio:artefact52", "Second week", "entry", plugin=("blog", "blogpost"),
              content="Plain text post.", published="2019-09-14T12:00:00Z",
              categories=(("readiness", "Unready"),),
              links=(("leap2:is_part_of", "portfolio:artefact50"),)),
        entry("portfolio:artefact40", "diagram.png", "resource", plugin=("file", "image"),
              summary="Set-up diagram", categories=(("resource_type", "Offline"),),
              links=(("enclosure", "files/1-diagram.png", {"type": "image/png"}),)),
        entry("portfolio:artefact41", "certificate.pdf", "resource", plugin=("file", "file"),
              summary="The certificate", categories=(("resource_type", "Offline"),),
              links=(("enclosure", "files/2-certificate.pdf", {"type": "application/pdf"}),)),
        entry("portfolio:artefact42", "notes.pdf", "resource", plugin=("file", "file"),
              links=(("enclosure", "https://files.example.org/notes.pdf"),)),
        entry("portfolio:artefact43", "me.png", "resource", plugin=("file", "profileicon"),
              links=(("enclosure", "files/3-me.png"), ("related", PERSON))),
        entry("portfolio:artefact44", "poster.png", "resource", plugin=("file", "image"),
              links=(("enclosure", "files/1-diagram.png"),)),
        entry("portfolio:view60", "My showcase", "selection",
              categories=(("selection_type", "Webpage"),),
              raw='<mahara:view mahara:layout="1" mahara:type="portfolio"/>'),
        entry("portfolio:view61", "About my project", "selection",
              content="Summer project page.", categories=(("selection_type", "Webpage"),),
              links=(("leap2:has_part", "portfolio:artefact45"),),
              raw='<mahara:view mahara:type="portfolio"><mahara:row><mahara:column>'
                  '<mahara:blockinstance mahara:blocktype="text" mahara:blocktitle="Goal">'
                  '<mahara:text>"&lt;p&gt;Build a &lt;b&gt;telescope&lt;/b&gt;.&lt;/p&gt;"'
                  "</mahara:text></mahara:blockinstance>"
                  '<mahara:blockinstance mahara:blocktype="image" mahara:blocktitle="Photo">'
                  "<mahara:artefactid>45</mahara:artefactid></mahara:blockinstance>"
                  "</mahara:column></mahara:row></mahara:view>"),
        entry("portfolio:artefact45", "telescope.png", "resource", plugin=("file", "image"),
              links=(("enclosure", "files/4-telescope.png"),)),
        entry("portfolio:artefact70", "Nice work", "entry", plugin=("comment", "comment"),
              content="Great!", links=(("reflects_on", "portfolio:artefact51"),)),
    ]  # fmt: skip
    return feed(*entries), files
