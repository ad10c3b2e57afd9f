"""Shapes of the review and question endpoints. Parsing only; the rules live in the services
(quizzes.services for reviews, quizzes.questions for questions)."""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import OffsetDateTimeField, SlugReferenceField
from quizzes.checks import CheckAnswer
from quizzes.models import Card, CardState, Question, QuestionKind
from quizzes.services import ReviewInput
from roadmap.models import Resource, Topic

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "maxLength": 5000, "description": "Free-recall answer text."},
            {"type": "integer", "minimum": 0, "description": "Index of the chosen choice."},
            {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 50},
        ]
    }
)
class AnswerField(serializers.Field):
    """Free text, or for multiple choice the chosen index (or indexes)."""

    default_error_messages = {
        "invalid": "send text, a choice index, or a list of choice indexes",
        "too_long": "an answer is at most 5000 characters",
        "unstorable": "an answer cannot contain NUL or lone surrogate characters",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            if len(data) > 5000:
                self.fail("too_long")
            if _UNSTORABLE.search(data):  # PostgreSQL refuses them with a server error
                self.fail("unstorable")
            return data
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if isinstance(data, list) and 0 < len(data) <= 50:
            if all(isinstance(i, int) and not isinstance(i, bool) for i in data):
                return data
        self.fail("invalid")

    def to_representation(self, value):
        return value


class ReviewInputSerializer(serializers.Serializer):
    card = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of one of your cards."
    )
    rating = serializers.IntegerField(
        min_value=1,
        max_value=4,
        required=False,
        allow_null=True,
        help_text=(
            "1 Again, 2 Hard, 3 Good, 4 Easy: required for free recall. A multiple-choice card "
            "is rated from its answer (right 3, wrong 1); a bare rating for it is a 400."
        ),
    )
    answer = AnswerField(
        required=False,
        allow_null=True,
        help_text=(
            "Free recall: your answer's text (optional). Multiple choice (required): the "
            "position, or positions, of the option you chose in the order shown."
        ),
    )
    presentation = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=(
            "Multiple choice: the `presentation` of the due card you answered, i.e. which "
            "shuffle you saw. Defaults to the card's next review's (what the due cards show)."
        ),
    )
    reviewed_at = OffsetDateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            "When the review was made, with its UTC offset (`2026-11-21T09:30:00+13:00`); a "
            "time without one is refused. Defaults to now; required in a batch."
        ),
    )
    duration_ms = serializers.IntegerField(
        min_value=0, max_value=86_400_000, required=False, allow_null=True
    )
    client_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        help_text="Your id for this review; a review sent again with the same id is applied once.",
    )

    def validate(self, attrs):
        if attrs.get("rating") is None and attrs.get("answer") is None:
            raise serializers.ValidationError({"rating": ["send a rating (1-4) or an answer"]})
        return attrs

    def to_input(self) -> ReviewInput:
        data = self.validated_data
        return ReviewInput(
            card_id=data["card"],
            rating=data.get("rating"),
            answer=data.get("answer"),
            reviewed_at=data.get("reviewed_at"),
            duration_ms=data.get("duration_ms"),
            client_id=data.get("client_id"),
            presentation=data.get("presentation"),
        )


class OfflineReviewInputSerializer(ReviewInputSerializer):
    """A review made offline: when it was made and the client's id for it are required, so
    the server can replay it in order and apply it once however often it is sent."""

    reviewed_at = OffsetDateTimeField(
        error_messages={
            "required": "an offline review needs the time it was made",
            "null": "an offline review needs the time it was made",
        },
        help_text="When the review was made, with its UTC offset (`2026-11-21T09:30:00+13:00`).",
    )
    client_id = serializers.CharField(
        max_length=64,
        error_messages={
            "required": "an offline review needs a client_id, so a resend is not applied twice",
            "null": "an offline review needs a client_id, so a resend is not applied twice",
        },
        help_text="Your id for this review (e.g. a UUID); a review sent again with the same id is applied once.",
    )


