"""Writes for learners: accounts, roles, topic status, resources done, notes.

Every status change goes through ``topic_status_set``, which validates the transition
and appends the ``Activity`` row in the same transaction.
"""

from datetime import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from progress.models import Activity, ActivityKind, LearnerProfile, Role, TopicProgress, TopicStatus, User
from progress.signals import topic_started
from roadmap.models import Topic

# Which status may follow which. A finished topic is reopened (in progress) or reset,
# never "skipped" after the fact: skipping means "I already know this", decided up front.
TRANSITIONS: dict[str, set[str]] = {
    TopicStatus.NOT_STARTED: {TopicStatus.IN_PROGRESS, TopicStatus.DONE, TopicStatus.SKIPPED},
    TopicStatus.IN_PROGRESS: {TopicStatus.DONE, TopicStatus.SKIPPED, TopicStatus.NOT_STARTED},
    TopicStatus.DONE: {TopicStatus.IN_PROGRESS, TopicStatus.NOT_STARTED},
    TopicStatus.SKIPPED: {TopicStatus.NOT_STARTED, TopicStatus.IN_PROGRESS, TopicStatus.DONE},
}


@transaction.atomic
def user_create(*, username: str, password: str | None, email: str = "", role: str = Role.LEARNER,
                **profile_fields) -> User:
    user = User(username=username, email=email, is_staff=(role == Role.CURATOR))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    profile = LearnerProfile(user=user, **profile_fields)
    profile.full_clean()
    profile.save()
    return user


@transaction.atomic
def topic_status_set(
    *, learner: User, topic: Topic, status: str, notes: str | None = None, at: datetime | None = None
) -> TopicProgress:
    """Move a learner's topic to ``status`` (and/or replace their notes), logging the activity.

    Raises
    ------
    ValidationError
        For an unknown status or a transition that is not allowed.
    """
    if status not in TopicStatus.values:
        raise ValidationError(
            {"status": f"{status!r} is not a status; use one of {', '.join(TopicStatus.values)}"}
        )
    at = at or timezone.now()
    progress, _ = TopicProgress.objects.select_for_update().get_or_create(learner=learner, topic=topic)
    previous = progress.status
    if status != previous:
        if status not in TRANSITIONS[previous]:
            raise ValidationError(
                {"status": f"a topic that is {previous.replace('_', ' ')} cannot become {status.replace('_', ' ')}"}
            )
        progress.status = status
        if status == TopicStatus.IN_PROGRESS and progress.started_at is None:
            progress.started_at = at
        if status == TopicStatus.DONE:
            progress.started_at = progress.started_at or at
            progress.completed_at = at
        else:
            progress.completed_at = None
        if status == TopicStatus.NOT_STARTED:
            progress.started_at = None
        Activity.objects.create(
            learner=learner, kind=ActivityKind.STATUS_CHANGED, topic=topic, occurred_at=at,
            detail={"from": previous, "to": status},
        )
        if status in (TopicStatus.IN_PROGRESS, TopicStatus.DONE):
            # Starting or finishing a topic puts its quiz questions into the review deck
            # (the quizzes app listens; see progress.signals).
            topic_started.send(sender=TopicProgress, learner=learner, topic=topic, at=at)
    if notes is not None and notes != progress.notes:
        progress.notes = notes
        Activity.objects.create(learner=learner, kind=ActivityKind.NOTE_EDITED, topic=topic, occurred_at=at)
    progress.full_clean(validate_unique=False, validate_constraints=False)
    progress.save()
    return progress


@transaction.atomic
def resource_mark_done(*, learner: User, resource, at: datetime | None = None):
    """Tick off a resource. Ticking it again keeps the first time and logs nothing new."""
    from progress.models import ResourceProgress

    at = at or timezone.now()
    progress, created = ResourceProgress.objects.get_or_create(learner=learner, resource=resource,
                                                               defaults={"done_at": at})
    if created:
        Activity.objects.create(learner=learner, kind=ActivityKind.RESOURCE_DONE, resource=resource, occurred_at=at)
    return progress


@transaction.atomic
def resource_mark_undone(*, learner: User, resource) -> None:
    from progress.models import ResourceProgress

    ResourceProgress.objects.filter(learner=learner, resource=resource).delete()


@transaction.atomic
def profile_update(*, learner: User, **fields) -> LearnerProfile:
    profile, _ = LearnerProfile.objects.select_for_update().get_or_create(user=learner)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def account_update(*, user: User, email: str | None = None, **profile_fields) -> LearnerProfile:
    """Change a user's email and/or profile settings together: all of it or none of it.

    Raises
    ------
    ValidationError
        Field errors from the user or profile validators (an unknown time zone, say).
    """
    if email is not None and email != user.email:
        user.email = email
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(update_fields=["email"])
    return profile_update(learner=user, **profile_fields)
