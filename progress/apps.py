from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learners and progress"

    def ready(self):
        from progress.models import TopicProgress
        from progress.roles import ensure_roles
        from roadmap.retirement import register_learner_data

        # Every app's post_migrate: permissions of later apps exist only after their own.
        post_migrate.connect(ensure_roles, dispatch_uid="progress.ensure_roles")

        # Deleting a topic would destroy these: the roadmap asks before it does.
        def with_progress(topic):
            return TopicProgress.objects.filter(topic=topic).values_list("learner_id", flat=True)

        def with_notes(topic):
            return TopicProgress.objects.filter(topic=topic).exclude(notes="").values_list("learner_id", flat=True)

        register_learner_data("progress", with_progress)
        register_learner_data("notes", with_notes)
