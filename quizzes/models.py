"""Quiz questions, each learner's review cards (FSRS state) and their review log."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class QuestionKind(models.TextChoices):
    MULTIPLE_CHOICE = "multiple-choice", "Multiple choice"
    FREE_RECALL = "free-recall", "Free recall"


class Question(models.Model):
    key = models.SlugField(max_length=120, unique=True, help_text="Stable key the importer upserts by.")
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    prompt = models.TextField()
    answer = models.TextField(help_text="The answer shown after the learner responds.")
    choices = models.JSONField(default=list, blank=True, help_text="Multiple choice: the options, in order.")
    correct_choices = models.JSONField(default=list, blank=True, help_text="Indexes into choices.")
    explanation = models.TextField(blank=True)
    source = models.ForeignKey(
        "roadmap.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()  # curation history, with revert in the admin

    class Meta:
        ordering = ["topic", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]
        indexes = [
            # Retired questions are few: card reads exclude them by this tiny index instead of
            # joining every card to its question.
            models.Index(fields=["id"], condition=Q(is_active=False), name="question_retired"),
        ]

    def __str__(self):
        return self.key


class CardState(models.TextChoices):
    NEW = "new", "New"
    LEARNING = "learning", "Learning"
    REVIEW = "review", "Review"
    RELEARNING = "relearning", "Relearning"


class Card(models.Model):
    """One learner's memory of one question, in FSRS terms."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="cards")
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12, choices=CardState.choices, default=CardState.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    # Implicit credit (quizzes.fire, quizzes.credits): when the card last took one, and its
    # memory as it was before the credits taken since its last review (to test them then).
    last_credit = models.DateTimeField(null=True, blank=True)
    uncredited_stability = models.FloatField(null=True, blank=True)
    uncredited_review = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="card_unique_per_learner"),
            models.CheckConstraint(condition=Q(state__in=CardState.values), name="card_state_valid"),
        ]
        indexes = [
            # The due queue reads reviews and new cards separately, each in (due, id) order
            # with a LIMIT. New cards stay due at their enrolment time, so in one shared
            # (learner, due) index they sat ahead of every overdue review and were scanned
            # past on each call; one partial index per side keeps both reads short.
            models.Index(fields=["learner", "due", "id"], condition=~Q(state="new"), name="card_review_queue"),
            models.Index(fields=["learner", "due", "id"], condition=Q(state="new"), name="card_new_queue"),
            models.Index(fields=["learner", "topic"], name="card_learner_topic"),
        ]

    def __str__(self):
        return f"card {self.pk} ({self.state}, due {self.due:%Y-%m-%d})"


class ReviewLog(models.Model):
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    answer = models.TextField(blank=True, max_length=5000)
    correct = models.BooleanField(null=True, blank=True)
    # NULL, not "", for reviews sent without one: the unique constraint only covers real ids.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "client_id"], condition=Q(client_id__isnull=False), name="review_client_id_unique"
            ),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="review_rating_range"),
        ]
        indexes = [
            models.Index(fields=["learner", "reviewed_at"]),
            models.Index(fields=["card", "reviewed_at"]),
        ]

    def __str__(self):
        return f"review of card {self.card_id}: {self.rating}"


class CreditKind(models.TextChoices):
    CREDIT = "credit", "Implicit repetition"
    BOOST = "boost", "Brought forward after a lapse"


class ImplicitCredit(models.Model):
    """What an explicit review did to the cards of the topics it builds on (see quizzes.fire).

    Kept apart from ``ReviewLog``: these are inferences, not answers, and the optimiser,
    the review counts and exports read only real reviews. A credit is earned once per
    card and source review, so replaying an offline upload never earns it twice, and
    rebuilding a card from its log replays its credits in time order.
    """

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="credits")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        ReviewLog, on_delete=models.CASCADE, related_name="credits", help_text="The review that earned it."
    )
    kind = models.CharField(max_length=8, choices=CreditKind.choices, default=CreditKind.CREDIT)
    credited_at = models.DateTimeField()
    weight = models.FloatField(help_text="The share of a real review credited (0 for a boost).")

    class Meta:
        ordering = ["credited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "source"], name="implicit_credit_once_per_source"),
            models.CheckConstraint(condition=Q(kind__in=CreditKind.values), name="implicit_credit_kind_valid"),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=1), name="implicit_credit_weight_range"),
        ]
        indexes = [models.Index(fields=["card", "credited_at"])]

    def __str__(self):
        return f"{self.kind} of {self.weight:.2f} for card {self.card_id}"


class CreditCalibration(models.Model):
    """How far a learner's implicit credits have been borne out (``quizzes.fire.Calibration``)."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_calibration"
    )
    observed = models.FloatField(default=0.0, help_text="Σ (recalled − recall predicted without credit)")
    expected = models.FloatField(default=0.0, help_text="Σ (recall predicted with credit − without)")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"credit calibration of {self.learner}"


class Reminder(models.Model):
    """One reminder per learner per local day, enforced by the database; written down
    before anything is sent, claimed by the worker that delivers it, marked sent at the end."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    local_date = models.DateField()
    due_count = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Delivered: the notice shows, the email went.")
    seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "local_date"], name="reminder_once_per_day"),
            models.CheckConstraint(
                condition=Q(sent_at=None) | Q(claimed_at__isnull=False), name="reminder_sent_only_when_claimed"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at=None), name="reminder_pending")]

    def __str__(self):
        return f"reminder for {self.learner} on {self.local_date}"


class ParameterFit(models.Model):
    """A monthly attempt to fit a learner's own FSRS parameters, adopted only if really better
    (see ``quizzes.optimizer.decision``): both figures, the evidence and the decision."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parameter_fits")
    fitted_at = models.DateTimeField()
    period = models.CharField(max_length=7, help_text="YYYY-MM; one fit per learner per month.")
    review_count = models.PositiveIntegerField()
    current_loss = models.FloatField(null=True, help_text="Held-out log loss of the parameters in use.")
    candidate_loss = models.FloatField(null=True, help_text="Held-out log loss of parameters fitted on the past.")
    scored = models.PositiveIntegerField(default=0, help_text="Held-out reviews the losses are over.")
    improvement_low = models.FloatField(
        null=True, help_text="Lower confidence bound of the improvement (current − candidate)."
    )
    decision = models.CharField(max_length=300, blank=True, help_text="Why it was adopted or not.")
    parameters = models.JSONField(help_text="The parameters fitted on all reviews.")
    adopted = models.BooleanField()

    class Meta:
        ordering = ["-fitted_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "period"], name="parameter_fit_once_per_month")]

    def __str__(self):
        return f"FSRS fit for {self.learner} ({self.period})"
