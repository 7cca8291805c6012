"""Which builder makes which kind, and the one-way imports between the builder modules."""

import ast
from pathlib import Path

from reports.builders import kinds
from reports.models import Report

BUILDERS_DIR = Path(kinds.__file__).parent
KIND_MODULES = ("timetable", "pathology", "credits")


def builder_imports(module: str) -> set[str]:
    """The sibling modules of reports/builders that `module` imports."""
    tree = ast.parse((BUILDERS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "")
    return found


def test_every_report_kind_has_a_builder():
    assert set(kinds.BUILDERS) == set(Report.Kind)
    assert {k: b.__module__ for k, b in kinds.BUILDERS.items()} == {
        Report.Kind.COMMITMENT_TIMETABLE: "reports.builders.timetable",
        Report.Kind.PATHOLOGY: "reports.builders.pathology",
        Report.Kind.CREDITS: "reports.builders.credits",
    }


def test_imports_run_one_way_kinds_then_kind_modules_then_content():
    # content.py holds the types only; the kinds share common.py; only kinds.py imports them all
    assert builder_imports("content") == set()
    assert builder_imports("common") == {"content"}
    for module in KIND_MODULES:
        assert builder_imports(module) == {"common", "content"}, module
    assert builder_imports("kinds") == {"content", *KIND_MODULES}
