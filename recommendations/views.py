"""A student's answer to a card (done / not now / not useful). Works as a plain form post
(back to the page it came from) and with htmx (an empty answer: the card is swapped out)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from recommendations.access import access_recommendation
from recommendations.forms import AnswerForm
from recommendations.models import Choice
from recommendations.services import recommendation_respond

THANKS = {
    Choice.DONE: gettext_lazy("Well done! The card is gone."),
    Choice.LATER: gettext_lazy("We will remind you in a few days."),
    Choice.NOT_USEFUL: gettext_lazy("Thank you: we will not suggest this again."),
}


@require_POST
@login_required
def respond(request, key: str):
    key = access_recommendation(request.user, key)
    form = AnswerForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if not form.is_valid():
        message = " ".join(form.errors.get("choice", [])) or _("Choose an answer.")
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect(back or "accounts:dashboard")
    choice = form.cleaned_data["choice"]
    recommendation_respond(student=request.user, key=key, choice=choice)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, str(THANKS[Choice(choice)]))
    return redirect(back or "accounts:dashboard")
