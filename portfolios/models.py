"""Portfolio, its sections (categories), skills and secret share links."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import TranslatedNameMixin
from core import markdown
from core.dates import datetime_range_constraint, validate_date_in_range
from core.files.storage import photo_upload_to


class Visibility(models.IntegerChoices):
    """Who may see something; a viewer sees everything at or above their level."""

    PRIVATE = 0, _("Only me")
    SUPERVISORS = 10, _("Me and my supervisors")
    SIGNED_IN = 20, _("Signed-in users")
    PUBLIC = 30, _("Everyone")


class Category(TranslatedNameMixin):
    """A section of the portfolio: academic, sports, conferences, ..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_ru = models.TextField(_("guidance (Russian)"), blank=True)
    guidance_ky = models.TextField(_("guidance (Kyrgyz)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    allows_grade = models.BooleanField(
        _("items have grades"), default=False, help_text=_("Academic items can carry a grade.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "name_en"]

    @property
    def guidance(self) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return getattr(self, f"guidance_{language}", "") or self.guidance_en


class Skill(models.Model):
    """A normalised skill tag ("Python", "Public speaking") shared by all portfolios."""

    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(_("normalised name"), max_length=60, unique=True, editable=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def normalise(name: str) -> tuple[str, str]:
        """The display form (single spaces, trimmed) and the key (case-folded)."""
        display = " ".join(name.split())[:60]
        return display, display.casefold()


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$",
    _(
        "Use 3–40 lowercase Latin letters, digits and hyphens, starting and ending with a "
        "letter or digit."
    ),
    code="invalid_slug",
)

ABOUT_MAX_LENGTH = 5000  # Markdown: see core/markdown.py

# Kept current by search/derived.py with F()/SQL updates; a form's stale copy of the
# instance never writes them back.
DERIVED_FIELDS = (
    "content_version", "completeness", "content_updated_at", "evidence_count", "verified_count",
)  # fmt: skip


class Portfolio(models.Model):
    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portfolio",
        verbose_name=_("student"),
    )
    slug = models.CharField(
        _("public address"),
        max_length=40,
        unique=True,
        validators=[slug_validator],
        help_text=_("Your page’s address is /p/ followed by this, for example /p/aigerim/."),
    )
    headline = models.CharField(
        _("headline"),
        max_length=150,
        blank=True,
        help_text=_("One line about you, e.g. “Future maths teacher and robotics coach”."),
    )
    about = models.TextField(
        _("about me"),
        blank=True,
        max_length=ABOUT_MAX_LENGTH,
        validators=markdown.source_validators(ABOUT_MAX_LENGTH),
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    about_html = models.TextField(editable=False, blank=True)
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="portfolios")
    photo = models.FileField(_("photo"), upload_to=photo_upload_to, blank=True, max_length=200)
    photo_thumbnail = models.FileField(
        upload_to=photo_upload_to, blank=True, editable=False, max_length=200
    )
    show_email = models.BooleanField(_("show my e-mail address"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    linkedin = models.URLField(_("LinkedIn"), blank=True)
    github = models.URLField(_("GitHub"), blank=True)
    telegram = models.CharField(
        _("Telegram"),
        max_length=33,
        blank=True,
        validators=[
            RegexValidator(
                r"^@?[A-Za-z0-9_]{5,32}$",
                _("A Telegram username has 5–32 Latin letters, digits or underscores."),
            )
        ],
    )
    open_to_work = models.BooleanField(_("open to work"), default=False)
    visibility = models.PositiveSmallIntegerField(
        _("who can see my page"),
        choices=Visibility.choices,
        default=Visibility.SUPERVISORS,
        help_text=_("Who can open your page at all. Items can be more private than the page."),
    )
    default_visibility = models.PositiveSmallIntegerField(
        _("default visibility of new items"),
        choices=Visibility.choices,
        default=Visibility.SUPERVISORS,
    )
    content_version = models.PositiveIntegerField(default=0, editable=False)
    completeness = models.PositiveSmallIntegerField(_("completeness, %"), default=0, editable=False)
    content_updated_at = models.DateTimeField(
        _("last update"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The last change to the profile, an achievement or its evidence."),
    )
    evidence_count = models.PositiveIntegerField(_("evidence files"), default=0, editable=False)
    verified_count = models.PositiveIntegerField(
        _("verified achievements"), default=0, editable=False
    )
    noindex = models.BooleanField(_("ask search engines not to index my page"), default=False)
    comments_enabled = models.BooleanField(_("allow comments on my page"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="portfolio_slug_unique_ci"),
        ]
        indexes = [
            # The employers' search without a query (most recently updated first, never
            # updated last) and the "no update in N days" lists.
            models.Index(
                F("content_updated_at").desc(nulls_last=True),
                F("id").desc(),
                name="portfolio_recent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def save(self, *args, **kwargs):
        # Markdown is rendered and sanitised once, when written, not on every page view.
        markdown.render_on_save(self, "about", "about_html", kwargs)
        if kwargs.get("update_fields") is None and not self._state.adding:
            # content_version only moves through one F() update (portfolios/content.py);
            # writing back this instance's copy could move it backwards.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in DERIVED_FIELDS
            ]  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("portfolios:public", args=[self.slug])


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLinkQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ShareLink(models.Model):
    """A secret address that shows the portfolio as a signed-in user sees it."""

    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("portfolio")
    )
    label = models.CharField(
        _("label"), max_length=100, help_text=_("Who it is for, e.g. “For Company X”.")
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    expires_at = models.DateTimeField(
        _("expires"), null=True, blank=True, validators=[validate_date_in_range]
    )
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, validators=[validate_date_in_range]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            datetime_range_constraint("expires_at", name="sharelink_expires_at_in_range"),
            datetime_range_constraint("revoked_at", name="sharelink_revoked_at_in_range"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class ShareLinkVisit(models.Model):
    link = models.ForeignKey(
        ShareLink, on_delete=models.CASCADE, related_name="visits", verbose_name=_("share link")
    )
    visited_at = models.DateTimeField(_("opened"), default=timezone.now)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("share link visit")
        verbose_name_plural = _("share link visits")
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["link", "-visited_at"], name="sharevisit_link_time_idx")]

    def __str__(self) -> str:
        return f"{self.link} @ {self.visited_at:%Y-%m-%d %H:%M}"


class SearchDocument(models.Model):
    """What employers' search matches for one portfolio: only what a signed-in user may see
    (the page at "signed-in users" or wider, items and posts at that level or wider).
    Rewritten by search/derived.py whenever the portfolio, its items or posts change."""

    portfolio = models.OneToOneField(
        Portfolio,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("portfolio"),
    )
    is_listed = models.BooleanField(
        _("listed in search"),
        default=False,
        help_text=_("The page is visible to signed-in users and the account is active."),
    )
    # Matched through its GIN index: everything, in the English, Russian and simple readings.
    document = SearchVectorField(null=True)
    # Ranked: the strong part only (names, headline, skills, program, item titles), a few
    # hundred bytes kept in the row, so ranking thousands of matches reads no large values.
    rank_document = SearchVectorField(null=True)
    # The text the snippets under each result are cut from (as shown, without markup).
    text = models.TextField(blank=True)
    skill_keys = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    verified_count = models.PositiveIntegerField(_("verified achievements"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            GinIndex(
                fields=["document"],
                name="searchdoc_document_gin",
                condition=Q(is_listed=True),
            ),
            GinIndex(
                fields=["rank_document"],
                name="searchdoc_rank_gin",
                condition=Q(is_listed=True),
            ),
            GinIndex(
                fields=["skill_keys"],
                name="searchdoc_skills_gin",
                condition=Q(is_listed=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.portfolio_id)


class Follow(models.Model):
    """A user follows a portfolio: its visible updates appear on their dashboard."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("follower"),
        db_index=False,  # the unique constraint's index starts with it
    )
    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="follows", verbose_name=_("portfolio")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["follower", "portfolio"], name="follow_unique"),
        ]
        indexes = [
            # "Portfolios I follow", newest first.
            models.Index(fields=["follower", "-created_at"], name="follow_follower_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.portfolio_id}"
