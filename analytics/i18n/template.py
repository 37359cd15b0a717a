"""Translation table entries for the monthly template (analytics.ingest.template): key → (zh, en).

Merged into analytics.i18n.TEXT. The template is one bilingual workbook, so its texts are written in both
languages side by side (``党建指标 Party building``), never in one chosen language.
"""

TEXT: dict[str, tuple[str, str]] = {
    "template.help.title": ("填报说明", "How to fill in"),
    "template.help.1": (
        "1. 每个单位一行，不要修改单位编码和表头。",
        "One row per unit; do not change unit codes or headers.",
    ),
    "template.help.2": (
        "2. 只填数字；百分比指标填百分数（如 95 表示 95%），也可填 95%。",
        "Numbers only; percentage metrics take the percentage (95 means 95%); 95% is accepted too.",
    ),
    "template.help.3": (
        "3. 未开展或无数据请留空，或填“-”；不要填 0 代替缺报。",
        "Leave blank or “-” when not reported; do not enter 0 instead.",
    ),
    "template.help.4": (
        "4. 金额单位为万元（见表头括号），请勿填元。",
        "Amounts are in 万元 (10k yuan) as the header says; never in 元.",
    ),
    "template.help.5": ("5. 表中“合计”行不会被导入，可保留。", "A 合计 (total) row is skipped on import and may stay."),
    "template.help.6": (
        "6. 上传前请保存文件；含公式的单元格需有计算结果。",
        "Save before uploading; formula cells need computed values.",
    ),
    "template.category.party": ("党建指标", "Party building"),
    "template.category.production": ("生产经营指标", "Production"),
    "template.category.efficiency": ("效率效益指标", "Efficiency"),
}
