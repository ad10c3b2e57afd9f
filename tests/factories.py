import factory
from django.contrib.auth.models import Group

from progress.models import Cohort, LearnerProfile, Role, TopicProgress, User
from quizzes.models import Question, QuestionKind
from roadmap.models import Prerequisite, Resource, Topic, TopicResource, Track


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"track-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    position = factory.Sequence(lambda n: n + 100)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    summary = "A topic worth learning."
    track = factory.SubFactory(TrackFactory)
    hours = 5


class PrerequisiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prerequisite

    from_topic = factory.SubFactory(TopicFactory)
    to_topic = factory.SubFactory(TopicFactory)
    kind = "required"
    reason = "It builds on it."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    slug = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    authors = "Ada Lovelace"
    kind = "book"
    access = "free"
    url = factory.Sequence(lambda n: f"https://example.org/resource/{n}")


class TopicResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicResource

    topic = factory.SubFactory(TopicFactory)
    resource = factory.SubFactory(ResourceFactory)
    role = "core"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
            if extracted == Role.CURATOR:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def with_profile(self, create, extracted, **kwargs):
        if create:
            LearnerProfile.objects.get_or_create(user=self)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentors.add(*extracted)

    @factory.post_generation
    def learners(self, create, extracted, **kwargs):
        if create and extracted:
            self.learners.add(*extracted)


class TopicProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicProgress

    learner = factory.SubFactory(UserFactory)
    topic = factory.SubFactory(TopicFactory)
    status = "done"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    key = factory.Sequence(lambda n: f"question-{n}")
    topic = factory.SubFactory(TopicFactory)
    kind = QuestionKind.FREE_RECALL
    prompt = factory.Sequence(lambda n: f"What is fact {n}?")
    answer = "The fact."


class MultipleChoiceFactory(QuestionFactory):
    kind = QuestionKind.MULTIPLE_CHOICE
    prompt = "Which matrix has a zero determinant?"
    answer = "A singular one."
    choices = ["an orthogonal one", "a singular one", "the identity"]
    correct_choices = [1]


def study(learner, topic, *, at, cards=2, rating=3, status="done"):
    """`learner` finished `topic` at `at`: its `cards` free-recall cards, each answered once
    with `rating` then, so their memory fades from `at` on."""
    from quizzes.models import Card
    from quizzes.services import ReviewInput, enroll_topic_cards, review_submit

    for _ in range(cards):
        QuestionFactory(topic=topic)
    enroll_topic_cards(learner=learner, topic=topic, now=at)
    for card in Card.objects.filter(learner=learner, topic=topic):
        review = ReviewInput(card_id=card.pk, rating=rating, reviewed_at=at)
        review_submit(learner=learner, review=review, now=at)
    TopicProgress.objects.update_or_create(learner=learner, topic=topic, defaults={"status": status})
