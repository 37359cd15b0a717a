"""Translation table entries for cross-checks (勾稽关系) and notes (情况说明), SPEC §8: the refusals of a rules or notes
file (``error.rules.*``, ``error.notes.*``), the import issues (``rule_failed``, ``note_required`` and the notes'
own), the audit log's words, the 勾稽规则 page (``rules.*``: the list, the upload, the dry run), the notes typed on
the import page (``import.notes_*``), the notes on the unit profile (``profile.notes_*``, ``notes.col.*``) and the
Excel export's notes and restated sheets (``xlsx.*``). Merged into analytics.i18n.TEXT."""

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
    "error.rules.unknown": (
        "没有编码为 {code} 的勾稽规则（已有：{known}）。",
        "No cross-check rule has the code {code} (known: {known}).",
    ),
    "error.rules.bad_field": ("规则的“{column}”有误：{error}。", "The rule's {column}: {error}."),
    # the 勾稽规则 page
    "page.rules": ("勾稽规则", "Cross-checks"),
    "rules.title": ("勾稽规则", "Cross-check rules"),
    "rules.intro": (
        "每次导入都按这些规则逐单位、逐月核对：“错误”级规则不成立则拒绝导入；“提示”级规则不成立时，"
        "处于填报周期中的月份须附情况说明。",
        "Every import checks each unit and month against these rules: an error rule that fails rejects the upload; "
        "a warning rule that fails needs a note in a month under a reporting cycle.",
    ),
    "rules.none": ("还没有勾稽规则。", "No cross-check rules yet."),
    "rules.count": ("共 {n} 条规则。", "{n} rules."),
    "rules.broken": (
        "以下规则引用的指标已不在指标目录中，导入时不检查，请更新：{codes}",
        "These rules name a metric no longer in the catalog and are not checked at import; update them: {codes}",
    ),
    "rules.col.code": ("规则编码", "Code"),
    "rules.col.left": ("左边", "Left"),
    "rules.col.op": ("关系", "Op"),
    "rules.col.right": ("右边", "Right"),
    "rules.col.tolerance": ("允许偏差", "Tolerance"),
    "rules.col.severity": ("级别", "Severity"),
    "rules.col.message": ("说明", "Message"),
    "rules.severity.error": ("错误", "error"),
    "rules.severity.warning": ("提示", "warning"),
    "rules.download": ("下载规则（CSV）", "Download the rules (CSV)"),
    "rules.upload_title": ("导入规则文件", "Import a rules file"),
    "rules.upload": (
        "规则 CSV（列：code,left,op,right,tolerance,severity,message_zh,message_en）",
        "Rules CSV (columns code,left,op,right,tolerance,severity,message_zh,message_en)",
    ),
    "rules.upload_help": (
        "按规则编码新增或更新；任何一行有误则整个文件被拒绝，不做任何修改。",
        "Rules are added or updated by code; a file with any bad row is refused whole and nothing changes.",
    ),
    "rules.upload_button": ("导入规则", "Import the rules"),
    "rules.imported": ("已导入 {n} 条规则：{codes}。", "Imported {n} rules: {codes}."),
    "rules.admin_only": ("规则由管理员导入和修改。", "Rules are imported and changed by administrators."),
    "rules.dry_title": ("试运行", "Dry run"),
    "rules.dry_help": (
        "用已存储的数据检查一条规则：在所选月份中它会标出哪些值。不修改任何数据，也不保存临时输入的规则。",
        "Check one rule against the stored data: which values it would have flagged in the chosen months. Nothing "
        "is changed and a typed rule is not saved.",
    ),
    "rules.dry_source": ("规则", "Rule"),
    "rules.dry_source.stored": ("已有规则", "A stored rule"),
    "rules.dry_source.typed": ("临时输入一条规则", "Type a rule"),
    "rules.dry_pick": ("选择规则", "Choose a rule"),
    "rules.dry_run": ("试运行", "Run"),
    "rules.dry_no_data": ("还没有数据，无法试运行。", "No data yet: nothing to run a rule on."),
    "rules.dry_order": ("起始月份不能晚于截止月份。", "The first month cannot be after the last."),
    "rules.dry.flagged": (
        "规则 {rule}：{span}内会标出 {n} 个值（涉及 {units} 个单位）；共检查 {checked} 个单位·月。",
        "Rule {rule} would have flagged {n} values in {span} ({units} units); {checked} unit-months checked.",
    ),
    "rules.dry.clean": (
        "规则 {rule}：{span}内不会标出任何值；共检查 {checked} 个单位·月。",
        "Rule {rule} would have flagged no value in {span}; {checked} unit-months checked.",
    ),
    "rules.dry.unchecked": (
        "规则 {rule}：{span}内无从检查，没有哪个单位·月同时具备它所需的全部数据。",
        "Rule {rule} could not be checked in {span}: no unit-month holds every value it needs.",
    ),
    "rules.span.year": ("{year} 年", "{year}"),
    "rules.span.months": ("{start} 至 {end} ", "{start} to {end}"),
    "rules.span.month": ("{month} ", "{month}"),  # zh: a space before the 内 that follows a number
    "rules.col.left_value": ("左边的值", "Left side"),
    "rules.col.right_value": ("右边的值", "Right side"),
    "rules.col.difference": ("差额（左 − 右）", "Difference (left − right)"),
    # notes typed on the import page
    "import.notes_title": ("情况说明", "Notes"),
    "import.notes_help": (
        "以下 {n} 个值所在月份处于填报周期中，且与本单位历史相差很大或未通过“提示”级勾稽规则：请逐条填写情况说明，"
        "再点击“带说明重新校验”。说明随本批次保存，审核人可见。",
        "The {n} values below are in a month under a reporting cycle and are far from the unit's history or fail a "
        "warning cross-check: type a note for each, then click “Check again with the notes”. The notes are kept "
        "with the batch and shown to reviewers.",
    ),
    "import.notes_apply": ("带说明重新校验", "Check again with the notes"),
    "import.notes_changed": (
        "情况说明有改动，请先点击“带说明重新校验”再提交。",
        "The notes changed: click “Check again with the notes” before committing.",
    ),
    "import.notes_attached": ("本次提交附 {n} 条情况说明。", "{n} notes go with this upload."),
    # notes shown (import page, unit profile)
    "notes.col.value": ("数值", "Value"),
    "notes.col.why": ("原因", "Why"),
    "notes.col.note": ("情况说明", "Note"),
    "notes.col.author": ("填写人", "Author"),
    "notes.col.batch": ("批次", "Batch"),
    "notes.col.written_at": ("填写时间", "Written"),
    "profile.notes_title": ("情况说明", "Notes"),
    "profile.notes_none": ("所选月份中没有该单位的情况说明。", "No notes on this unit's values in the months shown."),
    # the Excel export's sheets of the reporting cycle
    "xlsx.sheet.notes": ("情况说明", "Notes"),
    "xlsx.sheet.restated": ("更正", "Restated"),
    "xlsx.notes.title": ("情况说明", "Notes on values"),
    "xlsx.notes.subtitle": (
        "填报周期中与本单位历史相差很大或未通过“提示”级勾稽规则的值，由填报人附上的说明。",
        "What uploaders wrote about values that, under a reporting cycle, were far from their unit's history or "
        "failed a warning cross-check.",
    ),
    "xlsx.notes.caption": ("{n} 条说明", "{n} notes"),
    "xlsx.restated.title": ("更正", "Restated months"),
    "xlsx.restated.subtitle": (
        "这些月份关账后又经管理员更正，数字与关账时不同。",
        "These months were changed by an administrator after they were closed: their figures differ from those at "
        "the close.",
    ),
    "xlsx.restated.caption": ("{n} 个月份", "{n} months"),
    "present.col.metric_name": ("指标名称", "Metric name"),
    "present.col.note": ("情况说明", "Note"),
    "present.col.author": ("填写人", "Author"),
    "present.col.batch_id": ("批次", "Batch"),
    "present.col.reason": ("更正原因", "Reason"),
}
