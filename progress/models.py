"""Learners, cohorts, assignments and per-topic progress."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    """Roles are Django groups of these names; permissions hang off the groups."""

    LEARNER = "learner", "Learner"
    MENTOR = "mentor", "Mentor"
    CURATOR = "curator", "Curator"


class User(AbstractUser):
    """Pathwise's user. Custom from day one so fields can be added without a migration saga."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def has_role(self, role: str) -> bool:
        if self.is_superuser:
            return True
        # Groups are prefetched by the views that ask this often.
        return any(group.name == role for group in self.groups.all())

    @property
    def is_curator(self) -> bool:
        return self.has_role(Role.CURATOR)

    @property
    def is_mentor(self) -> bool:
        return self.has_role(Role.MENTOR)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (use an IANA name such as Europe/Berlin)")


class LearnerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    hours_per_week = models.FloatField(default=5.0, validators=[MinValueValidator(0.5), MaxValueValidator(80)])
    new_cards_per_day = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(500)])
    reviews_per_day = models.PositiveSmallIntegerField(default=200, validators=[MaxValueValidator(5000)])
    desired_retention = models.FloatField(default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.97)])
    reminder_hour = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=18,
        validators=[MaxValueValidator(23)],
        help_text="Local hour for the daily review reminder; empty for no reminders.",
    )
    fsrs_parameters = models.JSONField(
        null=True, blank=True, help_text="This learner's fitted FSRS parameters; empty means the defaults."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0.5, hours_per_week__lte=80), name="profile_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.97),
                name="profile_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(reminder_hour__isnull=True) | Q(reminder_hour__lte=23), name="profile_reminder_hour_range"
            ),
        ]

    def __str__(self):
        return f"profile of {self.user}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Cohort(models.Model):
    name = models.CharField(max_length=120)
    mentors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="mentored_cohorts")
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """Goals a mentor set for one learner or a whole cohort, with a due date."""

    goals = models.ManyToManyField("roadmap.Topic", related_name="assignments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments")
    due_date = models.DateField()
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    graph_version = models.PositiveBigIntegerField(help_text="Roadmap version the goals were set at.")

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(learner__isnull=False, cohort__isnull=True) | Q(learner__isnull=True, cohort__isnull=False)
                ),
                name="assignment_learner_xor_cohort",
            )
        ]

    def __str__(self):
        return f"assignment {self.pk} due {self.due_date}"


class TopicStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


KNOWN_STATUSES = (TopicStatus.DONE, TopicStatus.SKIPPED)


class TopicProgress(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_progress")
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.NOT_STARTED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=20000)
    # Kept by the nightly mastery refresh (quizzes, see quizzes.mastery for the definitions):
    # retention is None until the learner has studied one of the topic's cards.
    retention = models.FloatField(null=True, blank=True)
    coverage = models.FloatField(default=0.0)
    needs_review = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "topic progress"
        constraints = [
            models.UniqueConstraint(fields=["learner", "topic"], name="topic_progress_unique"),
            models.CheckConstraint(condition=Q(status__in=TopicStatus.values), name="topic_progress_status_valid"),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self):
        return f"{self.learner}: {self.topic_id} {self.status}"

    @property
    def mastery(self) -> float | None:
        """Deprecated single number (retention × coverage), kept for older API clients."""
        return self.mastery_of(self.retention, self.coverage)

    @staticmethod
    def mastery_of(retention: float | None, coverage: float) -> float | None:
        return None if retention is None else retention * coverage


class ResourceProgress(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_progress")
    resource = models.ForeignKey("roadmap.Resource", on_delete=models.CASCADE, related_name="progress")
    done_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "resource progress"
        constraints = [models.UniqueConstraint(fields=["learner", "resource"], name="resource_progress_unique")]

    def __str__(self):
        return f"{self.learner}: resource {self.resource_id} done"


class ActivityKind(models.TextChoices):
    STATUS_CHANGED = "status_changed", "Changed a topic's status"
    RESOURCE_DONE = "resource_done", "Finished a resource"
    NOTE_EDITED = "note_edited", "Edited notes"
    REVIEW = "review", "Reviewed a card"


class Activity(models.Model):
    """Append-only log of what a learner did; feeds streaks and the activity calendar."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    topic = models.ForeignKey("roadmap.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resource = models.ForeignKey("roadmap.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["learner", "occurred_at"])]

    def __str__(self):
        return f"{self.learner} {self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


class LearningPlan(models.Model):
    """The goals a learner saved from the planner (or the first-run flow), one set per learner.

    ``graph_version`` is the roadmap version the plan was computed on; when the roadmap has
    moved since, the learner is told (see ``quizzes.notices``).
    """

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan")
    goals = models.JSONField(default=list, help_text="Topic slugs, or track:<slug> for a whole track.")
    include_recommended = models.BooleanField(default=False)
    graph_version = models.PositiveBigIntegerField()
    saved_at = models.DateTimeField()

    def __str__(self):
        return f"plan of {self.learner}"


class NoticeDismissal(models.Model):
    """A notice in the header that a learner dismissed, by its key (``assignment:12``...)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    dismissed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "key"], name="notice_dismissed_once")]

    def __str__(self):
        return f"{self.learner} dismissed {self.key}"
