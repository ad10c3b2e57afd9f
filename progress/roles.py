"""The three roles as Django groups, with the model permissions each one carries.

Run after every migrate (permissions only exist once their models do), idempotently.
"""

from django.contrib.auth.models import Group, Permission

from progress.models import Role

_CURATOR_MODELS = {
    "roadmap": ["track", "topic", "prerequisite", "resource", "topicresource", "linkcheck", "linkcheckrun"],
    "quizzes": ["question"],
}
_MENTOR_MODELS = {"progress": ["cohort", "assignment"]}


def _permissions(models: dict[str, list[str]], actions=("add", "change", "delete", "view")):
    codenames = [f"{action}_{model}" for names in models.values() for model in names for action in actions]
    return Permission.objects.filter(content_type__app_label__in=list(models), codename__in=codenames)


def ensure_roles(**kwargs) -> None:
    learner, _ = Group.objects.get_or_create(name=Role.LEARNER)
    mentor, _ = Group.objects.get_or_create(name=Role.MENTOR)
    curator, _ = Group.objects.get_or_create(name=Role.CURATOR)
    curator.permissions.add(*_permissions(_CURATOR_MODELS))
    mentor.permissions.add(*_permissions(_MENTOR_MODELS))
