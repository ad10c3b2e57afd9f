from django.core.management.base import BaseCommand, CommandError

from roadmap.curriculum.importer import import_curriculum
from roadmap.curriculum.parse import load
from roadmap.curriculum.spec import CurriculumError
from roadmap.models import Topic


class Command(BaseCommand):
    help = (
        "Load a curriculum YAML file (and the files it includes) into the roadmap. Idempotent; "
        "a file with any problem changes nothing and every problem is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="e.g. fixtures/ml-roadmap.yaml")
        parser.add_argument("--dry-run", action="store_true", help="print what would change and write nothing")
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="import only into an empty roadmap; otherwise keep the database as it is (make run)",
        )

    def handle(self, *args, path, dry_run, only_if_empty=False, **options):
        if only_if_empty and (count := Topic.objects.count()):
            self.stdout.write(
                f"The roadmap already has {count} topics: kept the database as it is, with the curators' "
                f"edits. To re-import {path} on purpose (it overwrites what the file lists):\n"
                f"  make manage ARGS=\"import_roadmap {path} --dry-run\"   # see what would change\n"
                f"  make manage ARGS=\"import_roadmap {path}\""
            )
            return
        spec, parse_problems = load(path)
        try:
            report = import_curriculum(spec, dry_run=dry_run, parse_problems=parse_problems)
        except CurriculumError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s) found in {path}; nothing was imported.") from None
        if dry_run:
            for change in report.changes:
                self.stdout.write(f"  {change}")
            self.stdout.write(f"Dry run, nothing written. Would import {report.summary()}.")
        else:
            if options["verbosity"] >= 2:
                for change in report.changes:
                    self.stdout.write(f"  {change}")
            self.stdout.write(self.style.SUCCESS(f"Imported {path}: {report.summary()}."))
