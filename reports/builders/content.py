"""The shape of a report's content, shared by every report kind and by both writers.

A kind's builder (timetable.py, pathology.py, credits.py; kinds.build_content picks one)
fills a ReportContent; pdf.py and excel.py lay the same numbers out. This module holds
only the types, so the kinds and the writers import it and it imports none of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

TEXT, INT, MONEY, PERCENT, DATE = "text", "int", "money", "percent", "date"


@dataclass
class Column:
    label: str
    kind: str = TEXT  # text | int | money (rials) | percent (0–100) | date (Gregorian date, shown Jalali)
    width: int = 14  # Excel column width in characters


@dataclass
class Table:
    sheet: str  # Excel sheet name: ≤ 31 characters, unique in the report
    title: str
    columns: list[Column]
    rows: Iterable[list]  # a list, or re-iterable rows streamed from the database
    in_pdf: bool = True  # the registry listing is too long for paper; Excel only
    note: str = ""


@dataclass
class Fact:
    key: str
    label: str
    value: object
    kind: str = INT


@dataclass
class Section:
    title: str
    charts: list[SafeString] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    intro: str = ""


@dataclass
class ReportContent:
    kind: str
    title: str
    scope_label: str
    today: datetime.date
    due_on: datetime.date | None
    is_draft: bool
    facts: list[Fact]
    sections: list[Section]
    # What a final deadline report freezes besides its facts (reports.services.snapshot_take):
    # the per-commitment and per-county figures it printed, filled by the kinds that print them.
    snapshot: dict = field(default_factory=dict)

    def fact(self, key: str) -> Fact:
        return next(f for f in self.facts if f.key == key)

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
