import sys

from django.core.management.base import BaseCommand

from roadmap.curriculum.exporter import dump_curriculum, export_curriculum


class Command(BaseCommand):
    help = "Write the roadmap and question bank as one YAML file in the import format."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        text = dump_curriculum(export_curriculum())
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(self.style.SUCCESS(f"Wrote {output}"))
        else:
            sys.stdout.write(text)
