"""A rule's dry run over the stored values (SPEC §8, the 勾稽规则 page and ``rules --dry-run``): the import's own
check over every stored value of the rule's metrics in a range of months, counted by hand on tests.fixtures'
fill_group (branch j in month k: revenue 1000(j+1) + 10k, total_profit 100(j+1) + 5(k mod 4), vanguard_posts 3 + j).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.model.rules import RuleError, make_rule
from analytics.periods import to_index
from analytics.services import rules as service
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.rules import save_rules
from tests.fixtures import cli, fill_group

MARGIN = {"code": "M1", "left": "total_profit", "op": "<=", "right": "revenue * 0.1", "severity": "warning",
          "message_zh": "利润率不超过 10%", "message_en": "Margin at most 10%"}  # fmt: skip
# total_profit <= revenue/10  ⇔  100(j+1) + 5(k mod 4) <= 100(j+1) + k  ⇔  5(k mod 4) <= k: fails in 2025 (k = 0..11)
# at k = 1, 2, 3, 6, 7, 11 (5 > 1, 10 > 2, 15 > 3, 10 > 6, 15 > 7, 15 > 11; 5 <= 5, 10 <= 10, 5 <= 9 hold), whatever j
FAILING_2025 = ["2025-02", "2025-03", "2025-04", "2025-07", "2025-08", "2025-12"]
BRANCHES = ["B11", "B12", "B13", "B21", "B22"]  # j = 0, 1, 5, 2, 3


@pytest.fixture
def group(db: Path) -> Path:
    fill_group(db)  # 2025-01 … 2026-02; B22 and B13's heart_talks missing in 2026-02
    with connect(db) as con:
        save_rules(con, [make_rule(MARGIN, metric_ids(con))], "test")
    return db


def test_a_stored_rule_over_2025_flags_what_a_hand_count_finds(group):
    run = service.dry_run(group, "M1", to_index(2025, 1), to_index(2025, 12))
    assert (run.count, run.units, run.checked) == (30, 5, 60)  # 6 months × 5 branches; 12 × 5 checked
    assert sorted(set(run.flagged["period"])) == FAILING_2025
    assert run.flagged["unit"].tolist() == [u for u in sorted(BRANCHES) for _ in FAILING_2025]
    first = run.flagged.iloc[0]  # B11 (j = 0) in 2025-02 (k = 1): 100 + 5 against 100 + 1
    assert (first["unit"], first["name"], first["period"]) == ("B11", "检修分公司", "2025-02")
    assert (first["left"], first["right"], first["difference"]) == (105.0, 101.0, 4.0)
    assert run.sentence("zh") == "规则 M1：2025 年内会标出 30 个值（涉及 5 个单位）；共检查 60 个单位·月。"
    assert run.sentence("en") == "Rule M1 would have flagged 30 values in 2025 (5 units); 60 unit-months checked."


def test_months_and_units_narrow_the_run(group):
    # 2026-01 and 2026-02 are k = 12, 13: 5·0 <= 12 holds, 5·1 <= 13 holds; B22 has nothing in 2026-02
    clean = service.dry_run(group, "M1", to_index(2026, 1), to_index(2026, 2))
    assert (clean.count, clean.checked) == (0, 9)
    assert clean.sentence("en") == "Rule M1 would have flagged no value in 2026-01 to 2026-02; 9 unit-months checked."
    s1 = service.dry_run(group, "M1", to_index(2025, 2), to_index(2025, 2), units=["S1"])  # B11, B12, B13
    assert (s1.count, s1.units, s1.checked) == (3, 3, 3)
    assert s1.sentence("zh").startswith("规则 M1：2025-02 内会标出 3 个值")


def test_a_typed_rule_is_checked_but_not_saved(group):
    posts = service.typed_rule(group, {"code": "TRY", "left": "vanguard_posts", "op": ">=", "right": "5"})
    run = service.dry_run(group, posts, to_index(2025, 1), to_index(2025, 12))
    # vanguard_posts = 3 + j: B11 (3) and B12 (4) fail every month, B21 (5), B22 (6), B13 (8) hold
    assert (run.count, run.units, run.checked) == (24, 2, 60)
    assert [r.code for r in service.rule_list(group)] == ["M1"]
    with pytest.raises(RuleError) as bad:
        service.typed_rule(group, {"code": "X", "left": "revenue.real", "op": "<=", "right": "1"})
    assert bad.value.message("zh") == "规则的“左边”有误：not allowed in a rule: Attribute。"
    assert bad.value.message("en").startswith("The rule's Left: ")
    with pytest.raises(RuleError) as unknown:
        service.dry_run(group, "NOPE")
    assert unknown.value.message("en") == "No cross-check rule has the code NOPE (known: M1)."


def test_rules_dry_run_on_the_command_line(group):
    done = cli("rules", "--dry-run", "M1", "--from", "2025-01", "--to", "2025-06", "--json", db=group)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rule"], report["from"], report["to"]) == ("M1", "2025-01", "2025-06")
    assert (report["flagged"], report["units"], report["checked"]) == (15, 5, 30)  # k = 1, 2, 3 of 0..5; 5 × 6
    assert report["rows"][0] == {"unit": "B11", "period": "2025-02", "left": 105.0, "right": 101.0, "difference": 4.0}
    text = cli("rules", "--dry-run", "M1", "--from", "2025-02", "--to", "2025-02", "--units", "B11", db=group)
    assert text.stdout.splitlines()[1:] == ["unit,period,left,right,difference", "B11,2025-02,105.0,101.0,4.0"]
    missing = cli("rules", "--dry-run", "NOPE", db=group)
    assert missing.returncode == 1 and "NOPE" in missing.stderr
