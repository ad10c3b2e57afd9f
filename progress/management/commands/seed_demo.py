from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from progress.assignments import assignment_create
from progress.goals import plan_save
from progress.models import Assignment, Cohort, LearningPlan, Role, User
from progress.selectors import local_today
from progress.services import topic_status_set, user_create
from roadmap.models import Topic

DEMO_PASSWORD = "pathwise-demo"

# Three learners at different stages of the shipped roadmap.
LEARNERS = {
    "ada": {"done": ["python"], "in_progress": ["linear-algebra"], "hours_per_week": 4},
    "grace": {
        "done": ["python", "numpy", "pandas", "linear-algebra", "calculus", "probability-and-statistics"],
        "in_progress": ["linear-regression"],
        "hours_per_week": 8,
        "goals": ["transformers"],
    },
    "alan": {
        "done": [
            "python",
            "numpy",
            "pandas",
            "linear-algebra",
            "calculus",
            "probability-and-statistics",
            "gradient-descent",
            "linear-regression",
            "neural-networks",
            "backpropagation",
        ],
        "in_progress": ["attention"],
        "hours_per_week": 12,
        "goals": ["large-language-models"],
    },
}


class Command(BaseCommand):
    help = "Create demo users (curator, mentor with a cohort, three learners). Never in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates accounts with a published password; it refuses to run in production.")
        with transaction.atomic():
            users = self._users()
            self._progress(users)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  curator  carol   — edits the roadmap in /admin/")
        self.stdout.write("  mentor   maya    — mentors the Autumn cohort (ada, grace, alan)")
        self.stdout.write("  learners ada (just starting), grace (math done), alan (into deep learning)")
        self.stdout.write("  admin    admin   — superuser")

    def _users(self) -> dict[str, User]:
        users = {}
        specs = [("carol", Role.CURATOR), ("maya", Role.MENTOR), ("admin", Role.CURATOR)]
        specs += [(name, Role.LEARNER) for name in LEARNERS]
        for username, role in specs:
            user = User.objects.filter(username=username).first()
            extra = {"hours_per_week": LEARNERS[username]["hours_per_week"]} if username in LEARNERS else {}
            if user is None:
                user = user_create(
                    username=username, password=DEMO_PASSWORD, email=f"{username}@example.org", role=role, **extra
                )
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
        admin = users["admin"]
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        cohort, _ = Cohort.objects.get_or_create(name="Autumn cohort")
        cohort.mentors.add(users["maya"])
        cohort.learners.add(*(users[name] for name in LEARNERS))
        return users

    def _progress(self, users: dict[str, User]) -> None:
        topics = Topic.objects.in_bulk(field_name="slug")
        now = timezone.now()
        for name, plan in LEARNERS.items():
            learner = users[name]
            if learner.topic_progress.exists():
                continue  # keep whatever the demo learner did since the last run
            for weeks_ago, slug in enumerate(reversed(plan["done"]), start=1):
                if slug in topics:
                    topic_status_set(
                        learner=learner, topic=topics[slug], status="done", at=now - timedelta(weeks=weeks_ago)
                    )
            for slug in plan["in_progress"]:
                if slug in topics:
                    topic_status_set(learner=learner, topic=topics[slug], status="in_progress", at=now)
            goals = plan.get("goals", [])
            if goals and all(g in topics for g in goals) and not LearningPlan.objects.filter(learner=learner).exists():
                plan_save(learner=learner, goals=goals)
        maya, cohort = users["maya"], Cohort.objects.get(name="Autumn cohort")
        if not Assignment.objects.filter(cohort=cohort).exists() and "linear-regression" in topics:
            assignment_create(
                created_by=maya, goals=["linear-regression"], cohort=cohort,
                due_date=local_today(learner=maya) + timedelta(weeks=6), note="Before the project in January.",
            )  # fmt: skip
