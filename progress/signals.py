"""Signals the progress layer sends, for the layers above it to act on.

``progress`` may not import ``quizzes`` (imports point down only), yet starting a topic
must put its quiz questions into the learner's review deck. So ``topic_status_set`` sends
``topic_started`` and the quizzes app connects a receiver in ``QuizzesConfig.ready()``.
"""

from django.dispatch import Signal

#: Sent by ``progress.services.topic_status_set`` when a learner's topic moves to
#: ``in_progress`` or ``done``, inside the same transaction, with keyword arguments
#: ``learner`` (a User), ``topic`` (a Topic) and ``at`` (an aware datetime). A receiver
#: that raises rolls the status change back with it.
topic_started = Signal()
