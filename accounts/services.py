"""Writes for accounts: sign-up, profile changes, employer approval, supervisor links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Cohort, EmployerProfile, Program, Role, SupervisorAssignment, User
from accounts.signals import student_created
from outbox.services import email_queue

STAFF_GROUP_NAME = "Site staff"
STAFF_APP_LABELS = (
    "accounts", "portfolios", "achievements", "feedback", "analytics", "journal", "axes",
    "comments", "notifications", "outbox", "transfer", "experiments", "recommendations",
)  # fmt: skip


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    role: str,
    password: str | None = None,
    password_hash: str | None = None,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "",
    program: Program | None = None,
    cohort: Cohort | None = None,
    is_superuser: bool = False,
) -> User:
    """Create any account. Staff members get Django's staff flag and the staff group."""
    user = User(
        username=username,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
        program=program,
        cohort=cohort,
        is_staff=role == Role.STAFF or is_superuser,
        is_superuser=is_superuser,
    )
    if password_hash is not None:
        user.password = password_hash
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_sync_staff_access(user=user)
    if role == Role.STUDENT:
        student_created.send(sender=User, user=user)  # their portfolio is made with it
    return user


def user_sync_staff_access(*, user: User) -> None:
    """Admin access follows the role: staff get Django's staff flag and the staff group;
    anyone whose role changes away from staff loses both (superusers keep the flag)."""
    group = staff_group_ensure()
    should_be_staff = user.role == Role.STAFF or user.is_superuser
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])
    if user.role == Role.STAFF:
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def student_sign_up(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    program: Program,
    cohort: Cohort,
    preferred_language: str = "",
) -> User:
    return user_create(
        username=username,
        email=email,
        password=password,
        role=Role.STUDENT,
        first_name=first_name,
        last_name=last_name,
        program=program,
        cohort=cohort,
        preferred_language=preferred_language,
    )


@transaction.atomic
def employer_sign_up(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    organisation: str,
    website: str = "",
    position: str = "",
    preferred_language: str = "",
) -> User:
    """An employer account waits for staff approval before it sees more than a visitor."""
    user = user_create(
        username=username,
        email=email,
        password=password,
        role=Role.EMPLOYER,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
    )
    profile = EmployerProfile(
        user=user, organisation=organisation, website=website, position=position
    )
    profile.full_clean()
    profile.save()
    return user


@transaction.atomic
def user_update_profile(
    *, user: User, first_name: str, last_name: str, email: str, preferred_language: str
) -> User:
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email", "preferred_language"])
    return user


@transaction.atomic
def employer_profile_update(
    *, profile: EmployerProfile, organisation: str, website: str, position: str
) -> bool:
    """Save an employer's organisation details. Approval was given to an organisation, so a
    new name or website sends the account back to staff for approval. Returns whether it did."""
    saved = EmployerProfile.objects.select_for_update().get(pk=profile.pk)  # as approved
    identity_changed = (organisation, website) != (saved.organisation, saved.website)
    profile.organisation = organisation
    profile.website = website
    profile.position = position
    back_to_review = identity_changed and profile.status != EmployerProfile.Status.PENDING
    if back_to_review:
        profile.status = EmployerProfile.Status.PENDING
        profile.decided_at = None
        profile.decided_by = None
    profile.full_clean()
    profile.save()
    return back_to_review


def user_set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["preferred_language"])


def employers_decide(
    *, profiles, approve: bool, by: User, request=None, notify: bool = True
) -> int:
    """Approve or reject employer accounts; each employer decided now gets an e-mail
    (unless ``notify`` is off, as for demo data).

    Returns how many profiles changed state.
    """
    new_status = EmployerProfile.Status.APPROVED if approve else EmployerProfile.Status.REJECTED
    changed = []
    with transaction.atomic():
        for profile in profiles.select_related("user").select_for_update(of=("self",)):
            if profile.status == new_status:
                continue
            profile.status = new_status
            profile.decided_at = timezone.now()
            profile.decided_by = by
            profile.save(update_fields=["status", "decided_at", "decided_by"])
            changed.append(profile)
            if notify:  # queued with the decision: both commit, or neither
                _send_employer_decision(profile, request=request)
    return len(changed)


def _send_employer_decision(profile: EmployerProfile, request=None) -> None:
    user = profile.user
    if not user.email:
        return
    login_url = reverse("accounts:login")
    if request is not None:
        login_url = request.build_absolute_uri(login_url)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "profile": profile, "login_url": login_url}
        subject = render_to_string("accounts/email/employer_decision_subject.txt", context)
        body = render_to_string("accounts/email/employer_decision.txt", context)
    email_queue(to=user.email, subject=subject, body=body)


@transaction.atomic
def supervisor_assign(*, supervisor: User, student: User) -> SupervisorAssignment:
    """Link a supervisor to a student; linking them again changes nothing."""
    existing = SupervisorAssignment.objects.filter(supervisor=supervisor, student=student).first()
    if existing is not None:
        return existing
    assignment = SupervisorAssignment(supervisor=supervisor, student=student)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def supervisor_assign_many(*, supervisor: User, students) -> int:
    """Link ``supervisor`` to each of ``students`` (all or none); returns how many links are
    new. Each goes through ``supervisor_assign``, as a single assignment does."""
    students = list(students)
    already = set(
        SupervisorAssignment.objects.filter(
            supervisor=supervisor, student__in=students
        ).values_list("student_id", flat=True)
    )
    new = [student for student in students if student.pk not in already]
    for student in new:
        supervisor_assign(supervisor=supervisor, student=student)
    return len(new)


def staff_group_ensure() -> Group:
    """The group that gives staff members every permission on the site's own models."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APP_LABELS)
    group.permissions.add(*permissions)
    return group


def password_reset_email_queue(
    *, email: str, language: str, domain: str, use_https: bool, key_prefix: str
) -> int:
    """Queue a password-reset e-mail to each active account of ``email`` that has a
    password, as Django's PasswordResetForm.save would send it (same users, token and
    link), in the user's own language, else ``language`` (the requester's). Run by a task,
    so the request answers alike for any address. ``key_prefix`` (the task's id) keeps a
    task run twice from queueing twice. Returns how many were queued."""
    users = list(auth_forms.PasswordResetForm().get_users(email))
    for user in users:
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        with translation.override(user.preferred_language or language):
            subject = render_to_string("accounts/email/password_reset_subject.txt", context)
            body = render_to_string("accounts/email/password_reset.txt", context)
        email_queue(to=user.email, subject=subject, body=body,
                    key=f"password-reset:{key_prefix}:{user.pk}")  # fmt: skip
    return len(users)
