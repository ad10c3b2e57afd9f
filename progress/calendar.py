"""The activity calendar: daily activity counts laid out as a GitHub-style grid.

A pure module: it takes counts per day (from ``progress.selectors.activity_per_day``)
and returns plain data for a table with one row per weekday and one column per week,
Monday first. No ORM, no time zones: the caller decides what "today" is locally.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHADES = 4


@dataclass(frozen=True)
class CalendarDay:
    date: date
    count: int
    level: int  # 0 (nothing) to 4 (the busiest days), for the cell's shade

    @property
    def label(self) -> str:
        """What the cell says to a screen reader and on hover.

        >>> CalendarDay(date(2026, 11, 20), 3, 4).label
        '3 activities on 2026-11-20'
        >>> CalendarDay(date(2026, 11, 21), 1, 2).label
        '1 activity on 2026-11-21'
        """
        noun = "activity" if self.count == 1 else "activities"
        return f"{self.count} {noun} on {self.date.isoformat()}"


@dataclass(frozen=True)
class ActivityCalendar:
    rows: list[tuple[str, list[CalendarDay | None]]]  # (weekday name, one cell per week)
    months: list[str]  # one entry per week column: the month's name where a month starts, else ""
    total: int
    active_days: int
    start: date
    end: date


def calendar_start(today: date, weeks: int = 26) -> date:
    """The Monday that starts a grid of ``weeks`` weeks ending with today's week.

    >>> calendar_start(date(2026, 11, 20), weeks=2)  # a Friday
    datetime.date(2026, 11, 9)
    """
    if weeks < 1:
        raise ValueError(f"a calendar needs at least one week, not {weeks}")
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


def shade(count: int, busiest: int) -> int:
    """The shade (0-4) of a day, relative to the busiest day shown.

    >>> [shade(n, 8) for n in (0, 1, 2, 5, 8)]
    [0, 1, 1, 3, 4]
    """
    if count <= 0 or busiest <= 0:
        return 0
    return min(SHADES, math.ceil(SHADES * count / busiest))


def month_label(monday: date) -> str:
    """The month's short name if a month begins in the week starting ``monday``, else "".

    >>> month_label(date(2026, 11, 30)), month_label(date(2026, 11, 23))
    ('Dec', '')
    """
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if day.day == 1:
            return day.strftime("%b")
    return ""


def activity_calendar(days: Iterable[dict], *, today: date, weeks: int = 26) -> ActivityCalendar:
    """Lay out ``{"date": ..., "count": ...}`` rows as weeks of Monday-to-Sunday cells.

    Days missing from ``days`` count as no activity; days after ``today`` are empty
    cells (``None``), so the last column may be short.

    Examples
    --------
    >>> today = date(2026, 11, 18)  # a Wednesday
    >>> grid = activity_calendar([{"date": date(2026, 11, 17), "count": 3}], today=today, weeks=2)
    >>> grid.start, grid.total, grid.active_days
    (datetime.date(2026, 11, 9), 3, 1)
    >>> name, cells = grid.rows[1]
    >>> name, [cell.label if cell else None for cell in cells]
    ('Tue', ['0 activities on 2026-11-10', '3 activities on 2026-11-17'])
    >>> sunday, cells = grid.rows[6]
    >>> sunday, cells[1] is None  # this week's Sunday is still to come
    ('Sun', True)
    """
    start = calendar_start(today, weeks)
    counts = {row["date"]: row["count"] for row in days if start <= row["date"] <= today}
    # A floor on the scale: on a quiet calendar one activity is a light cell, not the darkest.
    busiest = max(max(counts.values(), default=0), SHADES)
    rows: list[tuple[str, list[CalendarDay | None]]] = []
    for weekday, name in enumerate(WEEKDAYS):
        cells: list[CalendarDay | None] = []
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                cells.append(None)
            else:
                count = counts.get(day, 0)
                cells.append(CalendarDay(day, count, shade(count, busiest)))
        rows.append((name, cells))
    months = [month_label(start + timedelta(weeks=week)) for week in range(weeks)]
    if not any(months[:3]):  # name the first column's month unless a label follows closely
        months[0] = start.strftime("%b")
    return ActivityCalendar(
        rows=rows,
        months=months,
        total=sum(counts.values()),
        active_days=sum(1 for count in counts.values() if count),
        start=start,
        end=today,
    )
