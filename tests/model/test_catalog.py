"""The metric catalog: the rollup default when a catalog CSV leaves it out (SPEC §4 ``metrics``)."""

import pytest

from analytics.model.catalog import default_rollup, read_catalog_csv

HEADER = "code,name_zh,name_en,category,dimension,unit,direction,min,max,aliases"


@pytest.mark.parametrize(
    ("unit", "rollup"),
    [
        ("%", "mean"), ("％", "mean"), ("‰", "mean"), ("分", "mean"), ("万元/人", "mean"), ("吨标准煤/万元", "mean"),
        ("次", "sum"), ("万元", "sum"), ("人", "sum"), ("小时", "sum"), ("", "sum"),
    ],
)  # fmt: skip
def test_default_rollup_by_unit_of_measure(unit, rollup):
    assert default_rollup(unit) == rollup


def test_csv_without_a_rollup_column_gets_the_default_and_a_given_rollup_wins():
    rows = [
        "a,甲,A,party,组织建设,‰,1,,,",
        "b,乙,B,production,效益效率,万元/人,1,,,",
        "c,丙,C,party,组织建设,次,1,,,",
        "d,丁,D,party,组织建设,分,1,0,100,",
    ]
    metrics = read_catalog_csv("\n".join([HEADER, *rows]))
    assert [m.rollup for m in metrics] == ["mean", "mean", "sum", "mean"]
    given = read_catalog_csv(f"{HEADER},rollup\na,甲,A,party,组织建设,次,1,,,,last\nb,乙,B,party,组织建设,次,1,,,,\n")
    assert [m.rollup for m in given] == ["last", "sum"]
