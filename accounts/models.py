from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.usernames import validate_username_alphabet, validate_username_distinct
from core.dates import LATEST_DATE


class TranslatedNameMixin(models.Model):
    """A name kept in English, Russian and Kyrgyz; ``name`` is the one for the active language."""

    name_en = models.CharField(_("name (English)"), max_length=150)
    name_ru = models.CharField(_("name (Russian)"), max_length=150, blank=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return getattr(self, f"name_{language}", "") or self.name_en


class Faculty(TranslatedNameMixin):
    class Meta:
        verbose_name = _("faculty")
        verbose_name_plural = _("faculties")
        ordering = ["name_en"]
        constraints = [models.UniqueConstraint(fields=["name_en"], name="faculty_unique_name")]


class Program(TranslatedNameMixin):
    """A study program (Programming, Design, ...) within a faculty."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    faculty = models.ForeignKey(
        Faculty, on_delete=models.PROTECT, related_name="programs", verbose_name=_("faculty")
    )
    is_active = models.BooleanField(
        _("open for sign-up"),
        default=True,
        help_text=_("New students can choose only open programs."),
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name_en"]


class Cohort(models.Model):
    """Students who entered in the same year."""

    entry_year = models.PositiveSmallIntegerField(_("entry year"), unique=True)
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(LATEST_DATE.year)],
        help_text=_("When the cohort is expected to graduate. Empty: four years after entry."),
    )
    is_active = models.BooleanField(
        _("open for sign-up"),
        default=True,
        help_text=_("New students can choose only open cohorts."),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-entry_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_year__gte=1990, entry_year__lte=2100),
                name="cohort_entry_year_plausible",
                violation_error_message=_("The entry year must be between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(graduation_year__isnull=True)
                | Q(graduation_year__gte=models.F("entry_year")),
                name="cohort_graduates_after_entry",
                violation_error_message=_("A cohort cannot graduate before it enters."),
            ),
            models.CheckConstraint(
                condition=Q(graduation_year__isnull=True)
                | Q(graduation_year__lte=LATEST_DATE.year),
                name="cohort_graduation_year_plausible",
                violation_error_message=_("The graduation year must be 2100 or earlier."),
            ),
        ]

    def __str__(self) -> str:
        return _("Cohort %(year)s") % {"year": self.entry_year}

    def save(self, *args, **kwargs):
        if self.graduation_year is None and self.entry_year:
            self.graduation_year = min(self.entry_year + 4, LATEST_DATE.year)
        super().save(*args, **kwargs)

    @property
    def has_graduated(self) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        # Kyrgyz universities graduate in June.
        return (today.year, today.month) >= (self.graduation_year or self.entry_year + 4, 7)


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    SUPERVISOR = "supervisor", _("Supervisor")
    EMPLOYER = "employer", _("Employer")
    STAFF = "staff", _("Staff")


class UserQuerySet(models.QuerySet):
    def students(self):
        return self.filter(role=Role.STUDENT)

    def supervisors(self):
        return self.filter(role=Role.SUPERVISOR)

    def employers(self):
        return self.filter(role=Role.EMPLOYER)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # createsuperuser checks the field's validators only; a look-alike is refused here.
        validate_username_distinct(username)
        extra_fields.setdefault("role", Role.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class UsernameValidator(RegexValidator):
    """Letters, digits and . + - _ — no "@", so a username never looks like an e-mail
    address (people also sign in with their e-mail)."""

    regex = r"^[\w.+-]+\Z"
    message = _("Use only letters, digits and . + - _ in the username.")
    flags = 0

    def __call__(self, value):
        super().__call__(value)
        # One alphabet only, so a name cannot pass for another (accounts/usernames.py).
        validate_username_alphabet(str(value))


class User(AbstractUser):
    """Everyone who signs in: students, supervisors, employers and staff."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UsernameValidator()],
        help_text=_("Letters, digits and . + - _ only."),
        error_messages={"unique": _("A user with that username already exists.")},
    )

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STUDENT)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages are shown in this language wherever you sign in."),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("program"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("cohort"),
    )

    objects = AccountManager()

    def clean(self):
        super().clean()
        # A new or changed username may not look like another user's; names already in use
        # stay editable as they are.
        if self.username and (
            self._state.adding
            or not User.objects.filter(pk=self.pk, username=self.username).exists()
        ):
            try:
                validate_username_distinct(self.username, exclude_pk=self.pk)
            except ValidationError as error:
                raise ValidationError({"username": error.error_list}) from error

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ci",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("A user with that e-mail address already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(role="student") | Q(program__isnull=False, cohort__isnull=False),
                name="user_student_has_program_and_cohort",
                violation_error_message=_("A student needs a program and a cohort."),
            ),
            models.CheckConstraint(
                condition=Q(role="student") | Q(program__isnull=True, cohort__isnull=True),
                name="user_only_students_have_program",
                violation_error_message=_("Only students belong to a program and a cohort."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def person_label(self) -> str:
        """How a person pickers name someone, so that namesakes can be told apart: the
        name, then a student's program and cohort, then the username ("Азамат Исаков ·
        Informatics · Cohort 2022 · aisakov"). Load ``program`` and ``cohort`` with the user."""
        parts = [self.display_name]
        if self.program_id:
            parts.append(self.program.name)
        if self.cohort_id:
            parts.append(str(self.cohort))
        if self.username != parts[0]:
            parts.append(self.username)
        return " · ".join(parts)

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_employer(self) -> bool:
        return self.role == Role.EMPLOYER

    @property
    def is_staff_member(self) -> bool:
        """Staff by role or by Django's staff flag (superusers created on the command line)."""
        return self.role == Role.STAFF or self.is_superuser

    @property
    def is_approved_employer(self) -> bool:
        if self.role != Role.EMPLOYER:
            return False
        profile = getattr(self, "employer_profile", None)
        return profile is not None and profile.is_approved


class EmployerProfile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="employer_profile", verbose_name=_("user")
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    status = models.CharField(
        _("approval state"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer profile")
        verbose_name_plural = _("employer profiles")
        ordering = ["organisation"]
        indexes = [models.Index(fields=["status"], name="employer_status_idx")]

    def __str__(self) -> str:
        return self.organisation

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class SupervisorAssignment(models.Model):
    """A supervisor advises a student; a student may have several supervisors."""

    supervisor = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="supervised_links",
        verbose_name=_("supervisor"),
        limit_choices_to={"role": Role.SUPERVISOR},
    )
    student = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="supervisor_links",
        verbose_name=_("student"),
        limit_choices_to={"role": Role.STUDENT},
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervisor assignment")
        verbose_name_plural = _("supervisor assignments")
        ordering = ["supervisor", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "student"],
                name="assignment_unique_pair",
                violation_error_message=_("This supervisor is already assigned to this student."),
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("student")),
                name="assignment_not_self",
                violation_error_message=_("A supervisor cannot supervise themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.student}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.supervisor_id and self.supervisor.role != Role.SUPERVISOR:
            errors["supervisor"] = _("Choose a user whose role is supervisor.")
        if self.student_id and self.student.role != Role.STUDENT:
            errors["student"] = _("Choose a user whose role is student.")
        if errors:
            raise ValidationError(errors)
