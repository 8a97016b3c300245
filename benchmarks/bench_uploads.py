"""How fast and how small a hostile upload is refused (issue 10: within 2 s and
100 MB whatever its content).

    SECRET_KEY=x .venv/bin/python benchmarks/bench_uploads.py

Builds each file in memory, then reads it in a fresh process with
`indicators.excel.read_table` (what the web upload calls, with its caps), and
prints wall time, the child's peak RSS, the file size and the answer. Files:
an .xlsx of 3.9 million one-cell rows (190 MB of XML), a shared-strings bomb,
a CSV of 1,000,000 rows, and the 2,000-row template-like file as a reference.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.environ["ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
import django; django.setup()
from indicators.excel import read_table
path = sys.argv[1]
data = open(path, "rb").read()
start = time.perf_counter()
table = read_table(data, os.path.basename(path))
elapsed = time.perf_counter() - start
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
answer = table.problems[0].message if table.problems else f"{len(table.rows)} dòng"
print(json.dumps({"s": round(elapsed, 2), "rss_mb": round(rss), "answer": answer[:90]}))
"""


def _xlsx(sheet_xml: bytes, shared: bytes = b"<sst/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        z.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def _sheet(rows: list[bytes] | bytes) -> bytes:
    body = rows if isinstance(rows, bytes) else b"".join(rows)
    return (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + body + b"</sheetData></worksheet>"
    )


def files() -> dict[str, tuple[str, bytes]]:
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>institution_code</t></is></c></row>'
    million = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(2, 3_900_000)
    )
    bomb = (
        b"<sst>"
        + b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>" * 3_000_000
        + b"</sst>"
    )
    csv = b"institution_code,user_visits\n" + b"".join(b"X%07d,1\n" % i for i in range(1_000_000))
    normal = b"institution_code,user_visits\n" + b"".join(b"X%05d,1\n" % i for i in range(2_000))
    return {
        "xlsx, 3,9 triệu dòng một ô": ("rows.xlsx", _xlsx(_sheet(header + million))),
        "xlsx, bom chuỗi dùng chung": ("bomb.xlsx", _xlsx(_sheet(header), bomb)),
        "csv, 1.000.000 dòng": ("rows.csv", csv),
        "csv, 2.000 dòng (tham chiếu)": ("normal.csv", normal),
    }


def main() -> None:
    env = {**os.environ, "ROOT": str(ROOT)}
    env.setdefault("SECRET_KEY", "bench-only")
    env.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/x.sqlite3")
    print("| tệp | kích thước | thời gian | RSS đỉnh | kết quả |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (name, content) in files().items():
            path = Path(tmp) / name
            path.write_bytes(content)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env
            )
            if out.returncode:
                print(out.stderr[-2000:], file=sys.stderr)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            size = f"{len(content) / 1024:,.0f} KB".replace(",", ".")
            print(f"| {label} | {size} | {r['s']} s | {r['rss_mb']} MB | {r['answer']} |")


if __name__ == "__main__":
    main()
