import pytest

from analytics.models import EmployerViewDay, PortfolioViewDay, ViewerKind
from analytics.selectors import portfolio_views_by_week
from demo import portfolio_views as demo
from portfolios.models import Visibility
from tests.factories import EmployerFactory, StudentFactory, portfolio_for

pytestmark = pytest.mark.django_db


def test_demo_view_counts_fill_student1s_weeks_once():
    student1 = portfolio_for(StudentFactory(username="student1"), visibility=Visibility.PUBLIC)
    hidden = portfolio_for(StudentFactory(username="quiet"), visibility=Visibility.PRIVATE)
    approved = EmployerFactory(approved=True).employer_profile
    EmployerFactory()  # waiting for approval: never named

    assert demo.seed() > 0
    weeks = portfolio_views_by_week(student1.pk)
    assert all(week.total for week in weeks)  # every one of the 12 weeks has viewers
    assert {k for week in weeks for k, n in week.counts.items() if n} >= {
        ViewerKind.VISITOR, ViewerKind.SIGNED_IN, ViewerKind.EMPLOYER
    }  # fmt: skip
    assert set(EmployerViewDay.objects.values_list("organisation", flat=True)) == {
        approved.organisation
    }
    assert not PortfolioViewDay.objects.filter(portfolio=hidden).exists()
    rows = PortfolioViewDay.objects.count()
    assert demo.seed() == 0
    assert PortfolioViewDay.objects.count() == rows
