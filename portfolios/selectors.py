"""Reads for the portfolio's own pages: share links and their visits."""

from __future__ import annotations

from django.db.models import Count, Max

from portfolios.models import Portfolio, ShareLink


def share_links_with_visits(portfolio: Portfolio):
    return (
        ShareLink.objects.filter(portfolio=portfolio)
        .annotate(visit_count=Count("visits"), last_visit=Max("visits__visited_at"))
        .order_by("-created_at")
    )
