import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from roadmap.curriculum.lint import META_RULES, RULES, lint_file

SHIPPED = settings.BASE_DIR / "fixtures" / "ml-roadmap.yaml"


class Command(BaseCommand):
    help = (
        "Lint a curriculum file (and the files it includes) the way a teacher would review it. "
        "Prints file:line: rule: message for each finding and exits with status 1 if there are any."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="curriculum file (default: the shipped fixtures/ml-roadmap.yaml)")
        parser.add_argument("--list-rules", action="store_true", help="print the rules and what each one checks")

    def handle(self, *args, path=None, list_rules=False, **options):
        if list_rules:
            for rule, description in RULES.items():
                self.stdout.write(f"{rule}: {description}")
            self.stdout.write(f"(not silenceable: {', '.join(META_RULES)})")
            return
        path = path or os.path.relpath(SHIPPED)
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file")
        findings = lint_file(path)
        for finding in findings:
            self.stdout.write(str(finding))
        if findings:
            raise CommandError(f"{len(findings)} finding(s) in {path}.")
        self.stdout.write(self.style.SUCCESS(f"{path}: no findings."))
