"""Cross-checks (勾稽关系, SPEC §8) as records: a rule's grammar, the rules CSV, and the vectorised check.

A rule compares two expressions, ``left op right``, over the values of one unit and month. An expression is
arithmetic (``+ - * /``, unary minus, parentheses) over metric codes, numbers, ``headcount`` (the unit's 职工人数)
and ``sum_children(CODE)`` (the sum of that metric over the unit's child units). It is parsed by Python's ``ast``
under a strict whitelist of node types into a small tree of its own (:data:`Expr`) and is NEVER evaluated as code:
a name is a metric or ``headcount``, the one call is ``sum_children`` with one metric code, and every other node
(attributes, subscripts, other calls, lambdas, comparisons, strings, …) refuses the rule.

``=`` holds when ``|left − right| ≤ tolerance·|right|`` (relative tolerance, default 0: exact); ``<= >= < >``
compare as written. A unit and month is checked only where every operand is present and both sides are finite
(a division by zero leaves nothing to check).
"""

from __future__ import annotations

import ast
import csv
import io
import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import numpy as np

from analytics.errors import AnalyticsError

RULE_COLUMNS = ("code", "left", "op", "right", "tolerance", "severity", "message_zh", "message_en")
OPS = ("<=", ">=", "<", ">", "=")
SEVERITIES = ("error", "warning")
HEADCOUNT = "headcount"
SUM_CHILDREN = "sum_children"
MAX_EXPRESSION = 500  # characters: a rule is a line of a CSV, not a program
MAX_DEPTH = 30  # nesting of the parsed tree (parentheses, operators)


class RuleError(AnalyticsError, ValueError):
    """A rule or rules file refused (code ``rules.*``): the row (``line``) and ``column`` it names; nothing changed."""

    code = "rules"


# --- the expression tree --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class MetricRef:
    code: str


@dataclass(frozen=True)
class Headcount:
    pass


@dataclass(frozen=True)
class SumChildren:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr


Expr = Num | MetricRef | Headcount | SumChildren | Neg | BinOp

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def parse_expression(text: str, known: Collection[str]) -> Expr:
    """The tree of one side of a rule; ``known``: the metric codes it may name. Raises ValueError saying what is
    wrong (the caller adds the row and column)."""
    source = (text or "").strip().replace("×", "*").replace("÷", "/").replace("−", "-")
    if not source:
        raise ValueError("empty expression")
    if len(source) > MAX_EXPRESSION:
        raise ValueError(f"longer than {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"not an expression ({getattr(exc, 'msg', exc)})") from None
    return _convert(tree.body, known, 0)


def _convert(node: ast.AST, known: Collection[str], depth: int) -> Expr:
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"not a number: {value!r}")
        return Num(float(value))
    if isinstance(node, ast.Name):
        if node.id == HEADCOUNT:
            return Headcount()
        return MetricRef(_metric(node.id, known))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _convert(node.operand, known, depth + 1)
        return Neg(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _convert(node.left, known, depth + 1), _convert(node.right, known, depth + 1)
        return BinOp(_BINOPS[type(node.op)], left, right)
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id == SUM_CHILDREN):
            raise ValueError(f"only {SUM_CHILDREN}(CODE) may be called")
        if node.keywords or len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise ValueError(f"{SUM_CHILDREN} takes one metric code")
        return SumChildren(_metric(node.args[0].id, known))
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        raise ValueError(f"operator not allowed in a rule: {type(node.op).__name__}")
    raise ValueError(f"not allowed in a rule: {type(node).__name__}")


def _metric(code: str, known: Collection[str]) -> str:
    if code not in known:
        raise ValueError(f"unknown metric {code!r}")
    return code


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, left to right (depth first)."""
    yield expr
    if isinstance(expr, Neg):
        yield from walk(expr.operand)
    elif isinstance(expr, BinOp):
        yield from walk(expr.left)
        yield from walk(expr.right)


def metrics_of(expr: Expr) -> list[str]:
    """The metric codes ``expr`` names directly (not inside ``sum_children``), left to right, each once."""
    return list(dict.fromkeys(n.code for n in walk(expr) if isinstance(n, MetricRef)))


def children_metrics_of(expr: Expr) -> list[str]:
    """The metric codes ``expr`` sums over child units, each once."""
    return list(dict.fromkeys(n.code for n in walk(expr) if isinstance(n, SumChildren)))


def uses_headcount(expr: Expr) -> bool:
    return any(isinstance(n, Headcount) for n in walk(expr))


def show(expr: Expr) -> str:
    """The expression written back (fully parenthesised where it matters)."""
    if isinstance(expr, Num):
        return f"{expr.value:g}"
    if isinstance(expr, MetricRef):
        return expr.code
    if isinstance(expr, Headcount):
        return HEADCOUNT
    if isinstance(expr, SumChildren):
        return f"{SUM_CHILDREN}({expr.code})"
    if isinstance(expr, Neg):
        return f"-({show(expr.operand)})"
    return f"({show(expr.left)} {expr.op} {show(expr.right)})"


# --- a rule ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One cross-check as stored (its texts) with both sides parsed."""

    code: str
    left: str
    op: str
    right: str
    tolerance: float
    severity: str
    message_zh: str
    message_en: str
    left_expr: Expr
    right_expr: Expr

    @property
    def metrics(self) -> list[str]:
        """Every metric the rule reads for the unit itself, left side first."""
        return list(dict.fromkeys([*metrics_of(self.left_expr), *metrics_of(self.right_expr)]))

    @property
    def children_metrics(self) -> list[str]:
        return list(dict.fromkeys([*children_metrics_of(self.left_expr), *children_metrics_of(self.right_expr)]))

    @property
    def uses_headcount(self) -> bool:
        return uses_headcount(self.left_expr) or uses_headcount(self.right_expr)

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def row(self) -> dict[str, object]:
        return {column: getattr(self, column) for column in RULE_COLUMNS}


