"""Writes the sample workbooks planners can try on the demo database (python data/samples/make_samples.py).

Each is a 2026-10 report of the demo group, as subsidiaries send them, re-stating the demo's own values with a
few corrections, so importing one into the demo shows a preview with "changed" and "unchanged" values:
- 2026-10_北方发电公司_月报.xlsx  the wide template layout (title, group header row, bilingual headers)
- 2026-10_南方电力公司_月报.csv   wide CSV in GB18030 (the encoding Chinese Excel writes) with a 月份 column
- 2026-10_北方第一发电厂_纵向月报.xls / .ods  a vertical form (本月数 / 本年累计 / 同比), written by LibreOffice
The .xls/.ods are converted by LibreOffice (soffice) when it is installed; the committed files were.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.model.catalog import Catalog, default_metrics
from analytics.services.demo import BRANCHES, simulate

HERE = Path(__file__).resolve().parent
CORRECTIONS = {"revenue": 1.02, "three_meetings_rate": None}  # revenue restated +2 %; the rate stays


def month_values() -> dict[str, dict[str, float]]:
    """The demo's 2026-10 values per branch, with the corrections applied."""
    values = simulate()
    out: dict[str, dict[str, float]] = {}
    for i, (code, _, _) in enumerate(BRANCHES):
        cells = {m: float(a[i, -1]) for m, a in values.items() if not np.isnan(a[i, -1])}
        if "revenue" in cells:
            cells["revenue"] = round(cells["revenue"] * CORRECTIONS["revenue"], 2)
        out[code] = cells
    return out


def wide_xlsx(path: Path, prefix: str, catalog: Catalog, values: dict) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "月报"
    sheet.append(["2026年10月 党建与生产经营月报（北方发电公司）"])
    sheet.append([None, None, None, "党建指标"])
    sheet.append(["序号", "单位编码", "单位名称", *(f"{m.name_zh}（{m.unit}）\n{m.name_en}" for m in catalog.metrics)])
    for k, (code, name, _) in enumerate(b for b in BRANCHES if b[0].startswith(prefix)):
        sheet.append([k + 1, code, name, *(values[code].get(m.code) for m in catalog.metrics)])
    book.save(path)


def wide_csv(path: Path, prefix: str, catalog: Catalog, values: dict) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["单位编码", "单位名称", "月份", *(f"{m.name_zh}（{m.unit}）" for m in catalog.metrics)])
    for code, name, _ in (b for b in BRANCHES if b[0].startswith(prefix)):
        cells = [values[code].get(m.code) for m in catalog.metrics]
        writer.writerow([code, name, "2026年10月", *("" if v is None else f"{v:,.2f}" for v in cells)])
    path.write_bytes(out.getvalue().encode("gb18030"))


def vertical_xlsx(path: Path, code: str, catalog: Catalog, values: dict) -> None:
    name = next(n for c, n, _ in BRANCHES if c == code)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = name
    sheet.append(["党建与生产经营月报表"])
    sheet.append([f"填报单位：{name}", None, "2026年10月"])
    sheet.append(["指标名称", "计量单位", "本月数", "本年累计", "上年同期", "同比"])
    for m in catalog.metrics:
        sheet.append([m.name_zh, m.unit, values[code].get(m.code, "-"), None, None, None])
    book.save(path)


def convert(source: Path, fmt: str, target: Path) -> None:
    if shutil.which("soffice") is None:
        print(f"soffice not installed: {target.name} not written")
        return
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", fmt, "--outdir", out, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.move(next(Path(out).iterdir()), target)


def main() -> None:
    catalog = Catalog(tuple(default_metrics()))
    values = month_values()
    wide_xlsx(HERE / "2026-10_北方发电公司_月报.xlsx", "BF", catalog, values)
    wide_csv(HERE / "2026-10_南方电力公司_月报.csv", "NF", catalog, values)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "vertical.xlsx"
        vertical_xlsx(source, "BF01", catalog, values)
        convert(source, "xls", HERE / "2026-10_北方第一发电厂_纵向月报.xls")
        convert(source, "ods", HERE / "2026-10_北方第一发电厂_纵向月报.ods")


if __name__ == "__main__":
    main()
