"""Where each of Kerman's counties sits on the tile map (core.charts.county_tiles): a rough
grid, one tile per county, north at the top and west on the left, with no map service or
geodata file. Keyed by the county's name as seeded (kerman_jobs seed_kerman); a county
not listed here is shown below the map with its figure, never dropped.
"""

from __future__ import annotations

# (row, column): row 0 is the north of the province, column 0 its west.
COUNTY_TILES: dict[str, tuple[int, int]] = {
    "انار": (0, 1),
    "کوهبنان": (0, 2),
    "راور": (0, 3),
    "شهربابک": (1, 0),
    "رفسنجان": (1, 1),
    "زرند": (1, 2),
    "کرمان": (1, 3),
    "سیرجان": (2, 0),
    "بردسیر": (2, 1),
    "رابر": (2, 2),
    "بم": (2, 3),
    "نرماشیر": (2, 4),
    "فهرج": (2, 5),
    "ارزوئیه": (3, 0),
    "بافت": (3, 1),
    "جیرفت": (3, 2),
    "عنبرآباد": (3, 3),
    "ریگان": (3, 4),
    "فاریاب": (4, 1),
    "کهنوج": (4, 2),
    "رودبار جنوب": (4, 3),
    "منوجان": (5, 2),
    "قلعه‌گنج": (5, 3),
}


def county_tiles(jobs_by_county: dict[str, int]) -> list[dict]:
    """Every county of the map with its jobs (0 where none), and after them any county
    with jobs that the map does not place (row None): [{"label", "row", "col", "value"}]."""
    tiles = [
        {"label": name, "row": row, "col": col, "value": jobs_by_county.get(name, 0)}
        for name, (row, col) in COUNTY_TILES.items()
    ]
    tiles += [
        {"label": name, "row": None, "col": None, "value": jobs}
        for name, jobs in sorted(jobs_by_county.items())
        if name not in COUNTY_TILES and jobs
    ]
    return tiles
