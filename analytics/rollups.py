"""Activity roll-ups: what the dashboard aggregates instead of the raw log.

``record_in_rollups`` runs in the transaction that writes each event (see
``services.activity_record``), so every counter is current the moment the event commits:

* ``ActivityDay`` — a student's updates and sign-ins per local day;
* ``StudentActivity`` — one row per student: totals, active weeks, first and last update,
  last sign-in, updates in the last 30 and 90 days and released review totals;
* ``StudentTermActivity`` — per student and term: updates, active weeks, review totals;
* ``WeeklyActivity`` — per week, program and cohort: updates and students with an update.

Two things move without an event, and are handled here too: the 30/90-day windows slide
each day (``windows_slide``, run by ``analytics_refresh`` from cron at night, and by the
dashboard itself when it finds them a day old), and scores change when a review is released
or edited (``scores_refresh``, from the Review signal). ``rebuild`` recomputes everything
from the log with set-based SQL (after a bulk import, or if a term's dates change).

A student's rows are written under a lock on their ``StudentActivity`` row, so two events
at once cannot both count as the first of a week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from analytics.models import CONTENT_KINDS, ActivityKind, AnalyticsState

CONTENT = sorted(str(kind) for kind in CONTENT_KINDS)
LOGIN = str(ActivityKind.LOGIN)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week (PostgreSQL's ``date_trunc('week', ...)`` agrees)."""
    return day - timedelta(days=day.weekday())


def record_in_rollups(*, student_id: int, kind: str, at: datetime, count: int = 1) -> None:
    """Count ``count`` events of one kind at ``at`` (a write that added several files
    counts them in one pass)."""
    kind = str(kind)
    if kind not in CONTENT and kind != LOGIN:
        return  # reviews received: scores come through scores_refresh
    day = timezone.localdate(at)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        # Lock (creating if need be) the student's summary row first.
        cursor.execute(ROW_SQL + " DO UPDATE SET student_id = EXCLUDED.student_id", [student_id])
        if kind == LOGIN:
            cursor.execute(LOGIN_SQL, {"student": student_id, "day": day, "at": at})
            return
        week = week_of(day)
        params = {
            "student": student_id, "day": day, "at": at, "week": week, "n": count,
            "week_end": week + timedelta(days=6),
            "in30": day > today - timedelta(days=30) and day <= today,
            "in90": day > today - timedelta(days=90) and day <= today,
        }  # fmt: skip
        cursor.execute(UPDATE_SQL, params)


# The student's row, made with copies of their account and portfolio figures if missing
# (append " DO NOTHING" or " DO UPDATE SET ...").
ROW_SQL = """
INSERT INTO analytics_studentactivity (student_id, program_id, cohort_id, is_active,
  completeness, evidence_count, verified_count, updates_total, active_weeks_total,
  logins_total, updates_30d, updates_90d, score_sum, review_count)
SELECT u.id, u.program_id, u.cohort_id, u.is_active, COALESCE(p.completeness, 0),
       COALESCE(p.evidence_count, 0), COALESCE(p.verified_count, 0), 0, 0, 0, 0, 0, 0, 0
FROM accounts_user u LEFT JOIN portfolios_portfolio p ON p.student_id = u.id
WHERE u.id = %s AND u.role = 'student'
ON CONFLICT (student_id)"""


def student_sync(*, student_id: int, is_student: bool) -> None:
    """A student's account was saved: their row follows their program, cohort and whether
    the account is active; an account that is no longer a student's has no row."""
    with connection.cursor() as cursor:
        if not is_student:
            cursor.execute(
                "DELETE FROM analytics_studentactivity WHERE student_id = %s", [student_id]
            )
            return
        cursor.execute(
            ROW_SQL + " DO UPDATE SET program_id = EXCLUDED.program_id, "
            "cohort_id = EXCLUDED.cohort_id, is_active = EXCLUDED.is_active",
            [student_id],
        )


PORTFOLIO_SQL = """
UPDATE analytics_studentactivity a SET
  completeness = p.completeness, evidence_count = p.evidence_count,
  verified_count = p.verified_count
FROM portfolios_portfolio p
WHERE a.student_id = p.student_id AND {where}
  AND (a.completeness, a.evidence_count, a.verified_count)
      IS DISTINCT FROM (p.completeness, p.evidence_count, p.verified_count)
"""


