"""Translation table entries for cross-checks (勾稽关系) and notes (情况说明), SPEC §8: the refusals of a rules or notes
file (``error.rules.*``, ``error.notes.*``), the import issues (``rule_failed``, ``note_required`` and the notes'
own), and the audit log's words. Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # refusals of a rules file (exit 1; nothing changes)
    "error.rules": ("勾稽关系规则被拒绝。", "The cross-check rules were refused."),
    "error.rules.bad_row": (
        "规则文件第 {line} 行“{column}”列有误：{error}。",
        "Rules file, line {line}, column {column}: {error}.",
    ),
    "error.rules.missing_columns": ("规则文件缺少列：{columns}。", "The rules file lacks the columns: {columns}."),
    "error.rules.duplicate": (
        "规则文件第 {line} 行的规则编码 {code} 与第 {first} 行重复。",
        "Rules file, line {line}: the rule code {code} repeats line {first}.",
    ),
    # refusals of a notes file
    "error.notes.missing_columns": (
        "情况说明文件缺少列：{columns}（应为 unit,period,metric,note）。",
        "The notes file lacks the columns: {columns} (expected unit,period,metric,note).",
    ),
    "error.notes.bad_row": (
        "情况说明文件第 {line} 行“{column}”列有误：{error}。",
        "Notes file, line {line}, column {column}: {error}.",
    ),
    # import issues
    "issue.rule_failed": (
        "勾稽关系 {rule} 不成立：{message}（{unit}，{period}：左边 {left}，右边 {right}）。",
        "Cross-check {rule} fails: {message} ({unit}, {period}: left {left}, right {right}).",
    ),
    "issue_kind.rule_failed": ("勾稽关系不符", "Cross-check failed"),
    "issue.note_required": (
        "{unit} {period} 的“{metric}”{reason}；该月处于填报周期中，须附情况说明（页面填写或 --note-file）。",
        "{unit} {period}, {metric}: {reason}; the month is under a reporting cycle, so the value needs a note "
        "(on the page or --note-file).",
    ),
    "issue_kind.note_required": ("须附情况说明", "Note required"),
    "rules.reason.far_from_history": ("与本单位历史数据相差很大", "is far from the unit's own history"),
    "rules.reason.rule": ("未通过勾稽关系 {rule}", "fails the cross-check {rule}"),
    "issue.note_unknown": (
        "情况说明第 {line} 行：{what}“{label}”不存在。",
        "Notes, line {line}: there is no {what} {label!r}.",
    ),
    "issue_kind.note_unknown": ("情况说明无法对应", "Note names nothing"),
    "rules.what.unit": ("单位", "unit"),
    "rules.what.metric": ("指标", "metric"),
    "issue.note_unmatched": (
        "情况说明第 {line} 行：本次上传没有 {unit} {period} 的“{metric}”，该说明未保存。",
        "Notes, line {line}: this upload holds no value of {unit}, {period}, {metric}; the note is not kept.",
    ),
    "issue_kind.note_unmatched": ("情况说明未使用", "Note not used"),
    "issue.rule_invalid": (
        "勾稽关系 {rule} 引用的指标已不在指标目录中，本次未检查；请更新规则。",
        "Cross-check {rule} names a metric no longer in the catalog and was not checked; update the rule.",
    ),
    "issue_kind.rule_invalid": ("规则失效", "Rule out of date"),
    # the audit log
    "audit.action.rules_change": ("修改勾稽关系规则", "Cross-checks change"),
    "audit.key.rules": ("规则", "rules"),
    "audit.key.notes": ("情况说明条数", "notes"),
}
