from datetime import date, timedelta

import pytest

from progress.calendar import activity_calendar, calendar_start, month_label

TODAY = date(2026, 11, 20)  # a Friday


def cells(grid):
    return [cell for _, row in grid.rows for cell in row if cell is not None]


def test_the_grid_has_a_row_per_weekday_and_a_column_per_week_ending_today():
    grid = activity_calendar([], today=TODAY, weeks=26)

    assert [name for name, _ in grid.rows] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert all(len(row) == 26 for _, row in grid.rows)
    assert grid.start == date(2026, 5, 25) and grid.start.weekday() == 0
    assert len(cells(grid)) == (TODAY - grid.start).days + 1
    assert max(cell.date for cell in cells(grid)) == TODAY


def test_the_busiest_day_is_darkest_and_quiet_days_are_blank():
    days = [
        {"date": TODAY - timedelta(days=n), "count": count} for n, count in ((0, 8), (1, 1), (2, 4))
    ]

    grid = activity_calendar(days, today=TODAY, weeks=2)

    shades = {cell.date: cell.level for cell in cells(grid)}
    assert shades[TODAY] == 4 and shades[TODAY - timedelta(days=1)] == 1
    assert shades[TODAY - timedelta(days=2)] == 2 and shades[TODAY - timedelta(days=3)] == 0
    assert (grid.total, grid.active_days) == (13, 3)


def test_on_a_quiet_calendar_a_single_activity_is_a_light_shade():
    grid = activity_calendar([{"date": TODAY, "count": 1}], today=TODAY, weeks=1)

    assert [cell.level for cell in cells(grid) if cell.count] == [1]


def test_days_outside_the_grid_are_ignored():
    days = [{"date": TODAY + timedelta(days=1), "count": 5}, {"date": date(2020, 1, 1), "count": 5}]

    grid = activity_calendar(days, today=TODAY, weeks=4)

    assert grid.total == 0


def test_columns_are_labelled_where_a_month_begins():
    grid = activity_calendar([], today=TODAY, weeks=26)

    labels = [label for label in grid.months if label]
    assert labels == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert month_label(date(2026, 6, 29)) == "Jul"


def test_a_calendar_needs_at_least_one_week():
    with pytest.raises(ValueError, match="at least one week"):
        calendar_start(TODAY, weeks=0)