def portfolio_sync(portfolio_ids=None) -> None:
    """Copy portfolios' completeness, evidence and verified counts (search/derived.py
    calls this whenever it recomputes them; None: every portfolio)."""
    with connection.cursor() as cursor:
        if portfolio_ids is None:
            cursor.execute(PORTFOLIO_SQL.format(where="true"))
        else:
            cursor.execute(PORTFOLIO_SQL.format(where="p.id = ANY(%s)"), [list(portfolio_ids)])


LOGIN_SQL = """
WITH day AS (
  INSERT INTO analytics_activityday (student_id, day, updates, logins)
  VALUES (%(student)s, %(day)s, 0, 1)
  ON CONFLICT (student_id, day) DO UPDATE SET logins = analytics_activityday.logins + 1
)
UPDATE analytics_studentactivity SET
  logins_total = logins_total + 1,
  last_login_at = GREATEST(last_login_at, %(at)s)
WHERE student_id = %(student)s
"""

# One statement: every part sees the rows as they were before this event, so ``new_week``
# says whether this is the student's first update of the week.
UPDATE_SQL = """
WITH prior AS (
  SELECT NOT EXISTS (
    SELECT 1 FROM analytics_activityday
    WHERE student_id = %(student)s AND day BETWEEN %(week)s AND %(week_end)s AND updates > 0
  ) AS new_week
),
student AS (SELECT program_id, cohort_id FROM accounts_user WHERE id = %(student)s),
day AS (
  INSERT INTO analytics_activityday (student_id, day, updates, logins)
  VALUES (%(student)s, %(day)s, %(n)s, 0)
  ON CONFLICT (student_id, day) DO UPDATE SET
    updates = analytics_activityday.updates + EXCLUDED.updates
),
summary AS (
  UPDATE analytics_studentactivity SET
    updates_total = updates_total + %(n)s,
    active_weeks_total = active_weeks_total + (SELECT new_week::int FROM prior),
    first_update_at = LEAST(first_update_at, %(at)s),
    last_update_at = GREATEST(last_update_at, %(at)s),
    updates_30d = updates_30d + %(n)s * %(in30)s::int,
    updates_90d = updates_90d + %(n)s * %(in90)s::int
  WHERE student_id = %(student)s
),
terms AS (
  INSERT INTO analytics_studenttermactivity
    (student_id, term_id, updates, active_weeks, score_sum, review_count)
  SELECT %(student)s, t.id, %(n)s, (SELECT new_week::int FROM prior), 0, 0
  FROM feedback_term t WHERE %(day)s BETWEEN t.starts_on AND t.ends_on
  ON CONFLICT (term_id, student_id) DO UPDATE SET
    updates = analytics_studenttermactivity.updates + EXCLUDED.updates,
    active_weeks = analytics_studenttermactivity.active_weeks + EXCLUDED.active_weeks
)
INSERT INTO analytics_weeklyactivity (week, program_id, cohort_id, updates, active_students)
SELECT %(week)s, s.program_id, s.cohort_id, %(n)s, (SELECT new_week::int FROM prior)
FROM student s
ON CONFLICT (week, program_id, cohort_id) DO UPDATE SET
  updates = analytics_weeklyactivity.updates + EXCLUDED.updates,
  active_students = analytics_weeklyactivity.active_students + EXCLUDED.active_students
"""


# --- Scores -----------------------------------------------------------------------------

SCORES_SQL = """
WITH released AS (
  SELECT term_id, sum(total) AS total, count(*) AS n
  FROM feedback_review WHERE student_id = %(student)s AND status = 'released'
  GROUP BY term_id
),
terms AS (
  INSERT INTO analytics_studenttermactivity
    (student_id, term_id, updates, active_weeks, score_sum, review_count)
  SELECT %(student)s, term_id, 0, 0, total, n FROM released
  ON CONFLICT (term_id, student_id) DO UPDATE SET
    score_sum = EXCLUDED.score_sum, review_count = EXCLUDED.review_count
),
gone AS (
  UPDATE analytics_studenttermactivity SET score_sum = 0, review_count = 0
  WHERE student_id = %(student)s AND review_count > 0
    AND term_id NOT IN (SELECT term_id FROM released)
)
UPDATE analytics_studentactivity SET
  score_sum = (SELECT COALESCE(sum(total), 0) FROM released),
  review_count = (SELECT COALESCE(sum(n), 0) FROM released)
WHERE student_id = %(student)s
"""


