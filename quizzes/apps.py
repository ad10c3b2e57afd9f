from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and reviews"

    def ready(self):
        # The layers below tell this one what happened through a signal and a hook, and ask
        # it about learners' memory through another (progress.memory).
        from progress import memory
        from progress.signals import topic_started
        from quizzes import curriculum, receivers, selectors
        from quizzes.models import Card
        from roadmap.curriculum import sections
        from roadmap.retirement import register_learner_data

        topic_started.connect(receivers.enroll_on_topic_started, dispatch_uid="quizzes.enroll_on_topic_started")
        sections.register(curriculum.QUESTIONS)
        memory.register(selectors.memory_by_learner)
        register_learner_data(
            "cards", lambda topic: Card.objects.filter(topic=topic).values_list("learner_id", flat=True)
        )
