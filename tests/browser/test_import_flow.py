"""End to end in headless Chromium: upload a workbook, commit it, see it in the completeness view."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import WIDE, xlsx

SHOTS = Path(__file__).resolve().parents[2] / "benchmarks" / "out" / "screens"


def test_upload_commit_and_see_it_reported(server, page, tmp_path):
    workbook = tmp_path / "2026年10月月报.xlsx"
    workbook.write_bytes(xlsx(WIDE))
    page.goto(f"{server.url}/import")
    page.get_by_text("上传月报").first.wait_for()
    page.locator("input[type=file]").first.set_input_files(str(workbook))
    page.get_by_text("2026年10月月报.xlsx").first.wait_for()
    page.get_by_role("button", name="校验并预览").click()
    page.get_by_text("新增 4").first.wait_for()
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("已提交为批次 1").first.wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import_committed.png"), full_page=True)
    page.goto(f"{server.url}/completeness")
    page.get_by_text("各单位填报情况").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("2026-10 未报齐的单位").first.wait_for()
    page.screenshot(path=str(SHOTS / "completeness.png"), full_page=True)
    body = page.locator("body").inner_text()
    assert "B21" in body and "B22" in body  # the two units that did not report
