"""View helpers the apps share (their views stay in the apps)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def confirm_delete(request, obj, *, delete, then: str, template: str, context):
    """A deletion behind a confirmation page: GET shows ``template`` with ``context()``;
    POST calls ``delete()``, says "“<obj>” has been deleted." and redirects to ``then``."""
    if request.method == "POST":
        title = str(obj)
        delete()
        messages.success(request, _("“%(title)s” has been deleted.") % {"title": title})
        return redirect(then)
    return render(request, template, context())