def scores_refresh(student_id: int) -> None:
    """Recompute the student's score sums from their released reviews."""
    with connection.cursor() as cursor:
        cursor.execute(ROW_SQL + " DO NOTHING", [student_id])
        cursor.execute(SCORES_SQL, {"student": student_id})


# --- Sliding windows --------------------------------------------------------------------

SLIDE_SQL = """
WITH recent AS (
  SELECT student_id,
         sum(updates) FILTER (WHERE day > %(d30)s) AS u30, sum(updates) AS u90
  FROM analytics_activityday WHERE day > %(d90)s AND day <= %(today)s AND updates > 0
  GROUP BY student_id
),
target AS (
  SELECT a.student_id, COALESCE(r.u30, 0) AS u30, COALESCE(r.u90, 0) AS u90
  FROM analytics_studentactivity a LEFT JOIN recent r USING (student_id)
)
UPDATE analytics_studentactivity a SET updates_30d = t.u30, updates_90d = t.u90
FROM target t
WHERE a.student_id = t.student_id AND (a.updates_30d, a.updates_90d) <> (t.u30, t.u90)
"""


def windows_on() -> date | None:
    state = AnalyticsState.objects.filter(pk=1).first()
    return None if state is None else state.windows_on


@transaction.atomic
def windows_slide(*, today: date | None = None) -> int:
    """Move every student's 30/90-day counts to end on ``today``; rows changed."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('analytics_windows'))")
        cursor.execute(
            SLIDE_SQL,
            {"today": today, "d30": today - timedelta(days=30), "d90": today - timedelta(days=90)},
        )
        changed = cursor.rowcount
    AnalyticsState.objects.update_or_create(pk=1, defaults={"windows_on": today})
    return changed


def ensure_fresh() -> date:
    """Build the roll-ups on first use (an upgraded site with a log but no roll-ups) and
    slide the windows if the nightly job has not yet run today; the day they end on."""
    on = windows_on()
    today = timezone.localdate()
    if on is None:
        rebuild()
    elif on < today:
        windows_slide(today=today)
    else:
        return on
    return today


# --- Rebuild from the log ---------------------------------------------------------------

REBUILD_SQL = [
    "DELETE FROM analytics_weeklyactivity",
    "DELETE FROM analytics_studenttermactivity",
    "DELETE FROM analytics_studentactivity",
    "DELETE FROM analytics_activityday",
    """
    INSERT INTO analytics_activityday (student_id, day, updates, logins)
    SELECT student_id, (created_at AT TIME ZONE %(tz)s)::date,
           count(*) FILTER (WHERE kind = ANY(%(content)s)), count(*) FILTER (WHERE kind = %(login)s)
    FROM analytics_activityevent
    WHERE kind = ANY(%(content)s) OR kind = %(login)s
    GROUP BY 1, 2
    """,
    """
    INSERT INTO analytics_studentactivity (student_id, program_id, cohort_id, is_active,
      completeness, evidence_count, verified_count, updates_total, active_weeks_total,
      logins_total, updates_30d, updates_90d, score_sum, review_count)
    SELECT u.id, u.program_id, u.cohort_id, u.is_active, COALESCE(p.completeness, 0),
           COALESCE(p.evidence_count, 0), COALESCE(p.verified_count, 0), 0, 0, 0, 0, 0, 0, 0
    FROM accounts_user u LEFT JOIN portfolios_portfolio p ON p.student_id = u.id
    WHERE u.role = 'student'
    """,
    """
    UPDATE analytics_studentactivity a SET
      updates_total = e.updates, active_weeks_total = COALESCE(w.weeks, 0), logins_total = e.logins,
      first_update_at = e.first_update, last_update_at = e.last_update,
      last_login_at = e.last_login
    FROM (SELECT student_id, count(*) FILTER (WHERE kind = ANY(%(content)s)) AS updates,
                 count(*) FILTER (WHERE kind = %(login)s) AS logins,
                 min(created_at) FILTER (WHERE kind = ANY(%(content)s)) AS first_update,
                 max(created_at) FILTER (WHERE kind = ANY(%(content)s)) AS last_update,
                 max(created_at) FILTER (WHERE kind = %(login)s) AS last_login
          FROM analytics_activityevent
          WHERE kind = ANY(%(content)s) OR kind = %(login)s
          GROUP BY student_id) e
    LEFT JOIN (SELECT student_id, count(DISTINCT date_trunc('week', day)) AS weeks
               FROM analytics_activityday WHERE updates > 0 GROUP BY student_id) w
      USING (student_id)
    WHERE a.student_id = e.student_id
    """,
    """
    INSERT INTO analytics_studenttermactivity
      (student_id, term_id, updates, active_weeks, score_sum, review_count)
    SELECT d.student_id, t.id, sum(d.updates), count(DISTINCT date_trunc('week', d.day)), 0, 0
    FROM analytics_activityday d
    JOIN feedback_term t ON d.day BETWEEN t.starts_on AND t.ends_on
    WHERE d.updates > 0
    GROUP BY d.student_id, t.id
    """,
    """
    INSERT INTO analytics_weeklyactivity (week, program_id, cohort_id, updates, active_students)
    SELECT date_trunc('week', d.day)::date, u.program_id, u.cohort_id, sum(d.updates),
           count(DISTINCT d.student_id)
    FROM analytics_activityday d JOIN accounts_user u ON u.id = d.student_id
    WHERE d.updates > 0
    GROUP BY 1, 2, 3
    """,
    """
    INSERT INTO analytics_studenttermactivity
      (student_id, term_id, updates, active_weeks, score_sum, review_count)
    SELECT student_id, term_id, 0, 0, sum(total), count(*)
    FROM feedback_review WHERE status = 'released' GROUP BY 1, 2
    ON CONFLICT (term_id, student_id) DO UPDATE SET
      score_sum = EXCLUDED.score_sum, review_count = EXCLUDED.review_count
    """,
    """
    UPDATE analytics_studentactivity a SET score_sum = r.total, review_count = r.n
    FROM (SELECT student_id, sum(total) AS total, count(*) AS n
          FROM feedback_review WHERE status = 'released' GROUP BY 1) r
    WHERE a.student_id = r.student_id
    """,
]


@transaction.atomic
def rebuild() -> None:
    """Recompute every roll-up from the activity log and the released reviews."""
    params = {"tz": settings.TIME_ZONE, "content": CONTENT, "login": LOGIN}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('analytics_windows'))")
        cursor.execute(
            "LOCK TABLE analytics_studentactivity, analytics_activityday IN EXCLUSIVE MODE"
        )
        for statement in REBUILD_SQL:
            cursor.execute(statement, params if "%(" in statement else None)
    windows_slide()


TERM_SQL = """
WITH counted AS (
  SELECT d.student_id, sum(d.updates) AS updates,
         count(DISTINCT date_trunc('week', d.day)) AS weeks
  FROM analytics_activityday d JOIN feedback_term t ON t.id = %(term)s
  WHERE d.updates > 0 AND d.day BETWEEN t.starts_on AND t.ends_on
  GROUP BY d.student_id
),
cleared AS (
  UPDATE analytics_studenttermactivity SET updates = 0, active_weeks = 0
  WHERE term_id = %(term)s AND student_id NOT IN (SELECT student_id FROM counted)
)
INSERT INTO analytics_studenttermactivity
  (student_id, term_id, updates, active_weeks, score_sum, review_count)
SELECT student_id, %(term)s, updates, weeks, 0, 0 FROM counted
ON CONFLICT (term_id, student_id) DO UPDATE SET
  updates = EXCLUDED.updates, active_weeks = EXCLUDED.active_weeks
"""


def term_refresh(term_id: int) -> None:
    """Recount a term's updates and active weeks (a new term, or new dates)."""
    with connection.cursor() as cursor:
        cursor.execute(TERM_SQL, {"term": term_id})
