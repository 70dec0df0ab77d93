"""Tasks of accounts (portfolio_site/celery.py runs them)."""

from __future__ import annotations

from celery import shared_task

from accounts.services import password_reset_email_queue


@shared_task(bind=True)
def password_reset_send(self, *, email: str, language: str, domain: str, use_https: bool) -> int:
    """Look up the accounts of ``email`` and queue their reset e-mails (outbox). Queued by
    the reset page for every address it accepts, known or not, so the page does the same
    work, in the same time, whoever asks."""
    return password_reset_email_queue(email=email, language=language, domain=domain,
                                      use_https=use_https, key_prefix=self.request.id)  # fmt: skip
