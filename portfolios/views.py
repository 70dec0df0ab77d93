from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.files.delivery import file_response
from portfolios import access, following, selectors, services
from portfolios.forms import ShareLinkForm


@require_safe
def photo(request, slug, variant):
    portfolio, _audience = access.access_portfolio_page(request.user, slug)
    return _photo_response(portfolio, variant)


@require_safe
def shared_photo(request, token, variant):
    link = access.access_share_link(token)
    return _photo_response(link.portfolio, variant)


def _photo_response(portfolio, variant):
    field = portfolio.photo_thumbnail if variant == "thumb" else portfolio.photo
    if not field:
        raise Http404
    extension = field.name.rsplit(".", 1)[-1]
    return file_response(field, filename=f"{portfolio.slug}-{variant}.{extension}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share_links(request):
    portfolio = access.access_own_portfolio(request.user)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = services.share_link_create(
            portfolio=portfolio, label=form.cleaned_data["label"], expires_at=form.expires_at()
        )
        messages.success(
            request, _("The link “%(label)s” is ready. Copy it below.") % {"label": link.label}
        )
        return redirect("portfolios:share-links")
    return render(
        request,
        "portfolios/share_links.html",
        {
            "form": form,
            "portfolio": portfolio,
            "links": selectors.share_links_with_visits(portfolio),
        },
    )


@login_required
@require_safe
def share_link_visits(request, pk):
    link = access.access_own_share_link(request.user, pk)
    return render(
        request,
        "portfolios/share_link_visits.html",
        {"link": link, "visits": link.visits.all()[:500]},
    )


@require_POST
@login_required
def share_link_revoke(request, pk):
    link = access.access_own_share_link(request.user, pk)
    services.share_link_revoke(link=link)
    messages.success(request, _("The link “%(label)s” no longer works.") % {"label": link.label})
    return redirect("portfolios:share-links")


@require_POST
@login_required
def follow(request, slug):
    portfolio = following.access_follow_target(request.user, slug)
    following.follow_add(follower=request.user, portfolio=portfolio)
    return _follow_response(
        request,
        portfolio,
        _("You follow this portfolio now: its updates appear on your dashboard."),
    )


@require_POST
@login_required
def unfollow(request, slug):
    portfolio = following.access_unfollow_target(request.user, slug)
    following.follow_remove(follower=request.user, portfolio=portfolio)
    return _follow_response(request, portfolio, _("You no longer follow this portfolio."))


def _follow_response(request, portfolio, message):
    """With htmx, the button in its new state (swapped in place); without, back where the
    form was (``next``) with a message."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = portfolio.get_absolute_url()
    if request.htmx:
        return render(
            request,
            "portfolios/_follow_button.html",
            {"follow": following.follow_state(request.user, portfolio), "next_url": next_url},
        )
    messages.success(request, message)
    return redirect(next_url)


@login_required
@require_safe
def following_list(request):
    """The portfolios I follow, each with its unfollow button."""
    return render(
        request,
        "portfolios/following.html",
        {"followed": following.followed_portfolios(request.user)},
    )
