"""The one translation table: every user-facing string in Chinese (default) and English.

Keys are stable; ``t(key, lang, **fields)`` formats the string. Import issues use keys ``issue.<code>``, refusals
(:class:`analytics.errors.AnalyticsError`) ``error.<code>``. The table is split by area: this module holds the
pages' shared texts, each ``analytics/i18n/<area>.py`` one area's; they are merged below, a key defined twice
being refused. A field that must itself be translated (a file kind inside a refusal) is passed as a
:class:`Phrase`, put into the language of the text around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # punctuation that differs between the languages: a list, fields, a key with its value, a name with a note
    "sep.list": ("、", ", "),
    "sep.field": ("；", "; "),
    "sep.key_value": ("{key}：{value}", "{key}: {value}"),
    "sep.noted": ("{name}（{note}）", "{name} ({note})"),
    # pages and navigation
    "page.welcome": ("欢迎", "Welcome"),
    "page.import": ("数据导入", "Import"),
    "page.completeness": ("填报情况", "Reporting status"),
    "page.audit": ("数据与审计", "Data & audit"),
    "page.overview": ("总览", "Overview"),
    "page.correlation": ("相关性分析", "Correlation"),
    "page.integration": ("融合度", "Integration index"),
    "page.unit": ("单位画像", "Unit profile"),
    "page.present": ("演示模式", "Presentation"),
    "page.admin": ("系统管理", "Administration"),
    "nav.analysis": ("分析", "Analysis"),
    "nav.reporting": ("填报", "Reporting"),
    "nav.manage": ("管理", "Administration"),
    "app.title": ("党建与生产经营融合分析", "Party Building × Operations Analytics"),
    # sidebar
    "ui.source": ("数据来源", "Data source"),
    "ui.choose": ("请选择", "Choose"),
    "ui.source.real": ("正式数据", "Real data"),
    "ui.source.demo": ("演示数据", "Demo data"),
    "ui.upload_help": (
        "上传框中的英文是组件自带的：“Browse files”＝选择文件，“Drag and drop files here”＝把文件拖到这里，"
        "“Limit {mb}MB per file”＝每个文件不超过 {mb} MB。其他格式的文件会被拒绝，并说明原因。",
        "Files of any other format are refused with the reason; each file may be at most {mb} MB.",
    ),
    "ui.from": ("起始月份", "From month"),
    "ui.to": ("截止月份", "To month"),
    "ui.demo_banner": (
        "当前为演示数据（合成数据，含有意设置的效应），不代表任何真实单位。",
        "You are viewing DEMO data (synthetic, with planted effects); it describes no real unit.",
    ),
    "ui.busy": (
        "数据库正忙（可能正在导入），显示的是稍早的数据。",
        "The database is busy (an import?); showing slightly older data.",
    ),
    # welcome
    "welcome.intro": (
        "本系统汇总各单位每月报送的党建与生产经营数据，分析两者是否、在哪里同向变化。开始之前：",
        "This product gathers the monthly party-building and operations data of every unit and shows "
        "whether and where the two move together. To begin:",
    ),
    "welcome.step_template": (
        "② 下载月报模板，发给各单位填报",
        "② Download the monthly template and send it to the units",
    ),
    "welcome.template_importers": (
        "月报模板由有导入权限的人员下载并发给各单位。",
        "The monthly template is downloaded and sent out by those who may import data.",
    ),
    "welcome.import_importers": (
        "收回的表格由有导入权限的人员上传。",
        "The returned workbooks are uploaded by those who may import data.",
    ),
    "welcome.step_import": ("③ 在“数据导入”页上传收回的表格", "③ Upload the returned workbooks on the Import page"),
    "welcome.step_demo": (
        "或者：先用演示数据体验全部功能（演示数据保存在单独的数据库文件中，不会与正式数据混合）",
        "Or: explore every feature on the demo group first (kept in its own database file, never mixed with real data)",
    ),
    "welcome.make_demo": ("生成并打开演示数据", "Create and open the demo data"),
    "welcome.open_demo": ("打开演示数据", "Open the demo data"),
    "welcome.demo_ready": ("演示数据已就绪。", "The demo data is ready."),
    "welcome.go_import": ("前往数据导入", "Go to Import"),
    # import page
    "import.template": ("下载月报模板", "Download the monthly template"),
    "import.template_period": ("模板月份", "Template month"),
    "import.template_button": ("下载 {period} 模板（.xlsx）", "Download the {period} template (.xlsx)"),
    "import.upload": (
        "上传月报（可多选：.xlsx / .xlsm / .xls / .ods / .csv，每个文件不超过 {mb} MB）",
        "Upload monthly reports (several at once: .xlsx / .xlsm / .xls / .ods / .csv, at most {mb} MB each)",
    ),
    "import.period": (
        "所属月份（表中未写明时使用，格式 2026-10）",
        "Reporting month (used when the files do not say; YYYY-MM)",
    ),
    "import.period_bad": ("月份格式应为 YYYY-MM，例如 2026-10。", "The month must be YYYY-MM, e.g. 2026-10."),
    "import.create_units": ("登记表中出现的新单位", "Register new units found in the files"),
    "import.validate": ("校验并预览", "Validate and preview"),
    "import.errors": (
        "发现 {n} 个错误，本次上传不会写入任何数据。请修改后重新上传：",
        "{n} errors found; nothing from this upload will be written. Fix them and upload again:",
    ),
    "import.warnings": ("{n} 条提示", "{n} warnings"),
    "import.summary": (
        "读取 {observations} 个数值（{units} 个单位，{months} 个月）：新增 {new}，修改 {changed}，未变 {unchanged}。",
        "Read {observations} values ({units} units, {months} months): {new} new, {changed} changed, "
        "{unchanged} unchanged.",
    ),
    "import.nothing": ("与已有数据完全相同，无需提交。", "Identical to the data already stored; nothing to commit."),
    "import.commit": ("确认提交", "Commit"),
    "import.confirm_far": (
        "我已核对上表中 {n} 个与本单位历史相差过大的数值（并非元/万元等单位错误），确认提交。",
        "I have checked the {n} values far from their unit's history listed above (no 元/万元 slip): commit them.",
    ),
    "import.confirm_far_needed": (
        "提交前请勾选上方的确认框：有 {n} 个数值与本单位历史相差过大。",
        "Tick the confirmation above before committing: {n} values are far from their unit's history.",
    ),
    "import.committed": ("已提交为批次 {batch}。", "Committed as batch {batch}."),
    "import.preview": ("变更预览", "Preview of changes"),
    "import.history": ("导入历史", "Import history"),
    "batch.latest": ("最近 {n} 个批次（共 {total} 个）。", "The latest {n} of {total} batches."),
    "batch.all_link": ("在“数据与审计”页查看全部批次", "All batches on the Data & audit page"),
    "col.location": ("位置", "Location"),
    "col.file": ("文件", "File"),
    "col.code": ("代码", "Code"),
    "col.message": ("说明", "Message"),
    "col.unit": ("单位编码", "Unit code"),
    "col.name": ("单位名称", "Unit name"),
    "col.period": ("月份", "Month"),
    "col.metric": ("指标", "Metric"),
    "col.old": ("原值", "Old value"),
    "col.new": ("新值", "New value"),
    "col.status": ("状态", "Status"),
    "status.new": ("新增", "new"),
    "status.changed": ("修改", "changed"),
    "status.unchanged": ("未变", "unchanged"),
    "status.deleted": ("删除", "deleted"),
    "status.absent": ("无此值", "absent"),
    "status.reported": ("已报", "reported"),
    "status.partial": ("部分", "partial"),
    "status.missing": ("未报", "missing"),
    "status.committed": ("有效", "active"),
    "status.reverted": ("已撤销", "reverted"),
    # batches
    "batch.id": ("批次", "Batch"),
    "batch.when": ("时间", "When"),
    "batch.who": ("操作人", "By"),
    "batch.kind": ("类型", "Kind"),
    "batch.files": ("文件", "Files"),
    "batch.values": ("数值数", "Values"),
    "batch.revert": ("撤销所选批次", "Revert the selected batch"),
    "batch.pick": ("选择要撤销的批次", "Batch to revert"),
    "batch.reverted": (
        "批次 {batch} 已撤销，{keys} 个数值已恢复为之前的值。",
        "Batch {batch} reverted; {keys} values restored to their previous state.",
    ),
    "batch.out_of_scope": (
        "批次 {batch} 含有您负责范围以外单位的数据，不能由您撤销。",
        "Batch {batch} holds units outside your assignment; you may not revert it.",
    ),
    "batch.none": ("还没有导入记录。", "No imports yet."),
    "batch.confirm": ("我确认撤销该批次", "I confirm reverting this batch"),
    # completeness
    "complete.title": ("各单位填报情况", "Who has reported"),
    "complete.month": ("查看月份", "Month"),
    "complete.legend": (
        "绿色＝已报齐，黄色＝部分报送，红色＝未报送。",
        "Green = complete, amber = partial, red = not reported.",
    ),
    "complete.missing": ("{period} 未报齐的单位（{n} 个）", "Units not fully reported for {period} ({n})"),
    "complete.all_in": ("{period} 所有单位均已报齐。", "Every unit has reported in full for {period}."),
    "complete.values": ("已报指标数", "Metrics reported"),
    "complete.expected": ("应报指标数", "Metrics expected"),
    "complete.chart_title": ("各单位逐月填报情况", "Reporting by unit and month"),
    "complete.group_title": (
        "各二级单位逐月报齐比例（共 {n} 个填报单位）",
        "Share of units fully reported, by subsidiary and month ({n} reporting units)",
    ),
    "complete.group_hover": (
        "已报齐 {reported} · 部分报送 {partial} · 未报送 {missing}（共 {total} 个单位）",
        "{reported} reported · {partial} partial · {missing} missing (of {total} units)",
    ),
    "complete.share": ("报齐比例", "Fully reported"),
    "complete.axis_group": ("二级单位", "Subsidiary"),
    "complete.axis_month": ("月份", "Month"),
    "complete.axis_unit": ("单位", "Unit"),
    "empty.no_data": (
        "当前数据库还没有数据。请先在“数据导入”页上传，或打开演示数据。",
        "This database holds no data yet. Upload on the Import page, or open the demo data.",
    ),
    # audit page
    "audit.catalog": ("指标目录", "Metric catalog"),
    "audit.units": ("单位名录", "Units"),
    "audit.units_upload": (
        "导入单位名录（CSV：code,name,parent_code,headcount）",
        "Import units (CSV: code,name,parent_code,headcount)",
    ),
    "audit.units_saved": ("已保存 {n} 个单位。", "{n} units saved."),
    "audit.catalog_upload": (
        "导入/更新指标（CSV，列同导出文件）",
        "Import or update metrics (CSV, same columns as the export)",
    ),
    "audit.catalog_saved": ("已保存 {n} 个指标。", "{n} metrics saved."),
    "audit.download": ("下载 CSV", "Download CSV"),
    "audit.bad_file": ("文件有误：{error}", "Invalid file: {error}"),
    # import issues (SPEC §3): errors
    "issue.unknown_unit": (
        "单位“{unit}”不在单位名录中。请先在“数据与审计”页登记该单位，或选择“登记新单位”。",
        "Unit “{unit}” is not in the registry. Register it first, or choose “register new units”.",
    ),
    "issue.ambiguous_unit": (
        "单位名称“{unit}”对应多个单位（{candidates}），请改填单位编码。",
        "Unit name “{unit}” matches several units ({candidates}); use the unit code instead.",
    ),
    "issue.bad_value": (
        "“{value}”不是有效数值。请填写数字；缺报请留空或填“-”。",
        "“{value}” is not a number. Enter a number; leave blank or “-” when not reported.",
    ),
    "issue.out_of_range": (
        "{metric}的值 {value} 超出有效范围 [{min}, {max}]{unit}。",
        "{metric} value {value} is outside the valid range [{min}, {max}]{unit}.",
    ),
    "issue.formula_no_value": (
        "该单元格是公式但没有计算结果。请在表格软件中打开、重新计算并保存后再上传。",
        "This formula cell has no computed value. Open, recalculate and save the file, then upload again.",
    ),
    "issue.unit_mismatch": (
        "表头单位“{given}”与指标“{metric}”的计量单位“{expected}”不一致。",
        "Header unit “{given}” contradicts the unit of “{metric}”, which is “{expected}”.",
    ),
    "issue.duplicate_key": (
        "重复数据：{unit} {period} 的“{metric}”已在 {first} 填报过。",
        "Duplicate: {metric} for {unit} {period} was already given at {first}.",
    ),
    "issue.no_period": (
        "无法确定所属月份：请在表中加“月份”列、在标题或工作表名中写明月份（如 2026年10月），或上传时指定月份。",
        "No reporting month found: add a 月份 column, name the month in a title or sheet name "
        "(e.g. 2026-10), or give the period with the upload.",
    ),
    "issue.period_conflict": (
        "“月份”列的 {found} 与上传时指定的月份 {given} 不一致。",
        "The 月份 column says {found} but the upload was given period {given}.",
    ),
    "issue.bad_period": (
        "“{value}”不是有效的月份（应如 2026-10 或 2026年10月）。",
        "“{value}” is not a valid month (expected e.g. 2026-10 or 2026年10月).",
    ),
    "issue.unknown_metric": (
        "指标“{metric}”不在指标目录中。",
        "Metric “{metric}” is not in the catalog.",
    ),
    "issue.missing_unit": (
        "该行有数值但没有单位名称或编码。",
        "This row has values but no unit name or code.",
    ),
    "issue.no_data_table": (
        "文件中没有可识别的数据表（需要单位列和至少一个指标列）。",
        "No data table found in the file (a unit column and at least one metric column are needed).",
    ),
    "issue.no_unit_for_sheet": (
        "无法确定该纵向报表的填报单位：请在表头写“填报单位：……”或用单位名称作工作表名。",
        "Cannot tell which unit this vertical form is for: add “填报单位：…” or name the sheet after the unit.",
    ),
    "issue.empty_upload": ("没有选择任何文件。", "No file was given."),
    "issue.missing_file": ("找不到文件 {path}。", "File {path} not found."),
    # import issues: warnings
    "issue.unknown_column": (
        "未识别的列“{header}”，已跳过。",
        "Unknown column “{header}” skipped.",
    ),
    "issue.far_from_history": (
        "{metric}的值 {value} 与该单位历史中位数 {median} 相差 {ratio} 倍以上，请核对是否为元/万元等单位错误。",
        "{metric} value {value} is {ratio}× away from this unit's median {median}: check for a 元/万元 slip.",
    ),
    "issue.totals_row_skipped": (
        "合计行“{label}”已跳过（不作为单位导入）。",
        "Totals row “{label}” skipped (not a unit).",
    ),
    "issue.sheet_skipped": (
        "工作表“{name}”不是数据表，已跳过。",
        "Sheet “{name}” is not a data table; skipped.",
    ),
    "issue.hidden_sheet": (
        "工作表“{name}”是隐藏的，已照常读取。",
        "Sheet “{name}” is hidden; it was read like a visible one.",
    ),
    "issue.hidden_rows": (
        "工作表中有 {count} 个隐藏行，已照常读取。",
        "{count} hidden rows were read like visible ones.",
    ),
    "issue.ignored_column": (
        "列“{header}”（累计/同期/同比）不导入。",
        "Column “{header}” (cumulative/prior-year/YoY) is not imported.",
    ),
    "issue.macros_ignored": (
        "文件包含宏，宏不会被执行。",
        "The file contains macros; they are never run.",
    ),
    "issue.unit_out_of_scope": (
        "单位 {unit} 不在您负责的范围内（可上传：{scope}），本次上传不会写入任何数据。",
        "Unit {unit} is outside your scope (you may upload for: {scope}); nothing from this upload will be written.",
    ),
    "issue.import_not_allowed": (
        "角色“{role}”不能上传或撤销数据。",
        "The role '{role}' may not upload or revert data.",
    ),
    "issue.new_unit": (
        "将登记新单位“{unit}”。",
        "New unit “{unit}” will be registered.",
    ),
    # what each issue code is, in words (the issue table's 类型 column; the code stays in a trailing column)
    "issue_kind.unknown_unit": ("未登记的单位", "Unknown unit"),
    "issue_kind.ambiguous_unit": ("单位名称有歧义", "Ambiguous unit name"),
    "issue_kind.bad_unit_code": ("单位编码无效", "Invalid unit code"),
    "issue_kind.bad_value": ("不是数值", "Not a number"),
    "issue_kind.out_of_range": ("超出有效范围", "Out of range"),
    "issue_kind.formula_no_value": ("公式没有结果", "Formula without a value"),
    "issue_kind.unit_mismatch": ("计量单位不符", "Unit of measure differs"),
    "issue_kind.duplicate_key": ("重复数据", "Duplicate"),
    "issue_kind.no_period": ("缺少月份", "No month"),
    "issue_kind.period_conflict": ("月份不一致", "Months disagree"),
    "issue_kind.bad_period": ("月份无效", "Invalid month"),
    "issue_kind.unknown_metric": ("未知指标", "Unknown metric"),
    "issue_kind.ambiguous_metric": ("指标名称有歧义", "Ambiguous metric name"),
    "issue_kind.missing_unit": ("缺少单位", "No unit"),
    "issue_kind.no_data_table": ("没有数据表", "No data table"),
    "issue_kind.no_unit_for_sheet": ("填报单位不明", "Reporting unit unknown"),
    "issue_kind.empty_upload": ("没有文件", "No file"),
    "issue_kind.missing_file": ("找不到文件", "File not found"),
    "issue_kind.unit_out_of_scope": ("超出负责范围", "Outside your units"),
    "issue_kind.import_not_allowed": ("无导入权限", "Import not allowed"),
    "issue_kind.unknown_column": ("未识别的列", "Unknown column"),
    "issue_kind.far_from_history": ("与历史相差过大", "Far from history"),
    "issue_kind.totals_row_skipped": ("跳过合计行", "Totals row skipped"),
    "issue_kind.sheet_skipped": ("跳过工作表", "Sheet skipped"),
    "issue_kind.hidden_sheet": ("隐藏的工作表", "Hidden sheet"),
    "issue_kind.hidden_rows": ("隐藏的行", "Hidden rows"),
    "issue_kind.ignored_column": ("不导入的列", "Column not imported"),
    "issue_kind.macros_ignored": ("含有宏", "Macros ignored"),
    "issue_kind.new_unit": ("新单位", "New unit"),
    "issue_kind.file_too_large": ("文件过大", "File too large"),
    "issue_kind.empty_file": ("空文件", "Empty file"),
    "issue_kind.not_a_spreadsheet": ("不是电子表格", "Not a spreadsheet"),
    "issue_kind.unsupported_type": ("不支持的文件类型", "Unsupported file type"),
    "issue_kind.corrupt_file": ("文件损坏", "Damaged file"),
    "issue_kind.encrypted": ("文件有密码", "Password-protected"),
    "issue_kind.zip_bomb": ("疑似恶意文件", "Possible zip bomb"),
    "issue_kind.too_many_sheets": ("工作表过多", "Too many sheets"),
    "issue_kind.too_many_rows": ("行数过多", "Too many rows"),
    "issue_kind.too_many_cols": ("列数过多", "Too many columns"),
    "issue_kind.too_many_cells": ("单元格过多", "Too many cells"),
    "issue_kind.csv_encoding": ("文字编码无法识别", "Unreadable text encoding"),
    "col.kind": ("类型", "Kind"),
    # units of measure as the catalog writes them (in Chinese), for axes and labels: see unit_of_measure()
    "uom.万元": ("万元", "10k yuan"),
    "uom.元": ("元", "yuan"),
    "uom.万元/人": ("万元/人", "10k yuan per person"),
    "uom.吨标准煤/万元": ("吨标准煤/万元", "tce per 10k yuan"),
    "uom.个": ("个", "count"),
    "uom.次": ("次", "times"),
    "uom.项": ("项", "items"),
    "uom.条": ("条", "items"),
    "uom.场": ("场", "sessions"),
    "uom.件": ("件", "cases"),
    "uom.起": ("起", "cases"),
    "uom.篇": ("篇", "articles"),
    "uom.人": ("人", "people"),
    "uom.家": ("家", "companies"),
    "uom.小时": ("小时", "hours"),
    "uom.分": ("分", "points"),
}


def _merge_parts() -> None:
    from analytics.i18n import (
        accounts,
        correlation,
        cycles,
        errors,
        findings,
        first_run,
        integration,
        marks,
        master_data,
        overview,
        pages_cycle,
        present,
        records,
        rules,
        template,
    )

    areas = (correlation, cycles, first_run, integration, marks, master_data, overview, pages_cycle, present, records)
    for part in (*areas, rules, accounts, errors, findings, template):
        clashes = TEXT.keys() & part.TEXT.keys()
        if clashes:
            raise RuntimeError(f"translation keys defined twice: {sorted(clashes)}")
        TEXT.update(part.TEXT)


_merge_parts()


def unit_of_measure(unit: str, lang: str = DEFAULT_LANG) -> str:
    """A catalog unit of measure (written in Chinese: 万元, 个, 吨标准煤/万元) in ``lang``, for axis titles and
    labels: 万元 → "10k yuan", 个 → "count". Units not in the table (%, ‰, one a user added) are shown as written."""
    key = f"uom.{unit}"
    return t(key, lang) if key in TEXT else unit


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    """The text for ``key`` in ``lang`` (zh or en), with ``fields`` filled in; an unknown key returns itself."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not fields:
        return text
    return text.format(**{name: _in(value, lang) for name, value in fields.items()})


@dataclass(frozen=True, init=False)
class Phrase:
    """A field value that is itself a table entry: ``t("error.not_a_spreadsheet", "en", what=Phrase("file.pdf"))``
    fills ``what`` with the English of ``file.pdf``, the Chinese text with its Chinese."""

    key: str
    fields: dict[str, object] = field(default_factory=dict)

    def __init__(self, key: str, /, **fields: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "fields", fields)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang, **self.fields)

    def __str__(self) -> str:
        return self.text()


def _in(value: object, lang: str) -> object:
    return value.text(lang) if isinstance(value, Phrase) else value
