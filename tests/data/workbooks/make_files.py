"""Rebuild the committed test workbooks of ``tests/ingest/test_workbooks.py``.

Run from the repository root: ``.venv/bin/python tests/data/workbooks/make_files.py``.

1. openpyxl writes ``openpyxl_source.xlsx``: sheet 党建 with a leading empty row and
   column, a merged title (B2:H2), merged two-level headers from C3, percent formats,
   a hidden row (7), formulas (which openpyxl leaves without cached values), full-width
   digits as text, a date and a boolean; and a hidden sheet 说明.
2. LibreOffice (``soffice --headless --convert-to``) opens it and writes
   ``sample.xlsx``, ``sample.xls``, ``sample.ods`` and ``sample.csv`` (UTF-8), so those
   files are written by a real spreadsheet program and carry calculated formula values.
3. Derived files: ``utf8_bom.csv`` and ``gb18030.csv`` (the CSV re-encoded),
   ``formula_without_value.ods`` (LibreOffice's ods with H5's cached value removed, as
   a producer that never calculates would leave it), ``encrypted.xlsx`` (encrypted with
   msoffcrypto-tool, Excel's agile encryption: LibreOffice 7.4 cannot write it),
   ``encrypted.xls`` and ``encrypted.ods`` (saved with a password by LibreOffice
   through UNO, which needs the system ``python3`` with the ``uno`` module).

Needs: openpyxl, msoffcrypto-tool (dev only), LibreOffice, /usr/bin/python3 with uno.
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "secret"
UNO_PYTHON = "/usr/bin/python3"
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8, from row 1


def write_source(path: Path) -> None:
    """The openpyxl workbook every other file is converted from."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "党建"
    sheet["B2"] = "2026年10月党建工作月报"
    sheet.merge_cells("B2:H2")
    for ref, text, merge in [
        ("C3", "单位编码", "C3:C4"),
        ("D3", "单位名称", "D3:D4"),
        ("E3", "党建指标", "E3:F3"),
        ("G3", "经营指标", "G3:H3"),
    ]:
        sheet[ref] = text
        sheet.merge_cells(merge)
    for col, text in zip("EFGH", ["党员人数", "党员发展率", "营业收入（万元）", "利润总额（万元）"], strict=True):
        sheet[f"{col}4"] = text
    data = [
        ("U001", "一分公司", 120, 0.95, 1234.5, "=G5*0.1"),
        ("U002", "二分公司", "１２３", 0.5, 2000, "=G6/0"),
        ("U003", "三分公司", 80, 0.875, 3000.25, "=G7-1000"),
    ]
    for row, values in enumerate(data, start=5):
        for col, value in zip("CDEFGH", values, strict=True):
            sheet[f"{col}{row}"] = value
        sheet[f"F{row}"].number_format = "0%" if row == 6 else "0.00%"
    sheet.row_dimensions[7].hidden = True
    sheet["C8"] = "合计"
    sheet["E8"] = "=SUM(E5:E7)"
    sheet["F8"] = "=AVERAGE(F5:F7)"
    sheet["F8"].number_format = "0.0%"
    sheet["G8"] = "=SUM(G5:G7)"
    sheet["C9"] = "填报日期"
    sheet["D9"] = datetime.date(2026, 10, 31)
    sheet["D9"].number_format = "yyyy-mm-dd"
    sheet["E9"] = True
    sheet["G9"] = 0.25
    sheet["G9"].number_format = '0.00"%"'  # a literal % sign: not a percentage format
    notes = book.create_sheet("说明")
    notes["A1"] = "填表说明"
    notes.sheet_state = "hidden"
    book.save(path)


def convert(source: Path, target_filter: str, out_dir: Path, profile: Path) -> Path:
    """Let LibreOffice open ``source`` and save it with ``target_filter``."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_filter,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    extension = target_filter.split(":", 1)[0]
    return out_dir / f"{source.stem}.{extension}"


def drop_cached_value(ods: bytes, cell_formula: bytes) -> bytes:
    """The ods with the cached result of the cell whose formula is ``cell_formula`` removed."""
    source = zipfile.ZipFile(io.BytesIO(ods))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                start = data.index(b'table:formula="' + cell_formula + b'"')
                end = data.index(b"</table:table-cell>", start)
                cell = data[start:end]
                bare = b'table:formula="' + cell_formula + b'">'
                assert b"office:value=" in cell
                data = data[:start] + bare + data[end:]
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compress_type=compress)
    return out.getvalue()


def encrypt_ooxml(plain: bytes) -> bytes:
    """Excel-style (agile) password encryption of an xlsx."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(PASSWORD, out)
    return out.getvalue()


UNO_SCRIPT = r"""
import os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

source, profile, pipe = sys.argv[1], sys.argv[2], sys.argv[3]
jobs = list(zip(sys.argv[4::2], sys.argv[5::2]))  # (target path, filter name)
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                           "-env:UserInstallation=" + profile, "--accept=pipe,name=%s;urp;" % pipe])
context = uno.getComponentContext()
resolver = context.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", context)
for _ in range(120):
    try:
        remote = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.5)
desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
for target, filter_name in jobs:
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", filter_name), prop("Password", "secret")))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=60)
"""


def save_with_password(source: Path, jobs: list[tuple[Path, str]], profile: Path) -> None:
    """Let LibreOffice save ``source`` with a password, through UNO in the system python."""
    args = [str(source), profile.as_uri(), f"wbx{source.stat().st_ino}"]
    for target, filter_name in jobs:
        args += [str(target), filter_name]
    subprocess.run([UNO_PYTHON, "-c", UNO_SCRIPT, *args], check=True, capture_output=True, timeout=300)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work, profile = Path(tmp), Path(tmp) / "profile"
        source = work / "sample.xlsx"
        write_source(source)
        shutil.copy(source, HERE / "openpyxl_source.xlsx")
        out = work / "out"
        for target_filter in ("xlsx", "xls", "ods", CSV_FILTER):
            written = convert(source, target_filter, out, profile)
            shutil.copy(written, HERE / written.name)
        text = (HERE / "sample.csv").read_bytes().decode("utf-8")
        (HERE / "sample.csv").rename(HERE / "utf8.csv")
        (HERE / "utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
        (HERE / "gb18030.csv").write_bytes(text.encode("gb18030"))
        ods = (HERE / "sample.ods").read_bytes()
        (HERE / "formula_without_value.ods").write_bytes(drop_cached_value(ods, b"of:=[.G5]*0.1"))
        (HERE / "encrypted.xlsx").write_bytes(encrypt_ooxml((HERE / "sample.xlsx").read_bytes()))
        save_with_password(
            HERE / "sample.xlsx",
            [(HERE / "encrypted.xls", "MS Excel 97"), (HERE / "encrypted.ods", "calc8")],
            profile,
        )
    for path in sorted(HERE.iterdir()):
        if path.suffix != ".py":
            print(f"{path.name:32s} {path.stat().st_size:>8,d} bytes")


if __name__ == "__main__":
    sys.exit(main())
