"""The worst import files of the attack run (issue «hardening»), built at full size for
`make bench --only hostile`: each is imported through the web page in a process of its own,
and its time, peak memory, answer size and rows written are recorded beside the limits in
registry/import_files.py that should hold it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import xlsxwriter

HEADER = ["کد پیگیری", "تعهد", "شهرستان", "رسته", "تاریخ شروع", "تعداد شغل", "مبلغ تسهیلات (ریال)"]
# The answer page must stay small whatever the file: the errors listed are capped.
PAGE_LIMIT_BYTES = 1024 * 1024


def repeated_rows_xlsx(path: Path, commitment_id: int, rows: int = 300_000) -> None:
    """One valid row repeated: shared strings make 300,000 rows a file of a few hundred KB
    (the attack's 277 KB file took 54 s and answered with an 88 MB page)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    row = ["DUP-1", commitment_id, "کرمان", "صنایع دستی", "1404/01/10", 1, "0"]
    for i in range(1, rows + 1):
        sheet.write_row(i, 0, row)
    workbook.close()


def bad_rows_csv(path: Path, limit_bytes: int) -> None:
    """Rows that are each wrong in several columns, as many as fit just under the upload
    limit (the attack's 12.7 MB file used 2.7 GB and answered with a 448 MB page)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        i = 0
        while fh.tell() < limit_bytes - 200:
            fh.write(f"BAD-{i:08d},99999999,شهرستان ناشناخته {i},رسته ناشناخته,1900/13/40,-5,مبلغ نادرست {i}\n")
            i += 1


def blank_rows_xlsx(path: Path, rows: int = 1_000_000) -> None:
    """A header and then a million formatted blank rows (the attack's 420 KB file took 92 s
    of CPU before it was refused)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    shade = workbook.add_format({"bg_color": "#FFFFCC"})
    sheet.write_row(0, 0, HEADER)
    for i in range(1, rows + 1):
        sheet.write_blank(i, 0, None, shade)
    workbook.close()


def unpacking_bomb_xlsx(path: Path, unpacked_mb: int = 400) -> None:
    """A real workbook whose sheet unpacks to hundreds of MB from a file of well under one."""
    small = io.BytesIO()
    workbook = xlsxwriter.Workbook(small)
    workbook.add_worksheet().write_row(0, 0, HEADER)
    workbook.close()
    chunk = ("<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 50 + "</row>").encode() * 1000
    with zipfile.ZipFile(io.BytesIO(small.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in src.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                out.writestr(member, src.read(member))
                continue
            head, _, tail = src.read(member).decode().partition("</sheetData>")
            with out.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(head.encode())
                written = 0
                while written < unpacked_mb * 1024 * 1024:
                    sheet.write(chunk)
                    written += len(chunk)
                sheet.write(("</sheetData>" + tail).encode())


# What the page posting process runs: the staff user's import, through the page itself.
POST_CODE = """
import json
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from registry.models import HomeBusiness
path = Path({path!r})
before = HomeBusiness.objects.count()
client = Client()
client.force_login(get_user_model().objects.get(username={username!r}))
upload = SimpleUploadedFile(path.name, path.read_bytes())
response = client.post(reverse("registry:import"), {{"file": upload}})
body = response.content
print("__result=" + json.dumps({{"status": response.status_code, "page_bytes": len(body),
    "written": HomeBusiness.objects.count() - before}}))
"""
