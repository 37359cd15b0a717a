"""The cross-checks' grammar (勾稽关系, SPEC §8): what a rule may say, what it may not (never evaluated as code),
the rules CSV's refusals by row and column, and ``=`` within a relative tolerance, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.model.rules import (
    BinOp,
    Headcount,
    MetricRef,
    Num,
    Operands,
    RuleError,
    SumChildren,
    check,
    holds,
    make_rule,
    metrics_of,
    parse_expression,
    read_rules_csv,
    show,
    write_rules_csv,
)

KNOWN = {"output_value", "revenue", "total_profit", "output_per_head"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("revenue", "revenue"),
        ("output_value / headcount", "(output_value / headcount)"),
        ("revenue - total_profit * 2", "(revenue - (total_profit * 2))"),
        ("(revenue - total_profit) * 2", "((revenue - total_profit) * 2)"),
        ("-revenue + 1.5", "(-(revenue) + 1.5)"),
        ("+revenue", "revenue"),
        ("sum_children(revenue)", "sum_children(revenue)"),
        ("output_value × 10000 ÷ headcount", "((output_value * 10000) / headcount)"),
        ("1e3 * revenue", "(1000 * revenue)"),
    ],
)
def test_accepted_expressions(text, shown):
    assert show(parse_expression(text, KNOWN)) == shown


def test_the_tree_is_data_not_code():
    tree = parse_expression("output_value / headcount + sum_children(revenue) - 2", KNOWN)
    assert tree == BinOp(
        "-",
        BinOp("+", BinOp("/", MetricRef("output_value"), Headcount()), SumChildren("revenue")),
        Num(2.0),
    )
    assert metrics_of(tree) == ["output_value"]  # sum_children's metric is the children's, not the unit's


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("__import__('os')", "only sum_children"),
        ("__import__('os').system('rm -rf /')", "only sum_children"),
        ("revenue.__class__", "Attribute"),
        ("().__class__.__bases__[0].__subclasses__()", "only sum_children"),
        ("(lambda: 1)()", "only sum_children"),
        ("lambda: revenue", "Lambda"),
        ("eval('1')", "only sum_children"),
        ("open('/etc/passwd')", "only sum_children"),
        ("sum(revenue)", "only sum_children"),
        ("sum_children(revenue, total_profit)", "one metric code"),
        ("sum_children(code=revenue)", "one metric code"),
        ("sum_children('revenue')", "one metric code"),
        ("sum_children(revenue + 1)", "one metric code"),
        ("sum_children(nothing)", "unknown metric"),
        ("revenue[0]", "Subscript"),
        ("~revenue", "Invert"),
        ("revenue.real", "Attribute"),
        ("revenue ** 2", "operator not allowed in a rule: Pow"),
        ("revenue // 2", "FloorDiv"),
        ("revenue % 2", "Mod"),
        ("revenue if total_profit else 0", "IfExp"),
        ("revenue < total_profit", "Compare"),
        ("not revenue", "Not"),
        ("[revenue]", "List"),
        ("'revenue'", "not a number"),
        ("True", "not a number"),
        ("1e999", "not a number"),
        ("f'{revenue}'", "JoinedStr"),
        ("(x := 1)", "NamedExpr"),
        ("revenue; import os", "not an expression"),
        ("import os", "not an expression"),
        ("营业收入", "unknown metric"),
        ("unknown_code * 2", "unknown metric"),
        ("", "empty"),
        ("revenue + " * 100 + "1", "longer than"),
    ],
)
def test_refused_expressions(text, why):
    with pytest.raises(ValueError, match=why):
        parse_expression(text, KNOWN)


def test_nesting_is_bounded():
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_expression("(" * 40 + "revenue" + ")" * 40 + " + -" * 40 + "1", KNOWN)


def test_a_rules_file_is_refused_at_its_row_and_column():
    header = "code,left,op,right,tolerance,severity,message_zh,message_en\n"
    good = "R1,output_per_head,=,output_value / headcount,0.01,error,人均产值不符,Output per head mismatch\n"
    assert [r.code for r in read_rules_csv(header + good, KNOWN)] == ["R1"]
    cases = [
        ("R2,revenue,>=,__import__('os'),,,,\n", "right"),
        ("R2,revenue.real,>=,0,,,,\n", "left"),
        ("R2,revenue,=>,0,,,,\n", "op"),
        ("R2,revenue,>=,0,abc,,,\n", "tolerance"),
        ("R2,revenue,>=,0,-0.1,,,\n", "tolerance"),
        ("R2,revenue,>=,0,,fatal,,\n", "severity"),
        ("R2,no_such_metric,>=,0,,,,\n", "left"),
        ("R2,headcount,>=,0,,,,\n", "left"),  # names no metric of the unit: no cell to report at
        (",revenue,>=,0,,,,\n", "code"),
    ]
    for row, column in cases:
        with pytest.raises(RuleError) as caught:
            read_rules_csv(header + good + row, KNOWN)
        assert caught.value.code == "rules.bad_row"
        assert (caught.value.fields["line"], caught.value.fields["column"]) == (3, column), row
        assert f"第 3 行“{column}”列" in caught.value.message("zh")
        assert f"line 3, column {column}" in caught.value.message("en")
    with pytest.raises(RuleError) as caught:
        read_rules_csv(header + good + good, KNOWN)
    assert caught.value.code == "rules.duplicate" and caught.value.fields["first"] == 2
    with pytest.raises(RuleError) as caught:
        read_rules_csv("code,left,right\nR1,revenue,0\n", KNOWN)
    assert caught.value.code == "rules.missing_columns" and "op" in caught.value.message("en")


def test_defaults_and_the_csv_round_trip():
    text = "\ufeffcode,left,op,right,tolerance,severity,message_zh,message_en\nR1,revenue,==,total_profit,1%,,,\n"
    [rule] = read_rules_csv(text, KNOWN)
    assert (rule.op, rule.tolerance, rule.severity, rule.message_zh, rule.message_en) == (
        "=",
        0.01,
        "error",
        "R1",
        "R1",
    )
    assert read_rules_csv(write_rules_csv([rule]), KNOWN) == [rule]


def operands(**columns: list[float]) -> Operands:
    arrays = {k: np.array(v, dtype=np.float64) for k, v in columns.items()}
    return Operands(lambda code: arrays[code], lambda code: arrays[f"children_{code}"], arrays["headcount"])


def test_equality_within_a_relative_tolerance_by_hand():
    # output_per_head = output_value / headcount within 1 %: right = 1000 / 10 = 100, so |left − 100| ≤ 1 holds
    rule = make_rule(
        {"code": "R", "left": "output_per_head", "op": "=", "right": "output_value / headcount", "tolerance": "0.01"},
        KNOWN,
    )
    got = operands(
        output_per_head=[100.0, 101.0, 101.01, 98.99, 99.0, np.nan, 100.0],
        output_value=[1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0],
        headcount=[10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 0.0],  # a zero headcount: nothing to check
    )
    outcome = check(rule, got, 7)
    assert outcome.checked.tolist() == [True, True, True, True, True, False, False]
    assert outcome.failed.tolist() == [False, False, True, True, False, False, False]


def test_tolerance_zero_is_exact_and_relative_to_the_right_side():
    assert holds(np.array([1.0, 1.0 + 1e-12]), "=", np.array([1.0, 1.0])).tolist() == [True, False]
    # relative to |right|: 5 % of 200 is 10, of -200 too
    left, right = np.array([210.0, 211.0, -190.0, -189.0]), np.array([200.0, 200.0, -200.0, -200.0])
    assert holds(left, "=", right, 0.05).tolist() == [True, False, True, False]
    assert holds(np.array([0.0, 1e-9]), "=", np.array([0.0, 0.0]), 0.5).tolist() == [True, False]


@pytest.mark.parametrize(
    ("op", "expected"), [("<=", [True, True, False]), (">=", [False, True, True]), ("<", [True, False, False]),
                         (">", [False, False, True])],
)  # fmt: skip
def test_inequalities(op, expected):
    assert holds(np.array([1.0, 2.0, 3.0]), op, np.array([2.0, 2.0, 2.0])).tolist() == expected


def test_sum_children_and_numbers_combine():
    rule = make_rule({"code": "S", "left": "revenue", "op": "=", "right": "sum_children(revenue) + 0"}, KNOWN)
    got = operands(revenue=[30.0, 31.0], children_revenue=[30.0, np.nan], headcount=[np.nan, np.nan])
    outcome = check(rule, got, 2)
    assert outcome.checked.tolist() == [True, False] and not outcome.failed.any()
