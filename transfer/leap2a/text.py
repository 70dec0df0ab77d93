"""HTML (Mahara's WYSIWYG texts) as Markdown text, the form every text on this site has.

Only the words, paragraphs, line breaks, list items, bold and italic and http(s)/mailto
links are kept; scripts, styles, images, frames, forms and every attribute go. Markdown
characters in the words are escaped, and the result is rendered and sanitised like any
text the student types (core/markdown.py, raw HTML shown as text)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
          "tr", "ul", "ol", "section", "article", "header", "footer", "dl", "dt", "dd",
          "figure", "hr", "address"}  # fmt: skip
DROPPED = {"script", "style", "head", "title", "iframe", "object", "embed", "noscript",
           "template", "svg", "math", "select", "textarea", "button"}  # fmt: skip
ESCAPED = re.compile(r"([\\`*_\[\]#<>|])")
LINK_SCHEMES = {"http", "https", "mailto"}


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("  \n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in ("em", "i"):
            self.parts.append("*")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            try:
                scheme = urlsplit(href).scheme.lower()
            except ValueError:
                scheme = ""
            if scheme in LINK_SCHEMES and not any(ch in href for ch in " ()<>"):
                self.links.append(href)
                self.parts.append("[")
            else:
                self.links.append(None)

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in ("em", "i"):
            self.parts.append("*")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f"]({href})")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(ESCAPED.sub(r"\\\1", _spaced(data)) if data.strip() else " ")


def _spaced(data: str) -> str:
    """Runs of white space as one space, keeping a space at either end."""
    inner = " ".join(data.split())
    start = " " if data[:1].isspace() else ""
    end = " " if data[-1:].isspace() else ""
    return f"{start}{inner}{end}"


def html_to_markdown(html: str) -> str:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    text = "".join(converter.parts).replace("** **", " ").replace("****", "")
    lines = [line.strip() if not line.endswith("  ") else line.strip() + "  "
             for line in text.split("\n")]  # fmt: skip
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def plain_text(html: str) -> str:
    """The words alone, on one line (a title, a tag, a field of the profile)."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    words = "".join(p for p in converter.parts if p not in ("**", "*", "["))
    words = re.sub(r"\]\([^)]*\)", "", words).replace("\\", "")
    return " ".join(words.split())
