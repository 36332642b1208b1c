#!/usr/bin/env python3
"""Makes the .xlsx test fixtures beside this file, each with a real producer.

    python3 -m venv /tmp/xlsxvenv && /tmp/xlsxvenv/bin/pip install openpyxl XlsxWriter msoffcrypto-tool
    /tmp/xlsxvenv/bin/python Tests/EndToEndTests/Fixtures/xlsx/make_fixtures.py   # needs soffice on PATH

The fixtures are committed (a few KB each); run this only to remake them. The README beside
this file says what each one is and which producer wrote it.
"""
import datetime, os, shutil, subprocess, sys, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
TMP = tempfile.mkdtemp(prefix="govrules-xlsx-")


def soffice(src, fmt, infilter=None):
    """Converts src with LibreOffice; returns the converted file's path (in TMP)."""
    cmd = ["soffice", "--headless", f"-env:UserInstallation=file://{TMP}/profile"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", fmt, "--outdir", TMP, src]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = os.path.join(TMP, os.path.splitext(os.path.basename(src))[0] + "." + fmt.split(":")[0])
    assert os.path.exists(out), out
    return out


def put(path, name):
    shutil.copyfile(path, os.path.join(HERE, name))


# requestsTwin.xlsx: examples/requests.csv opened in LibreOffice Calc (UTF-8, comma) and saved
# as .xlsx. Calc turns the ISO date strings into date cells (format YYYY-MM-DD).
src = os.path.join(TMP, "requestsTwin.csv")
shutil.copyfile(os.path.join(ROOT, "examples", "requests.csv"), src)
put(soffice(src, "xlsx", "CSV:44,34,76,1"), "requestsTwin.xlsx")
put(src, "requestsTwin.csv")   # the twin, kept beside it (examples/requests.csv moves on)

# ruleTestsTable.xlsx, appealsTwin.xlsx, proactiveTwin.xlsx: rules/tests/decisions.csv,
# examples/appeals.csv and examples/proactive-2024.csv saved as .xlsx by LibreOffice the same way.
for name, origin in [("ruleTestsTable", "rules/tests/decisions.csv"), ("appealsTwin", "examples/appeals.csv"),
                     ("proactiveTwin", "examples/proactive-2024.csv")]:
    src = os.path.join(TMP, name + ".csv")
    shutil.copyfile(os.path.join(ROOT, origin), src)
    put(soffice(src, "xlsx", "CSV:44,34,76,1"), name + ".xlsx")

# libreOfficeMixedDates.xlsx: a flat ODS spreadsheet saved as .xlsx by LibreOffice. The 收到日期
# column mixes real date cells (two date formats) with dates typed as text, as clerks do; a
# merged header cell spans the 备注 columns.
LEDGER = [
    # id, received (kind, value), applicant type, subject, replied, remark
    ("LO-1", ("date", "2024-03-04"), "自然人", "2023年县级财政决算", ("date", "2024-03-20"), "日期单元格"),
    ("LO-2", ("text", "2024/3/11"), "商业企业", "城南地块出让合同", ("text", "2024年4月2日"), "文本日期"),
    ("LO-3", ("date-cn", "2024-04-15"), "自然人", "县人民防空工程总体规划", ("date-cn", "2024-05-09"), "中文日期格式"),
    ("LO-4", ("text", "2024年5月6日"), "科研机构", "全县地下水监测数据", ("date", "2024-05-31"), "混合"),
    ("LO-5", ("date", "2024-06-03"), "其他", "县政府常务会议纪要", ("text", ""), "未办结"),
]
HEADER = ["申请编号", "收到日期", "申请人类型", "申请内容", "办结日期", "备注", ""]


def fods_cell(kind, value):
    if kind == "text":
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>' if value else "<table:table-cell/>"
    style = "cn" if kind == "date-cn" else "iso"
    y, m, d = value.split("-")
    shown = f"{int(y)}年{int(m)}月{int(d)}日" if kind == "date-cn" else value
    return f'<table:table-cell table:style-name="{style}" office:value-type="date" office:date-value="{value}"><text:p>{shown}</text:p></table:table-cell>'


def s(v):
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


rows = ['<table:table-row>' + "".join(s(h) for h in HEADER[:5])
        + '<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>备注</text:p></table:table-cell><table:covered-table-cell/>'
        + '</table:table-row>']
for i, (ident, rec, kind, subject, rep, remark) in enumerate(LEDGER):
    rows.append("<table:table-row>" + s(ident) + fods_cell(*rec) + s(kind) + s(subject) + fods_cell(*rep) + s(remark)
                + s(f"第{i + 1}件") + "</table:table-row>")
FODS = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:date-style style:name="Niso"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
  <number:date-style style:name="Ncn"><number:year number:style="long"/><number:text>年</number:text><number:month/><number:text>月</number:text><number:day/><number:text>日</number:text></number:date-style>
  <style:style style:name="iso" style:family="table-cell" style:data-style-name="Niso"/>
  <style:style style:name="cn" style:family="table-cell" style:data-style-name="Ncn"/>
 </office:automatic-styles>
 <office:body><office:spreadsheet><table:table table:name="申请登记台账">
 {"".join(rows)}
 </table:table></office:spreadsheet></office:body></office:document>
"""
src = os.path.join(TMP, "libreOfficeMixedDates.fods")
open(src, "w", encoding="utf-8").write(FODS)
put(soffice(src, "xlsx"), "libreOfficeMixedDates.xlsx")
# Its CSV twin: the same ledger as a clerk would type it into a CSV.
with open(os.path.join(HERE, "libreOfficeMixedDates.csv"), "w", encoding="utf-8") as f:
    f.write("申请编号,收到日期,申请人类型,申请内容,办结日期,备注,\n")
    for i, (ident, rec, kind, subject, rep, remark) in enumerate(LEDGER):
        f.write(",".join([ident, rec[1], kind, subject, rep[1], remark, f"第{i + 1}件"]) + "\n")

import openpyxl  # noqa: E402
import xlsxwriter  # noqa: E402

# xlsxWriter1904.xlsx: XlsxWriter in constant_memory mode (rows streamed, strings written inline),
# the 1904 date system, date cells in two formats, a formula column whose cached results are
# strings (申请编号), booleans.
wb = xlsxwriter.Workbook(os.path.join(HERE, "xlsxWriter1904.xlsx"), {"constant_memory": True, "date_1904": True})
ws = wb.add_worksheet("台账")
iso = wb.add_format({"num_format": "yyyy-mm-dd"})
cn = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
ws.write_row(0, 0, ["申请编号", "收到日期", "申请人类型", "申请内容", "已主动公开", "办结日期", "备注"])
XW = [
    (1, datetime.date(2024, 3, 4), "自然人", "2023年县级财政决算", True, datetime.date(2024, 3, 20), "1904日期"),
    (2, datetime.date(2024, 3, 11), "商业企业", "城南地块出让合同", False, datetime.date(2024, 4, 2), ""),
    (3, datetime.date(2024, 12, 31), "法律服务机构", "行政处罚决定书", False, None, "未办结"),
]
for r, (n, rec, kind, subject, public, rep, remark) in enumerate(XW, start=1):
    ws.write_formula(r, 0, f'=CONCATENATE("XW-","{n}")', None, f"XW-{n}")
    ws.write_datetime(r, 1, datetime.datetime.combine(rec, datetime.time()), iso if r % 2 else cn)
    ws.write_string(r, 2, kind)
    ws.write_string(r, 3, subject)
    ws.write_boolean(r, 4, public)
    if rep:
        ws.write_datetime(r, 5, datetime.datetime.combine(rep, datetime.time()), iso)
    if remark:
        ws.write_string(r, 6, remark)
wb.close()
with open(os.path.join(HERE, "xlsxWriter1904.csv"), "w", encoding="utf-8") as f:
    f.write("申请编号,收到日期,申请人类型,申请内容,已主动公开,办结日期,备注\n")
    for n, rec, kind, subject, public, rep, remark in XW:
        f.write(",".join([f"XW-{n}", rec.isoformat(), kind, subject, "TRUE" if public else "FALSE",
                          rep.isoformat() if rep else "", remark]) + "\n")

# formulaNoCachedValue.xlsx: openpyxl writes formulas without a cached result (it cannot
# calculate); 收到日期 of row 3 is such a formula.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["申请编号", "收到日期", "申请人类型", "申请内容"])
ws.append(["F-1", "2024-03-04", "自然人", "财政决算"])
ws.append(["F-2", "=DATE(2024,3,11)", "自然人", "出让合同"])
wb.save(os.path.join(HERE, "formulaNoCachedValue.xlsx"))

# noHeader.xlsx: openpyxl, data rows only (the header row was deleted).
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["N-1", datetime.date(2024, 3, 4), "自然人", "财政决算"])
ws.append(["N-2", datetime.date(2024, 3, 11), "自然人", "出让合同"])
wb.save(os.path.join(HERE, "noHeader.xlsx"))

# cellErrorValue.xlsx: openpyxl writes the text "#N/A" as an error cell (t="e"), as Excel saves
# a lookup that found nothing; 收到日期 of row 3 holds it.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["申请编号", "收到日期", "申请人类型", "申请内容", "备注"])
ws.append(["E-1", datetime.date(2024, 3, 4), "自然人", "财政决算", "#N/A"])
ws.append(["E-2", "#N/A", "自然人", "出让合同", ""])
wb.save(os.path.join(HERE, "cellErrorValue.xlsx"))

# oldFormat.xls: the requests twin saved by LibreOffice as Excel 97-2003.
put(soffice(os.path.join(HERE, "requestsTwin.xlsx"), "xls"), "oldFormat.xls")

# encryptedWorkbook.xlsx: the requests twin with an open password (msoffcrypto-tool, the
# ECMA-376 agile encryption Excel uses).
subprocess.run([os.path.join(os.path.dirname(sys.executable), "msoffcrypto-tool"), "-e", "-p", "口令123",
                os.path.join(HERE, "requestsTwin.xlsx"), os.path.join(HERE, "encryptedWorkbook.xlsx")], check=True)

# corruptZip.xlsx: the requests twin cut off after its first 6000 bytes (a broken download).
data = open(os.path.join(HERE, "requestsTwin.xlsx"), "rb").read()
open(os.path.join(HERE, "corruptZip.xlsx"), "wb").write(data[:6000])

# zipBomb.xlsx: a valid package whose sheet inflates from ~16 KB to 16 MiB (ratio ~1000:1,
# past the 400:1 bound checked once 8 MiB are inflated).
with zipfile.ZipFile(os.path.join(HERE, "requestsTwin.xlsx")) as z, \
        zipfile.ZipFile(os.path.join(HERE, "zipBomb.xlsx"), "w", zipfile.ZIP_DEFLATED) as out:
    for info in z.infolist():
        body = z.read(info.filename)
        if info.filename == "xl/worksheets/sheet1.xml":
            body = body.replace(b"<sheetData>", b"<sheetData>" + b" " * (16 << 20), 1)
        out.writestr(info.filename, body, compresslevel=9)

shutil.rmtree(TMP)
print("fixtures written to", HERE)
