"""Demo view counts: "Who looked at my portfolio" for student1 and a few other students
with a public page — twelve weeks of visitors, signed-in users and supervisors each day,
and the approved demo employers' organisations on some days. Idempotent: nothing is added
once any count exists."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import EmployerProfile
from analytics.models import EmployerViewDay, PortfolioViewDay, ViewerKind
from portfolios.models import Portfolio, Visibility

DAYS = 12 * 7
# Mean viewers a day, by kind, for a student at full interest (student1).
DAILY_MEAN = {
    ViewerKind.VISITOR: 3.0, ViewerKind.SIGNED_IN: 1.2, ViewerKind.SUPERVISOR: 0.3,
}  # fmt: skip
EMPLOYER_CHANCE = 0.12  # that one approved employer opens the page on a given day


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def seed(rng: random.Random | None = None, *, others: int = 5) -> int:
    """Counts for student1's portfolio and ``others`` more public ones; how many daily
    rows were written."""
    if PortfolioViewDay.objects.exists():
        return 0
    rng = rng or random.Random(17)
    public = Portfolio.objects.filter(visibility=Visibility.PUBLIC, student__is_active=True)
    portfolios = list(public.filter(student__username="student1"))
    portfolios += list(public.exclude(student__username="student1").order_by("pk")[:others])
    employers = list(
        EmployerProfile.objects.filter(status=EmployerProfile.Status.APPROVED).order_by("pk")
    )
    today = timezone.localdate()
    kinds, employer_days = [], []
    for number, portfolio in enumerate(portfolios):
        interest = 1.0 if number == 0 else rng.uniform(0.2, 0.7)
        for offset in range(DAYS):
            day = today - timedelta(days=offset)
            weekend = 0.5 if day.weekday() >= 5 else 1.0
            for kind, mean in DAILY_MEAN.items():
                count = _poisson(rng, mean * interest * weekend)
                if count:
                    kinds.append(PortfolioViewDay(portfolio=portfolio, day=day, kind=kind,
                                                  count=count))  # fmt: skip
            openers = [e for e in employers if rng.random() < EMPLOYER_CHANCE * interest]
            for employer in openers:
                employer_days.append(EmployerViewDay(
                    portfolio=portfolio, day=day, employer_profile=employer,
                    organisation=employer.organisation, count=1,
                ))  # fmt: skip
            if openers:
                kinds.append(
                    PortfolioViewDay(
                        portfolio=portfolio, day=day, kind=ViewerKind.EMPLOYER,
                        count=len(openers),
                    )
                )  # fmt: skip
    PortfolioViewDay.objects.bulk_create(kinds, batch_size=2000)
    EmployerViewDay.objects.bulk_create(employer_days, batch_size=2000)
    return len(kinds) + len(employer_days)
