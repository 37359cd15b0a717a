"""The findings scan kept beside the snapshot per data version (analytics.services.findings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.services.demo import create_demo
from analytics.services.findings import default_windows, findings_of, warm_findings
from analytics.stats.findings import scan, scanned_metrics
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.snapshot import load_snapshot


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("findings") / "demo.duckdb"
    create_demo(path)
    return path


def opened(db: Path):
    with connect(db, read_only=True) as con:
        return load_snapshot(con, db), load_catalog(con)


def files(snapshot) -> list[Path]:
    return sorted(snapshot.folder.glob("findings-*.json"))


def test_a_saved_scan_equals_the_scan_and_is_read_back(demo: Path) -> None:
    snapshot, catalog = opened(demo)
    rows, cols = scanned_metrics(snapshot.panel, catalog)
    for old in files(snapshot):
        old.unlink()
    first = findings_of(snapshot, rows, cols, level="within")
    assert first == scan(snapshot.panel, rows, cols, level="within")
    (saved,) = files(snapshot)
    assert saved.name.startswith(f"findings-{snapshot.token}-")
    saved.write_text(saved.read_text(encoding="utf-8").replace('"scanned": 2240', '"scanned": 7'), encoding="utf-8")
    assert findings_of(snapshot, rows, cols, level="within").scanned == 7  # read from the file, not recomputed
    findings_of(snapshot, rows, cols, level="within", from_="2026-01")  # other options: another file
    assert len(files(snapshot)) == 2
    saved.write_text("{not json", encoding="utf-8")
    assert findings_of(snapshot, rows, cols, level="within") == first  # a damaged file is recomputed


def test_the_app_warms_the_scans_its_pages_ask_for_first(demo: Path) -> None:
    snapshot, catalog = opened(demo)
    for old in files(snapshot):
        old.unlink()
    assert default_windows(snapshot.panel) == [("2025-11", "2026-10"), (None, None)]
    warm_findings(demo)
    assert len(files(snapshot)) == 2
    rows, cols = scanned_metrics(snapshot.panel, catalog)
    before = {p: p.stat().st_mtime_ns for p in files(snapshot)}
    for start, end in default_windows(snapshot.panel):  # what the correlation page asks for by default
        findings = findings_of(snapshot, rows, cols, from_=start, to=end).findings
        assert [(f.x, f.y, f.lag) for f in findings] == [("vanguard_posts", "quality_pass_rate", 2)]
    assert {p: p.stat().st_mtime_ns for p in files(snapshot)} == before  # read, not written again
