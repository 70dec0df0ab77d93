"""Who sees which part of a portfolio. Every page and file view asks here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.models import Role, SupervisorAssignment
from portfolios.models import Portfolio, ShareLink, Visibility


@dataclass(frozen=True)
class Audience:
    """A viewer of one portfolio: they see items whose visibility is at least ``level``."""

    level: int
    is_owner: bool = False
    share_link: ShareLink | None = None

    def may_open(self, portfolio: Portfolio) -> bool:
        # A secret link opens the page whatever its own visibility: that is what it is for.
        return self.share_link is not None or self.level <= portfolio.visibility

    def sees(self, visibility: int) -> bool:
        return visibility >= self.level


OWNER = Audience(level=Visibility.PRIVATE, is_owner=True)
PUBLIC = Audience(level=Visibility.PUBLIC)

PREVIEW_AUDIENCES = {
    "public": Audience(level=Visibility.PUBLIC),
    "signed-in": Audience(level=Visibility.SIGNED_IN),
    "supervisor": Audience(level=Visibility.SUPERVISORS),
}


def audience_for(viewer, portfolio: Portfolio) -> Audience:
    """What ``viewer`` may see of ``portfolio``.

    The owner and staff see everything; the student's supervisors see up to "my
    supervisors"; other signed-in users up to "signed-in users" — except employers that
    staff have not approved yet, who see what an anonymous visitor sees.
    """
    return _audience(
        viewer,
        portfolio,
        supervises=lambda: SupervisorAssignment.objects.filter(
            supervisor=viewer, student_id=portfolio.student_id
        ).exists(),
    )


def audiences_for(viewer, portfolios) -> dict[int, Audience]:
    """``audience_for`` for many portfolios at once, by portfolio id: at most one query
    (a supervisor's assignments among these students), however many portfolios."""
    portfolios = list(portfolios)
    supervised: set[int] = set()
    if (
        viewer is not None
        and viewer.is_authenticated
        and viewer.role == Role.SUPERVISOR
        and not viewer.is_staff_member
        and portfolios
    ):
        supervised = set(
            SupervisorAssignment.objects.filter(
                supervisor=viewer, student_id__in={p.student_id for p in portfolios}
            ).values_list("student_id", flat=True)
        )
    return {
        p.pk: _audience(viewer, p, supervises=lambda p=p: p.student_id in supervised)
        for p in portfolios
    }


def _audience(viewer, portfolio: Portfolio, *, supervises) -> Audience:
    """The rule behind ``audience_for``; ``supervises()`` says whether ``viewer`` is one of
    the student's supervisors (asked only for a supervisor)."""
    if viewer is None or not viewer.is_authenticated:
        return PUBLIC
    if viewer.pk == portfolio.student_id:
        return OWNER
    if viewer.is_staff_member:
        return Audience(level=Visibility.PRIVATE)
    if viewer.role == Role.SUPERVISOR and supervises():
        return Audience(level=Visibility.SUPERVISORS)
    if viewer.role == Role.EMPLOYER and not viewer.is_approved_employer:
        return PUBLIC
    return Audience(level=Visibility.SIGNED_IN)


def share_link_audience(link: ShareLink) -> Audience:
    """A secret link shows everything up to "signed-in users"."""
    return Audience(level=Visibility.SIGNED_IN, share_link=link)


def file_audience(viewer, portfolio: Portfolio, share_link: ShareLink | None) -> Audience | None:
    """Whose eyes a request for a file of ``portfolio`` is for: the secret link's (only on
    the link's own portfolio; else None) or the viewer's."""
    if share_link is not None:
        if share_link.portfolio_id != portfolio.pk:
            return None
        return share_link_audience(share_link)
    return audience_for(viewer, portfolio)


def access_portfolio_page(
    viewer, slug: str, *, with_follow_state: bool = False
) -> tuple[Portfolio, Audience]:
    """The page at /p/<slug>/ if ``viewer`` may open it; ``with_follow_state`` brings the
    follower count and whether ``viewer`` follows it in the same query (the page header)."""
    portfolios = Portfolio.objects.select_related("student__program__faculty", "student__cohort")
    if with_follow_state:
        from portfolios.following import annotate_follow_state

        portfolios = annotate_follow_state(portfolios, viewer)
    portfolio = portfolios.filter(slug=slug.lower(), student__is_active=True).first()
    if portfolio is None:
        raise Http404
    audience = audience_for(viewer, portfolio)
    if not audience.may_open(portfolio):
        raise Http404
    return portfolio, audience


def access_share_link(token: str) -> ShareLink:
    """A usable (not revoked, not expired) link; anything else is a 404."""
    link = (
        ShareLink.objects.usable()
        .select_related("portfolio__student__program__faculty", "portfolio__student__cohort")
        .filter(token=token, portfolio__student__is_active=True)
        .first()
    )
    if link is None:
        raise Http404
    return link


def access_own_portfolio(user) -> Portfolio:
    """The signed-in student's own portfolio (other roles have none: 404)."""
    if not user.is_authenticated or user.role != Role.STUDENT:
        raise Http404
    from portfolios.services import portfolio_get_or_create

    return portfolio_get_or_create(student=user)


def access_own_share_link(user, pk: int) -> ShareLink:
    link = ShareLink.objects.filter(pk=pk, portfolio__student=user).first()
    if link is None:
        raise Http404
    return link
