"""The roadmap: tracks, topics, prerequisite edges and resources.

Models hold fields, constraints and single-row logic. Anything that crosses relations
(acyclicity, the graph version, imports) lives in ``roadmap.services`` and
``roadmap.selectors``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

# Curation history (django-simple-history): every change to the roadmap's tracks, topics,
# edges, resources and links is kept with who made it and when, and can be reverted in the
# admin. Link health is the checker's, not a curator's: it is left out of the history.
_LINK_HEALTH_FIELDS = [
    "health", "health_checked_at", "consecutive_failures", "first_failure_at", "suggested_url",
    "check_claimed_until",
]  # fmt: skip


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Track(models.Model):
    """An ordered stage of the roadmap: Math, Programming, ML, Deep Learning, MLOps."""

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.title


class TopicQuerySet(models.QuerySet):
    def live(self):
        """Topics on the roadmap: not retired (see ``roadmap.retirement``)."""
        return self.filter(retired_at__isnull=True)


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown; rendered with unsafe HTML removed.")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="topics")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Honest estimate of study hours for a motivated learner.",
    )
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Retired topics are hidden from the roadmap, paths and new review decks; "
        "learners keep their progress, notes and cards on them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["track__position", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=1), name="topic_hours_positive"),
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="topic_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.title} (retired)" if self.retired_at else self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class PrerequisiteKind(models.TextChoices):
    REQUIRED = "required", "Required"
    RECOMMENDED = "recommended", "Recommended"


class Prerequisite(models.Model):
    """An edge of the roadmap DAG: ``from_topic`` should be learned before ``to_topic``."""

    from_topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="dependent_edges")
    to_topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="prerequisite_edges")
    kind = models.CharField(
        max_length=20, choices=PrerequisiteKind.choices, default=PrerequisiteKind.REQUIRED
    )
    reason = models.CharField(max_length=500, help_text="Why the prerequisite helps, in one sentence.")
    weight = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=(
            "How much studying the topic exercises this prerequisite, 0 to 1: the share of a "
            "review a successful review of the topic credits the prerequisite's quiz cards "
            "with (required edges only). Empty: the default (see quizzes.fire)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["to_topic__slug", "from_topic__slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0, weight__lte=1),
                name="prerequisite_weight_range",
            ),
            models.UniqueConstraint(fields=["from_topic", "to_topic"], name="prerequisite_unique_edge"),
            models.CheckConstraint(condition=~Q(from_topic=F("to_topic")), name="prerequisite_no_self_edge"),
            models.CheckConstraint(
                condition=Q(kind__in=PrerequisiteKind.values), name="prerequisite_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.from_topic.slug} → {self.to_topic.slug} ({self.kind})"


class ResourceKind(models.TextChoices):
    BOOK = "book", "Book"
    COURSE = "course", "Course"
    VIDEO = "video", "Video"
    PAPER = "paper", "Paper"
    ARTICLE = "article", "Article"
    DOCS = "docs", "Documentation"
    CASE_STUDY = "case-study", "Case study"
    TOOL = "tool", "Tool"


class Access(models.TextChoices):
    FREE = "free", "Free"
    SIGNUP = "signup", "Free with sign-up"
    PAID = "paid", "Paid"


class LinkHealth(models.TextChoices):
    """Health of a resource's URL; see ``roadmap.links.check`` for how each is decided."""

    UNKNOWN = "unknown", "Not checked yet"
    OK = "ok", "OK"
    REDIRECTED = "redirected", "Moved permanently"
    BROKEN = "broken", "Broken"
    BLOCKED = "blocked", "Blocked by the site"
    TIMEOUT = "timeout", "Timed out"
    TLS_ERROR = "tls-error", "TLS error"
    DNS_ERROR = "dns-error", "DNS error"
    CONNECTION_ERROR = "connection-error", "Connection error"


class Resource(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.FREE)
    url = models.URLField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    topics = models.ManyToManyField(Topic, through="TopicResource", related_name="resources")

    # Link health, kept current by roadmap.links.check via roadmap.services.
    health = models.CharField(max_length=20, choices=LinkHealth.choices, default=LinkHealth.UNKNOWN)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    suggested_url = models.URLField(
        max_length=500, blank=True, help_text="Where the URL permanently redirects to."
    )
    check_claimed_until = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=_LINK_HEALTH_FIELDS)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ResourceKind.values), name="resource_kind_valid"),
            models.CheckConstraint(condition=Q(access__in=Access.values), name="resource_access_valid"),
            models.CheckConstraint(condition=Q(health__in=LinkHealth.values), name="resource_health_valid"),
        ]
        indexes = [models.Index(fields=["health"]), models.Index(fields=["health_checked_at"])]

    def __str__(self):
        return self.title

    @property
    def author_list(self) -> list[str]:
        return [name.strip() for name in self.authors.split(",") if name.strip()]


class ResourceRole(models.TextChoices):
    CORE = "core", "Core"
    SUPPLEMENTAL = "supplemental", "Supplemental"


class TopicResource(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="topic_resources")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="topic_resources")
    role = models.CharField(max_length=20, choices=ResourceRole.choices, default=ResourceRole.CORE)
    locator = models.CharField(max_length=200, blank=True, help_text='Where to look, e.g. "ch. 8".')
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "resource"], name="topic_resource_unique"),
            models.CheckConstraint(condition=Q(role__in=ResourceRole.values), name="topic_resource_role_valid"),
        ]

    def __str__(self):
        return f"{self.topic.slug}: {self.resource.title} ({self.role})"


class GraphVersion(models.Model):
    """A single row whose number changes on every edit to the roadmap.

    Caches of the graph and HTTP ETags key on it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.PositiveBigIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="graph_version_singleton")]

    def __str__(self):
        return f"graph version {self.version}"


class LinkCheckRun(models.Model):
    """One pass of the link checker over a set of resources."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    inconclusive = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    trigger = models.CharField(max_length=20, default="schedule")
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="Its resources are its own until then; unfinished after it, it was killed."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"link check run {self.started_at:%Y-%m-%d %H:%M}"


class LinkCheck(models.Model):
    """The result of checking one resource's URL once; the history curators read."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="link_checks")
    run = models.ForeignKey(LinkCheckRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="checks")
    url = models.URLField(max_length=500)
    status = models.CharField(max_length=20, choices=LinkHealth.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["resource", "-checked_at"])]

    def __str__(self):
        return f"{self.url}: {self.status}"
