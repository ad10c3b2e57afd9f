"""What the quizzes app does when a lower layer reports something (see ``QuizzesConfig.ready``)."""

from quizzes.services import enroll_topic_cards


def enroll_on_topic_started(sender, *, learner, topic, at, **kwargs) -> None:
    """A topic was started or finished: its quiz questions join the learner's review deck."""
    enroll_topic_cards(learner=learner, topic=topic, now=at)
