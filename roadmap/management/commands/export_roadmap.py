import sys

import yaml
from django.core.management.base import BaseCommand

from roadmap.importing import export_curriculum


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper, value: str):
    # Multi-line Markdown reads best as a literal block in a file curators edit by hand.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_curriculum(data: dict) -> str:
    header = "# Pathwise curriculum. Load with: python manage.py import_roadmap <this file>\n"
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


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
