"""Helpers for the tests of stored dates outside 1900..2100 (issue 12): rows written
before the CHECK constraints existed, and the repair migrations that fix them."""

from __future__ import annotations

import importlib

from django.db import connection

MESSAGE = "Enter a date between 1900-01-01 and 2100-12-31."


def _immediate_checks():
    """Run deferred foreign-key checks now: PostgreSQL alters no table with some pending."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _constraints(model, names):
    return [c for c in model._meta.constraints if c.name in names]


def constraints_dropped(model, *names):
    """Drop the model's ``names`` constraints (inside the test's transaction), as before
    the migration that added them."""
    _immediate_checks()
    with connection.schema_editor() as editor:
        for constraint in _constraints(model, names):
            editor.remove_constraint(model, constraint)


def store(sql, params=()):
    """Write with SQL what the ORM could not (or can no longer) write."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def repair(app, migration, model, *names):
    """Run the app's repair migration's SQL, then add the ``names`` constraints back as
    the migration after it does: that fails if a row was left out of range."""
    sql = importlib.import_module(f"{app}.migrations.{migration}").REPAIR
    store(sql)
    _immediate_checks()
    with connection.schema_editor() as editor:
        for constraint in _constraints(model, names):
            editor.add_constraint(model, constraint)
