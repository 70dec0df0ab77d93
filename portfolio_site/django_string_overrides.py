"""Django's own strings that its Kyrgyz catalogs leave untranslated.

Django's ky catalogs (django/conf, contrib/auth, contrib/admin) lack these msgids, so sign-up,
the password pages and the admin of our models would show them in English. Listing them here
makes ``makemessages`` keep them in locale/*/LC_MESSAGES/django.po, where they are translated;
our catalog is loaded before Django's, so it fills the gaps. Nothing imports this module.
Copy each msgid exactly from Django's source (curly apostrophes included), and drop an entry
once Django's own catalog translates it.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

STRINGS = (
    # django.contrib.auth: password validation on sign-up and password change.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    # django.contrib.auth: the admin's user forms and password pages.
    _("Password-based authentication"),
    _(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
    _("Enabled"),
    _("Disabled"),
    _("Reset password"),
    _("Set password"),
    _("Raw passwords are not stored, so there is no way to see the user’s password."),
    _("Enable password-based authentication for this user by setting a password."),
    _("Password-based authentication was disabled."),
    _("Conflicting form data submitted. Please try again."),
    _("Set password: %s"),
    # django.contrib.admin: index, changelists, change forms and history of our models.
    _("Breadcrumbs"),
    _("Sidebar"),
    _("Toggle theme (current theme: auto)"),
    _("Toggle theme (current theme: light)"),
    _("Toggle theme (current theme: dark)"),
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Added:"),
    _("Changed:"),
    _("Deleted:"),
    _("Select this object for an action - {}"),
    _("Select all objects on this page for an action"),
    _("Hide counts"),
    _("Show counts"),
    _("Error:"),
    _("View selected %(model)s"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _("This action will <strong>enable</strong> password-based authentication for this user."),
    _("Enable password-based authentication"),
    _("Disable password-based authentication"),
    ngettext_lazy("entry", "entries"),
    # Present in Django's ky catalogs but wrong there ("last name" as patronymic, "экат").
    _("last name"),
    _("Email"),
    _("email address"),
    _("Enter a valid email address."),
)
