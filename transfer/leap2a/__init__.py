"""Leap2A (http://www.leapspecs.org/2A/): the Atom-based portfolio format Mahara exports
and imports, alone (``leap2a.xml``) or in a zip with its files (``files/…``).

- ``reader.py``: the XML, parsed by defusedxml with every limit this site sets (no DTD, no
  entities, depth, size, text length), into plain dataclasses; the zip's names checked.
- ``text.py``: HTML and XHTML contents turned into the Markdown every text here is.
- ``mapping.py``: what each entry becomes here (profile, achievements by section, journal
  posts, evidence) or why it is skipped: a plan and a report, no writes.
- ``importer.py``: the plan's files through the upload checks, then one transaction.
- ``writer.py``: a portfolio as a Leap2A zip Mahara can import.
"""

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LEAP2 = "http://terms.leapspecs.org/"
CATEGORIES = "http://wiki.leapspecs.org/2A/categories/"
MAHARA = "http://wiki.mahara.org/Developer_Area/Import%2F%2FExport/LEAP_Extensions#"
XHTML = "http://www.w3.org/1999/xhtml"
# This site's own extension: what a round trip needs that Leap2A has no word for (the
# section of an achievement, its level or grade, the Markdown source beside its HTML).
SITE = "urn:x-student-portfolio:leap2a:1"
SECTION_SCHEME = SITE + ":section"
VISIBILITY_SCHEME = SITE + ":visibility"
STATUS_SCHEME = SITE + ":status"
LEAP2A_VERSION = "http://www.leapspecs.org/2010-07/2A/"