class CardStateSerializer(serializers.ModelSerializer):
    # Declared, not taken from the model, whose bounds depend on the database in use.
    reps = serializers.IntegerField(read_only=True, min_value=0, max_value=2**31 - 1)
    lapses = serializers.IntegerField(read_only=True, min_value=0, max_value=2**31 - 1)

    class Meta:
        model = Card
        fields = ["id", "state", "due", "last_review", "reps", "lapses", "stability", "difficulty"]


class ReviewResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the review in what you sent.")
    client_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["applied", "duplicate", "rejected"])
    review = serializers.IntegerField(source="review.pk", allow_null=True, default=None)
    rating = serializers.IntegerField(source="review.rating", allow_null=True, default=None)
    correct = serializers.BooleanField(source="review.correct", allow_null=True, default=None)
    card = CardStateSerializer(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ReviewBatchResultSerializer(serializers.Serializer):
    results = ReviewResultSerializer(many=True)


class ButtonPreviewSerializer(serializers.Serializer):
    label = serializers.CharField()
    due = serializers.DateTimeField()
    interval = serializers.CharField(help_text='Short label such as "10m", "3d", "2.5mo".')


class PreviewsSerializer(serializers.Serializer):
    """The four answer buttons, keyed by rating "1" (Again) to "4" (Easy)."""

    def get_fields(self):
        return {str(rating): ButtonPreviewSerializer() for rating in (1, 2, 3, 4)}

    def to_representation(self, instance):
        return {str(button.rating): ButtonPreviewSerializer(button).data for button in instance}


class TopicBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class QuestionForLearnerSerializer(serializers.Serializer):
    """What a learner sees before answering: never the answer or which choice is right."""

    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    prompt = serializers.CharField()
    choices = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Multiple choice: the options in the order to show them, shuffled for each "
            "presentation. Answer with positions in this list. Empty for free recall."
        ),
    )


class DueCardSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="card.pk")
    topic = TopicBriefSerializer(source="card.topic")
    question = QuestionForLearnerSerializer()
    presentation = serializers.IntegerField(
        source="question.presentation",
        help_text=(
            "Which shuffle of the options this is (the card's next review number). Send it "
            "back with a multiple-choice answer, above all one answered offline."
        ),
    )
    state = serializers.ChoiceField(source="card.state", choices=CardState.choices)
    due = serializers.DateTimeField(source="card.due")
    previews = PreviewsSerializer(
        help_text="A multiple-choice card is rated from its answer: right is 3, wrong is 1."
    )


class DueQueuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    reviews_left = serializers.IntegerField(help_text="Reviews still allowed today.")
    new_left = serializers.IntegerField(help_text="New cards still allowed today.")
    next_due = serializers.DateTimeField(
        allow_null=True, help_text="With nothing due: when the next card is."
    )
    results = DueCardSerializer(many=True)


class ForecastQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=365, default=30, help_text="Local days, today first."
    )


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    due = serializers.IntegerField()


class ForecastSerializer(serializers.Serializer):
    time_zone = serializers.CharField()
    days = ForecastDaySerializer(many=True)


class TopicMasterySerializer(serializers.Serializer):
    topic = serializers.SlugField(source="topic.slug")
    cards = serializers.IntegerField(source="mastery.cards", help_text="Your active cards on it.")
    studied = serializers.IntegerField(
        source="mastery.studied", help_text="Cards you have reviewed at least once."
    )
    coverage = serializers.FloatField(
        source="mastery.coverage",
        help_text="studied / cards: how much of the topic you have studied (0 without cards).",
    )
    retention = serializers.FloatField(
        source="mastery.retention",
        allow_null=True,
        help_text=(
            "Mean predicted recall, now, of the cards you have studied; null until you "
            "have studied one. Cards still waiting behind the daily limit do not lower it."
        ),
    )
    due_cards = serializers.IntegerField(help_text="Studied cards due now.")
    # v1 before coverage and retention were reported apart; kept so older clients still read them.
    mastery = serializers.FloatField(
        source="mastery.retention_times_coverage", allow_null=True,
        help_text="Deprecated: retention × coverage, which mixes the two; read them apart.",
    )  # fmt: skip
    mean_retrievability = serializers.FloatField(
        source="mastery.retention", allow_null=True, help_text="Deprecated: the same as `retention`."
    )
    reviewed = serializers.IntegerField(source="mastery.studied", help_text="Deprecated: the same as `studied`.")
    needs_review = serializers.BooleanField(
        help_text="The topic is done or skipped and its retention is below your desired retention."
    )
    desired_retention = serializers.FloatField()


class CheckQuestionSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="The question's id; answer it by this id.")
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    prompt = serializers.CharField()
    choices = serializers.ListField(
        child=serializers.CharField(),
        help_text="Multiple choice: the options in the order to show them; answer with a position.",
    )
    presentation = serializers.IntegerField(help_text="Send it back with a multiple-choice answer.")


class CheckSerializer(serializers.Serializer):
    topic = serializers.SlugField(source="topic.slug")
    needed = serializers.IntegerField(help_text="Right answers needed to pass.")
    questions = CheckQuestionSerializer(many=True)


class CheckAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    answer = AnswerField(
        required=False, allow_null=True,
        help_text="Multiple choice: the position of the option chosen. Free recall: your text (optional).",
    )  # fmt: skip
    rating = serializers.IntegerField(
        min_value=1, max_value=4, required=False, allow_null=True,
        help_text="Free recall: how well you remembered, 1 Again to 4 Easy (right from 2 on).",
    )  # fmt: skip
    presentation = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)


class CheckSubmitSerializer(serializers.Serializer):
    answers = CheckAnswerSerializer(many=True, allow_empty=False, max_length=50)

    def to_answers(self) -> list[CheckAnswer]:
        return [
            CheckAnswer(
                question=a["question"], answer=a.get("answer"), rating=a.get("rating"),
                presentation=a.get("presentation"),
            )  # fmt: skip
            for a in self.validated_data["answers"]
        ]


class CheckResultItemSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    correct = serializers.BooleanField()
    answer = serializers.CharField(help_text="The right answer.")
    explanation = serializers.CharField(allow_blank=True)


class CheckResultSerializer(serializers.Serializer):
    passed = serializers.BooleanField(
        help_text="Passed: the topic's cards joined your deck with these answers as their first reviews."
    )
    right = serializers.IntegerField()
    total = serializers.IntegerField()
    needed = serializers.IntegerField()
    results = CheckResultItemSerializer(many=True)


class QuestionSerializer(serializers.ModelSerializer):
    """A quiz question as curators see it, correct answers included."""

    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The resource it comes from (slug), or null."
    )

    class Meta:
        model = Question
        fields = [
            "id", "key", "topic", "kind", "prompt", "answer", "choices", "correct_choices",
            "explanation", "source", "is_active", "created_at", "updated_at",
        ]  # fmt: skip


class QuestionWriteSerializer(serializers.Serializer):
    """A question's fields as curators send them; quizzes.questions checks that they agree."""

    key = serializers.SlugField(max_length=120, help_text="Stable key, unique across questions.")
    topic = SlugReferenceField(queryset=Topic.objects.all())
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    prompt = serializers.CharField(max_length=5000)
    answer = serializers.CharField(max_length=5000, help_text="Shown after the learner responds.")
    choices = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=20, required=False,
        help_text="Multiple choice: the options, in order. Empty for free recall.",
    )  # fmt: skip
    correct_choices = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=19), max_length=20, required=False,
        help_text="Multiple choice: indexes into choices of the right options.",
    )  # fmt: skip
    explanation = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    source = SlugReferenceField(queryset=Resource.objects.all(), required=False, allow_null=True)
    is_active = serializers.BooleanField(
        required=False, help_text="False retires the question: its cards leave every queue."
    )