def make_rule(row: dict[str, object], known: Collection[str], line: int = 0) -> Rule:
    """A rule from a CSV row (or a stored one); raises RuleError naming ``line`` and the column at fault."""

    def text(column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value).strip()

    code = text("code")
    if not code:
        raise RuleError("rules.bad_row", line=line, column="code", error="empty")
    sides: list[Expr] = []
    for column in ("left", "right"):
        try:
            sides.append(parse_expression(text(column), known))
        except ValueError as exc:
            raise RuleError("rules.bad_row", line=line, column=column, error=str(exc)) from None
    op = text("op")
    if op == "==":
        op = "="
    if op not in OPS:
        raise RuleError("rules.bad_row", line=line, column="op", error=f"{op!r} is not one of {' '.join(OPS)}")
    tolerance = _tolerance(text("tolerance"), line)
    severity = text("severity").lower() or "error"
    if severity not in SEVERITIES:
        raise RuleError("rules.bad_row", line=line, column="severity", error=f"{severity!r}: error or warning")
    message_zh, message_en = text("message_zh"), text("message_en")
    message_zh, message_en = message_zh or message_en or code, message_en or message_zh or code
    left, right = sides
    if not metrics_of(left) and not metrics_of(right):  # a rule is checked at the cell of a metric of the unit
        raise RuleError("rules.bad_row", line=line, column="left", error="names no metric of the unit")
    return Rule(code, text("left"), op, text("right"), tolerance, severity, message_zh, message_en, left, right)


def _tolerance(text: str, line: int) -> float:
    if not text:
        return 0.0
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise RuleError("rules.bad_row", line=line, column="tolerance", error=f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise RuleError("rules.bad_row", line=line, column="tolerance", error=f"{text!r}: a number ≥ 0")
    return value


def read_rules_csv(text: str, known: Collection[str]) -> list[Rule]:
    """The rules of a CSV (columns :data:`RULE_COLUMNS`; ``tolerance``, ``severity`` and the messages may be left
    empty). Raises RuleError naming the first row at fault (line numbers as a spreadsheet shows them, the header
    being line 1) and its column; a code given twice is refused."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "left", "op", "right") if c not in header]
    if missing:
        raise RuleError("rules.missing_columns", columns=", ".join(missing))
    reader.fieldnames = header
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rule = make_rule(row, known, line)
        if rule.code in seen:
            raise RuleError("rules.duplicate", line=line, code=rule.code, first=seen[rule.code])
        seen[rule.code] = line
        rules.append(rule)
    return rules


def write_rules_csv(rules: list[Rule]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(RULE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for rule in rules:
        writer.writerow({**rule.row(), "tolerance": f"{rule.tolerance:g}"})
    return out.getvalue()


# --- the vectorised check -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operands:
    """The values a check reads, one array entry per unit and month: ``metric(code)`` and ``children(code)``
    (NaN where absent), ``headcount`` (NaN where unknown)."""

    metric: Callable[[str], np.ndarray]
    children: Callable[[str], np.ndarray]
    headcount: np.ndarray


def evaluate(expr: Expr, operands: Operands) -> np.ndarray | float:
    """``expr`` for every unit and month at once (NaN where an operand is absent)."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, MetricRef):
        return operands.metric(expr.code)
    if isinstance(expr, Headcount):
        return operands.headcount
    if isinstance(expr, SumChildren):
        return operands.children(expr.code)
    if isinstance(expr, Neg):
        return -evaluate(expr.operand, operands)
    left, right = evaluate(expr.left, operands), evaluate(expr.right, operands)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if expr.op == "+":
            return np.add(left, right)
        if expr.op == "-":
            return np.subtract(left, right)
        if expr.op == "*":
            return np.multiply(left, right)
        return np.divide(left, right)


def holds(left: np.ndarray, op: str, right: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """Whether ``left op right`` holds, element-wise (``=``: within ``tolerance``·|right|)."""
    if op == "=":
        return np.abs(left - right) <= tolerance * np.abs(right)
    if op == "<=":
        return left <= right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    return left > right


@dataclass(frozen=True)
class Outcome:
    """One rule over every unit and month: where it could be checked, and where it failed (both boolean arrays);
    ``left`` and ``right`` the two sides' values."""

    checked: np.ndarray
    failed: np.ndarray
    left: np.ndarray
    right: np.ndarray


def check(rule: Rule, operands: Operands, size: int) -> Outcome:
    """``rule`` over ``size`` units and months: checked where both sides are finite, failed where it then does not
    hold."""
    left = np.broadcast_to(np.asarray(evaluate(rule.left_expr, operands), dtype=np.float64), (size,))
    right = np.broadcast_to(np.asarray(evaluate(rule.right_expr, operands), dtype=np.float64), (size,))
    checked = np.isfinite(left) & np.isfinite(right)
    with np.errstate(invalid="ignore"):
        failed = checked & ~holds(left, rule.op, right, rule.tolerance)
    return Outcome(checked, failed, left, right)
