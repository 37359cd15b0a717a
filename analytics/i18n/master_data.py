"""Translation table entries for master data (the unit registry and the metric catalog): key → (zh, en).

Merged into analytics.i18n.TEXT. ``md.code.*`` say why a code is refused (the refusals themselves, of a units
or catalog CSV, are ``error.md.*`` in analytics/i18n/errors.py); ``issue.*`` the import issues the same rules
raise at a cell.
"""

TEXT: dict[str, tuple[str, str]] = {
    # why an identifier (a unit or metric code) is refused
    "md.code.empty": ("编码为空", "the code is empty"),
    "md.code.formula": ("以 {char} 开头", "starts with {char}"),
    "md.code.control": ("含控制字符 U+{codepoint}", "contains the control character U+{codepoint}"),
    "md.code.spaces": ("有首尾空格", "has leading or trailing spaces"),
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
        "不能登记新单位“{unit}”：{reason}（编码不能以 = + - @ 开头，不能含控制字符或首尾空格）。",
        "New unit “{unit}” cannot be registered: its code {reason} (a code must not start with = + - @, "
        "contain control characters or leading/trailing spaces).",
    ),
}
