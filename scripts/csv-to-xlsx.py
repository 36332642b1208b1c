#!/usr/bin/env python3
"""csv-to-xlsx.py LEDGER.csv OUT.xlsx: the ledger as a workbook, for the .xlsx benchmark.

Streams (one row in memory): inline strings, as XlsxWriter's constant_memory mode writes them,
and every ISO date as a date cell (yyyy-mm-dd), as LibreOffice saves a CSV it opened. Standard
library only; the output is never committed (bench-data/ is git-ignored).
"""
import csv, datetime, re, sys, zipfile

src, dst = sys.argv[1], sys.argv[2]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EPOCH = datetime.date(1899, 12, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
               '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
               '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
    z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
    z.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
               '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
               '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out, open(src, encoding="utf-8-sig", newline="") as f:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1:A1"/><sheetData>'.encode())
        letters = [col(i) for i in range(256)]
        parts = []
        for r, record in enumerate(csv.reader(f), start=1):
            cells = []
            for i, v in enumerate(record):
                if not v:
                    continue
                ref = letters[i] + str(r)
                if r > 1 and ISO.match(v):
                    y, m, d = int(v[:4]), int(v[5:7]), int(v[8:10])
                    cells.append(f'<c r="{ref}" s="1"><v>{(datetime.date(y, m, d) - EPOCH).days}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc(v)}</t></is></c>')
            parts.append(f'<row r="{r}">{"".join(cells)}</row>')
            if len(parts) >= 2000:
                out.write("".join(parts).encode())
                parts = []
        out.write(("".join(parts) + "</sheetData></worksheet>").encode())
