from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learners and progress"

    def ready(self):
        from progress.roles import ensure_roles

        # Every app's post_migrate: permissions of later apps exist only after their own.
        post_migrate.connect(ensure_roles, dispatch_uid="progress.ensure_roles")
