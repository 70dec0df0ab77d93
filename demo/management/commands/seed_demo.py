import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from achievements.models import Achievement
from demo import accounts as accounts_demo
from demo import comments as comments_demo
from demo import contacts as contacts_demo
from demo import experiments as experiments_demo
from demo import feedback as feedback_demo
from demo import journal as journal_demo
from demo import notifications as notifications_demo
from demo import portfolio_views as portfolio_views_demo
from demo import portfolios as portfolio_demo
from demo import recommendations as recommendations_demo
from feedback.models import Review
from journal.models import Post
from notifications.services import notifications_muted


class Command(BaseCommand):
    help = (
        "Fill the database with demo programs, cohorts and accounts. Idempotent: what exists "
        "is kept. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=60, help="number of demo students")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has accounts (used by 'make run')",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    # The demo's reviews, decisions and feedback notify nobody (no e-mail floods on the
    # console); notifications_demo adds the notifications the demo users see.
    @notifications_muted()
    def handle(self, *args, students, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo accounts share one known "
                "password; add --force if you really want them here."
            )
        if students < 1:
            raise CommandError("--students must be at least 1.")
        # --if-empty: each part is added only where it is missing, so a database made
        # before a part existed (demo accounts, but no portfolios yet) gets that part.
        created_accounts = 0
        if not (if_empty and User.objects.exists()):
            created_accounts = accounts_demo.seed(
                students=students, password=settings.DEMO_PASSWORD
            ).created
        students_qs = User.objects.students().select_related("program").order_by("pk")
        student1 = students_qs.filter(username="student1").first()
        achievements = 0
        if not (if_empty and (student1 is None or Achievement.objects.exists())):
            achievements = portfolio_demo.seed(
                student1=student1, others=students_qs.exclude(username="student1")
            )
        feedback = {}
        if not (if_empty and Review.objects.exists()):
            feedback = feedback_demo.seed()
        posts = 0
        if not (if_empty and (student1 is None or Post.objects.exists())):
            posts = journal_demo.seed(
                student1=student1, others=students_qs.exclude(username="student1")
            )
        # Idempotent by itself: nothing is added once any comment exists.
        comments = comments_demo.seed()
        if comments:
            self.stdout.write(f"{comments} comments created (threads on student1's page).")
        # Idempotent by itself: nothing is added once any contact request exists.
        contacts = contacts_demo.seed()
        if contacts:
            self.stdout.write(
                f"{contacts} contact requests created (employer1/2 and student1–4; "
                "student4 blocked and reported employer2)."
            )
        # Idempotent by itself: a demo user who follows anything already is left alone.
        follows = portfolio_demo.seed_following()
        if follows:
            self.stdout.write(f"{follows} follows created (student1, employer1, supervisor1).")
        notifications = notifications_demo.seed()
        # Idempotent by itself: nothing is added once any view count exists.
        if portfolio_views_demo.seed():
            self.stdout.write('Twelve weeks of view counts on student1\'s "Who looked" page.')
        # Idempotent by itself: nothing is added once the demo experiment exists.
        if experiments_demo.seed():
            self.stdout.write("A finished experiment is on the staff's experiments page.")
        # Idempotent by itself: trains only while no model version exists.
        trained = recommendations_demo.seed()
        if trained:
            self.stdout.write(trained)
        if student1 is not None:
            # A finished download on student1's export page. Through transfer's command:
            # demo and transfer are one layer and do not import each other. Idempotent by
            # itself: nothing is made while a download is ready.
            made = io.StringIO()
            call_command("export_portfolio", "student1", "--as-job", stdout=made)
            if "Kept" in made.getvalue():
                self.stdout.write("A download of student1's portfolio is on the export page.")
        if created_accounts or achievements or any(feedback.values()) or posts or notifications:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {created_accounts} accounts, {achievements} "
                    f"achievements, {feedback.get('reviews', 0)} reviews, "
                    f"{feedback.get('verifications', 0)} verification requests, "
                    f"{feedback.get('outcomes', 0)} jobs, "
                    f"{feedback.get('employer_feedback', 0)} employer ratings and "
                    f"{posts} journal posts created."
                )
            )
        else:
            self.stdout.write("Demo data is already there; nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for username, role in accounts_demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {role}")
