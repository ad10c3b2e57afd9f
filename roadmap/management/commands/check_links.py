import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from django.utils import timezone

from roadmap.links import store
from roadmap.models import LinkHealth, Resource


class Progress:
    """A one-line progress bar, redrawn with \\r on a terminal and silent elsewhere.

    Our own rather than tqdm: one line of output is not worth a dependency.
    """

    WIDTH = 30

    def __init__(self, total: int, stream, *, enabled: bool):
        self.total, self.done, self.stream = total, 0, stream
        self.enabled = enabled and total > 0
        self.drawn_at, self.drawn, self.ended = 0.0, -1, False

    def advance(self, result=None) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.drawn_at >= 0.1 or self.done >= self.total:  # at most 10 draws a second
            self.drawn_at = now
            self.draw()
        if self.done >= self.total:
            self.close()  # now, so that whatever is written next starts on a line of its own

    def draw(self) -> None:
        if not self.enabled or self.drawn == self.done:
            return
        self.drawn = self.done
        filled = round(self.WIDTH * min(self.done, self.total) / self.total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"\rChecking links [{bar}] {self.done}/{self.total}"
        self.stream.write(line, style_func=str, ending="")  # not in stderr's error red
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state (some checks may have been left to another run) and end the line."""
        if self.enabled and not self.ended:
            self.ended = True
            self.draw()
            self.stream.write("", style_func=str)


class Command(BaseCommand):
    help = (
        "Check resources' links now, in this process (no worker needed), and print what was "
        "found. By default, the resources due for a check, as the nightly run picks them."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--only-due", action="store_true", help="the resources due for a check (default)"
        )
        which.add_argument("--all", action="store_true", help="every resource with a URL")
        which.add_argument(
            "--resource", type=int, nargs="+", metavar="ID", help="these resources, by id"
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["resource"]:
            ids = list(dict.fromkeys(options["resource"]))
            unknown = set(ids) - set(
                Resource.objects.filter(id__in=ids).values_list("id", flat=True)
            )
            if unknown:
                raise CommandError(f"no resource with id {', '.join(map(str, sorted(unknown)))}")
            selected = Resource.objects.filter(id__in=ids)
        elif options["all"]:
            selected = Resource.objects.all()
        else:
            selected = store.resources_due_for_check(now=now)
        ids = list(selected.exclude(url="").values_list("id", flat=True))
        if not ids:
            self.stdout.write(
                "Nothing to check: no selected resource has a URL."
                if options["resource"] or options["all"]
                else "Nothing to check: no resource is due (--all checks every one now)."
            )
            return

        progress = Progress(
            len(ids), self.stderr, enabled=options["verbosity"] > 0 and self.stderr.isatty()
        )
        run = store.check_resources(
            ids=ids, trigger="command", now=now, on_result=progress.advance
        )
        progress.close()
        if run is None:
            self.stdout.write("Nothing checked: another run is checking these resources.")
            return
        self.report(store.run_summary(run=run))

    def report(self, summary: store.RunSummary) -> None:
        run, write = summary.run, self.stdout.write
        seconds = (run.finished_at - run.started_at).total_seconds()
        links, hosts = summary.checked, summary.hosts
        write(
            f"Checked {links} link{pluralize(links)} on {hosts} host{pluralize(hosts)} "
            f"in {seconds:.1f} s (link check run {run.pk})."
        )
        write("")
        width = max(len("status"), *(len(status) for status in summary.counts))
        write(f"  {'status':<{width}}  {'links':>5}")
        for status, count in summary.counts.items():
            write(f"  {status:<{width}}  {count:>5}")
        write(f"  {'total':<{width}}  {summary.checked:>5}")
        if run.inconclusive:
            write("")
            write(self.style.WARNING(f"{run.reason}; nothing changed"))
            return
        if summary.moved:
            write("")
            write("Moved permanently (adopt the new URL in the admin):")
            for finding in summary.moved:
                write(f"  #{finding.resource_id} {finding.title}")
                write(f"      {finding.url}\n   -> {finding.suggested_url}")
        if summary.broken:
            write("")
            write("Broken:")
            for finding in summary.broken:
                state = (
                    "confirmed"
                    if finding.health == LinkHealth.BROKEN
                    else "not shown until a check a day later agrees"
                )
                write(f"  #{finding.resource_id} {finding.title} ({state})")
                write(f"      {finding.url}  {finding.error}")
        if run.reason:
            write("")
            write(self.style.WARNING(run.reason))
