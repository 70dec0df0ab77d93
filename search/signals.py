"""Signals the search package declares (ARCHITECTURE.md lists who listens).

``portfolio_figures_refreshed`` (``search.derived.portfolio_refresh``)
    ``portfolio_ids``: their completeness, evidence and verified counts were just
    recomputed, inside the write's transaction. Analytics copies them.
"""

import django.dispatch

portfolio_figures_refreshed = django.dispatch.Signal()
