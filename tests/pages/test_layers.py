"""The composition layer: pages that assemble several apps live in ``pages`` and
``transfer`` but keep their addresses and URL names in the apps' namespaces, and the apps'
own templates stay inside their app."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve, reverse

COMPOSED = [
    # (URL name, arguments, address, the view's module)
    ("accounts:dashboard", [], "/accounts/dashboard/", "pages.views"),
    ("accounts:student-detail", [7], "/accounts/students/7/", "pages.views"),
    ("portfolios:editor", [], "/portfolio/", "pages.views"),
    ("portfolios:profile", [], "/portfolio/profile/", "pages.views"),
    ("portfolios:preview", ["public"], "/portfolio/preview/public/", "pages.views"),
    ("portfolios:cv", [], "/portfolio/cv/", "pages.cv_views"),
    ("portfolios:public-cv", ["aida"], "/p/aida/cv/", "pages.cv_views"),
    ("portfolios:public", ["aida"], "/p/aida/", "pages.views"),
    ("portfolios:shared", ["tok"], "/s/tok/", "pages.views"),
    ("portfolios:export", [], "/portfolio/export/", "transfer.views"),
    ("portfolios:import", [], "/portfolio/import/", "transfer.views"),
    (
        "portfolios:transfer-job",
        ["3f2b6c1e-9a4d-4e8f-b1c2-7d5e6f708192"],
        "/portfolio/transfers/3f2b6c1e-9a4d-4e8f-b1c2-7d5e6f708192/",
        "transfer.views",
    ),
    ("achievements:edit", [3], "/portfolio/achievements/3/edit/", "pages.views"),
    ("journal:detail", ["aida", 5], "/p/aida/journal/5/", "pages.views"),
    # The journal's list counts as a view of the portfolio (analytics): composed here too.
    ("journal:list", ["aida"], "/p/aida/journal/", "pages.views"),
    # Their neighbours in the same namespaces stay with their apps.
    ("portfolios:share-links", [], "/portfolio/share/", "portfolios.views"),
    ("portfolios:photo", ["aida", "thumb"], "/p/aida/photo/thumb/", "portfolios.views"),
    ("achievements:create", [], "/portfolio/achievements/new/", "achievements.views"),
    ("journal:shared-list", ["tok"], "/s/tok/journal/", "journal.views"),
    ("journal:shared-detail", ["tok", 5], "/s/tok/journal/5/", "journal.views"),
    ("accounts:profile", [], "/accounts/profile/", "accounts.views"),
]


@pytest.mark.parametrize(("name", "args", "address", "module"), COMPOSED)
def test_composed_pages_keep_their_names_and_addresses(name, args, address, module):
    assert reverse(name, args=args) == address
    match = resolve(address)
    assert match.view_name == name
    assert match.func.__module__ == module


TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Composition and site-wide templates may use any app's partials and tags.
ANYTHING_GOES = {"pages", "transfer", "includes", "core"}
NEUTRAL_LIBRARIES = {"i18n", "static", "l10n", "tz", "crispy_forms_tags"}
# Lower layers' filters for display (Markdown, photos, visibility colours; core's date
# ranges and progress widths): a downward use.
LOWER_LIBRARIES = {"portfolio_tags", "date_ranges", "progress_tags"}
OWN_LIBRARIES = {
    "achievements": {"achievement_tags"},
    "analytics": {"analytics_tags"},
    "comments": {"comment_tags"},
    "journal": {"journal_tags"},
}


def _app_templates():
    for path in sorted(TEMPLATES.glob("*/**/*.html")):
        app = path.relative_to(TEMPLATES).parts[0]
        if app not in ANYTHING_GOES:
            yield app, path


def test_an_apps_templates_use_only_its_own_partials_and_tags():
    crossings = []
    for app, path in _app_templates():
        text = path.read_text()
        for included in re.findall(r"{%\s*(?:include|extends)\s+\"([^\"]+)\"", text):
            if included != "base.html" and included.split("/")[0] not in {app, "includes"}:
                crossings.append(f"{path.relative_to(TEMPLATES)} includes {included}")
        for libraries in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", text):
            for library in libraries.split():
                allowed = NEUTRAL_LIBRARIES | LOWER_LIBRARIES | OWN_LIBRARIES.get(app, set())
                if library not in allowed:
                    crossings.append(f"{path.relative_to(TEMPLATES)} loads {library}")
    assert crossings == []
