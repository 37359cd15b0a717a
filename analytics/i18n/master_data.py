"""Translation table entries for master data (the unit registry and the metric catalog): key → (zh, en).

Merged into analytics.i18n.TEXT. ``md.*`` are the refusals of a units or catalog CSV (CLI, the 数据与审计 page,
restore); ``issue.*`` the import issues the same rules raise at a cell.
"""

TEXT: dict[str, tuple[str, str]] = {
    # a CSV's shape
    "md.missing_columns": ("缺少列：{columns}", "missing columns: {columns}"),
    "md.unit_required": ("第 {line} 行：单位编码和名称必填", "line {line}: code and name are required"),
    "md.bad_headcount": (
        "第 {line} 行：职工人数“{value}”不是数字",
        "line {line}: headcount “{value}” is not a number",
    ),
    "md.code_twice": (
        "编码“{code}”在第 {first} 行和第 {line} 行重复",
        "code “{code}” is given on line {first} and again on line {line}",
    ),
    # identifiers (unit and metric codes)
    "md.bad_codes": (
        "以下编码不能使用（编码不能以 = + - @ 开头，不能含控制字符或首尾空格）",
        "these codes are refused (a code must not start with = + - @, contain control characters or "
        "leading/trailing spaces)",
    ),
    "md.code.empty": ("编码为空", "the code is empty"),
    "md.code.formula": ("以 {char} 开头", "starts with {char}"),
    "md.code.control": ("含控制字符 U+{codepoint}", "contains the control character U+{codepoint}"),
    "md.code.spaces": ("有首尾空格", "has leading or trailing spaces"),
    # the unit tree
    "md.unknown_parent": (
        "单位“{unit}”的上级单位“{parent}”不存在",
        "the parent “{parent}” of unit “{unit}” is not a unit",
    ),
    "md.cycle": (
        "单位上下级关系成环（箭头指向上级单位），未做任何修改",
        "the unit tree would hold a cycle (each arrow points to the parent); nothing was changed",
    ),
    "md.stored_cycle": (
        "单位上下级关系成环（箭头指向上级单位）",
        "the unit tree holds a cycle (each arrow points to the parent)",
    ),
    # the catalog
    "md.bad_category": (
        "第 {line} 行：类别必须是 {allowed} 之一：“{value}”",
        "line {line}: category must be one of {allowed}: “{value}”",
    ),
    "md.bad_direction": (
        "第 {line} 行：方向必须是 1 或 -1：“{value}”",
        "line {line}: direction must be 1 or -1: “{value}”",
    ),
    "md.bad_rollup": (
        "第 {line} 行：汇总方式必须是 {allowed} 之一：“{value}”",
        "line {line}: rollup must be one of {allowed}: “{value}”",
    ),
    "md.bad_number": ("第 {line} 行：{field}“{value}”不是数字", "line {line}: {field} “{value}” is not a number"),
    "md.bad_bounds": ("第 {line} 行：下限不能大于上限", "line {line}: min must not exceed max"),
    "md.missing_field": ("第 {line} 行：{field} 必填", "line {line}: {field} is required"),
    "md.clash": (
        "有 {n} 个名称对应多个指标（每个编码、名称和别名只能对应一个指标），未做任何修改",
        "{n} labels would name more than one metric (each code, name and alias must name exactly one); "
        "nothing was changed",
    ),
    "md.in_use": (
        "替换后的目录不含以下指标，但仍有数据引用它们（括号内为数值个数），未做任何修改",
        "the new catalog leaves out these metrics, which observations still refer to (number of values in "
        "brackets); nothing was changed",
    ),
    # the 数据与审计 page
    "audit.catalog_replace": (
        "以此文件替换整个指标目录（文件中没有的指标将被删除；仍有数据的指标不能删除）",
        "Replace the whole catalog with this file (metrics it leaves out are deleted; a metric with data cannot be)",
    ),
    "audit.admin_only": (
        "只有管理员可以修改单位名录和指标目录。",
        "Only an administrator may change the units and the metric catalog.",
    ),
    # import issues
    "issue.ambiguous_metric": (
        "“{label}”对应多个指标（{candidates}），无法确定是哪一个。请改用指标编码，或请管理员消除指标目录中的重名。",
        "“{label}” names several metrics ({candidates}); use the metric code, or ask an administrator to remove "
        "the clash from the catalog.",
    ),
    "issue.bad_unit_code": (
        "不能登记新单位“{unit}”：{reason_zh}（编码不能以 = + - @ 开头，不能含控制字符或首尾空格）。",
        "New unit “{unit}” cannot be registered: its code {reason_en} (a code must not start with = + - @, "
        "contain control characters or leading/trailing spaces).",
    ),
}
