"""What experiments do when recommendations are shown or answered: log them for students
of a running experiment (inside the sender's transaction)."""

from django.dispatch import receiver

from experiments import selectors, services
from recommendations.signals import recommendation_acted, recommendations_shown


@receiver(recommendations_shown, dispatch_uid="experiments_exposure")
def log_exposure(sender, *, student, keys, mode, **kwargs):
    if selectors.any_running():  # cached: no query on a site without a running experiment
        services.exposure_record(student=student, keys=list(keys), mode=mode)


@receiver(recommendation_acted, dispatch_uid="experiments_action")
def log_action(sender, *, student, key, choice, **kwargs):
    if selectors.any_running():
        services.action_record(student=student, key=key, choice=choice)
