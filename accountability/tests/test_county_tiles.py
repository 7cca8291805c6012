"""The county tile map: one tile per county at its place, coloured by jobs, with a legend
in Persian digits; well-formed markup that the PDF and the page both draw."""

import xml.etree.ElementTree as ET

from core import charts
from programs.tiles import COUNTY_TILES, county_tiles


def test_every_county_once_and_an_unplaced_one_listed_not_dropped():
    tiles = county_tiles({"کرمان": 120, "رفسنجان": 40, "شهرستان تازه": 7})
    assert len([t for t in tiles if t["row"] is not None]) == len(COUNTY_TILES) == 23
    assert {"label": "شهرستان تازه", "row": None, "col": None, "value": 7} in tiles
    assert next(t for t in tiles if t["label"] == "بم")["value"] == 0
    positions = [(t["row"], t["col"]) for t in tiles if t["row"] is not None]
    assert len(positions) == len(set(positions))  # no two counties on one tile


def test_tile_map_markup():
    html = charts.county_tiles(county_tiles({"کرمان": 120, "رفسنجان": 40}), caption="شغل تازه")
    root = ET.fromstring(str(html))  # well-formed
    cells = root.findall(".//td[@class='kj-tile']")
    assert len(cells) == 23
    kerman = next(c for c in cells if c.find("span[@class='kj-tile-name']").text == "کرمان")
    assert kerman.find("span[@class='kj-tile-value']").text == "۱۲۰"
    assert kerman.find(".//{http://www.w3.org/2000/svg}rect").get("fill") == charts.TILE_FILLS[-1]
    bam = next(c for c in cells if c.find("span[@class='kj-tile-name']").text == "بم")
    assert bam.find(".//{http://www.w3.org/2000/svg}rect").get("fill") == charts.TILE_FILLS[0]
    legend = "".join(root.find("p").itertext())
    assert "۰" in legend and "۹۱ تا ۱۲۰" in legend
    assert "style=" not in str(html)  # the CSP forbids style attributes
