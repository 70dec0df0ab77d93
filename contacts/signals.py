"""Signals other apps listen to, sent inside the contacts services' transactions (a
receiver that mails waits for the commit: notifications' outbox does).

    contact_requested.send(sender=ContactRequest, contact_request=contact_request)
        an approved employer invited a student to get in touch (contact_request_create)
    contact_answered.send(sender=ContactRequest, contact_request=contact_request)
        the student accepted or declined (contact_request_answer); ``status`` says which
"""

import django.dispatch

contact_requested = django.dispatch.Signal()
contact_answered = django.dispatch.Signal()
