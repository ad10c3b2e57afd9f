from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Roadmap"

    def ready(self):
        from roadmap import checks, signals  # noqa: F401  (registers receivers and checks)
