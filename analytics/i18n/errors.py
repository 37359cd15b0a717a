"""Translation table entries for refusals: ``error.<code>`` → (zh, en), one per code an
:class:`analytics.errors.AnalyticsError` carries; and the file kinds and hints a refused upload names.

Merged into analytics.i18n.TEXT. Each exception class has a default code (its general refusal, e.g. ``error.deck``)
and may raise finer ones (``error.deck.unknown_slide``). Refusals whose ``str()`` was English keep their English
here word for word, with ``{field!r}`` where a value was quoted; the backup refusals and the command line's own
keep their historical ``中文 / English`` line, whose Chinese is a heading without the English's details
(:data:`TERSE_ZH`).
"""

TEXT: dict[str, tuple[str, str]] = {
    "error.refused": ("请求被拒绝。", "The request was refused."),
    "error.database_busy": ("数据库正忙，请稍后重试。", "The database is busy; try again."),
    # units and metrics named by an argument
    "error.unit.unknown": ("未知的单位：{label}", "Unknown unit: {label}"),
    "error.unit.ambiguous": (
        "单位名称“{label}”对应多个单位（{candidates}），请改用单位编码。",
        "The unit name “{label}” matches several units ({candidates}); use the unit code.",
    ),
    "error.metric.unknown": ("未知指标：{label}", "Unknown metric: {label}"),
    "error.metric.ambiguous": (
        "“{label}”对应多个指标（{candidates}），请改用指标编码。",
        "“{label}” names several metrics ({candidates}); use the metric code.",
    ),
    # what the command line says for a refusal of its arguments or of a service's work: a Chinese heading, the
    # English with the details (the form it has always printed)
    "error.unknown_unit": ("未知或有歧义的单位", "unknown or ambiguous unit: {label}{hint}"),
    "error.unknown_metric": ("未知指标", "unknown metric: {label}"),
    "error.file_not_found": ("文件不存在", "file not found: {path}"),
    "error.undecodable_file": ("无法识别文件编码", "cannot decode {path}"),
    "error.passwords_differ": ("两次输入的密码不一致", "the passwords differ"),
    "error.bad_units_file": ("单位文件有误", "invalid units file: {error}"),
    "error.bad_catalog_file": ("指标文件有误", "invalid catalog file: {error}"),
    "error.integration_refused": ("无法计算融合度", "cannot compute the integration index: {error}"),
    "error.bad_deck": ("幻灯片设置有误", "bad deck: {error}"),
    "error.deck_failed": ("幻灯片无法生成", "cannot build the deck: {error}"),
    "error.no_pdf": ("无法生成 PDF", "no PDF: {error}"),
    "error.cannot_write": ("无法写入", "cannot write {out}: {error}"),
    # a file that cannot be read at all (WorkbookError: the code is also the import issue's code)
    "error.unreadable_file": ("文件无法读取。", "The file cannot be read."),
    "error.file_too_large": (
        "文件过大（{size}），上限为 {limit}。",
        "The file is too large ({size}); the limit is {limit}.",
    ),
    "error.empty_file": ("文件是空的（0 字节）。", "The file is empty (0 bytes)."),
    "error.not_a_spreadsheet": (
        "该文件实际上是{what}，不是电子表格。{hint}",
        "This file is actually {what}, not a spreadsheet. {hint}",
    ),
    "error.unsupported_type": (
        "不支持的文件类型：{what}。请另存为 .xlsx 后再上传。",
        "Unsupported file type: {what}. Please save it as .xlsx and upload again.",
    ),
    "error.corrupt_file": (
        "文件已损坏或不完整，无法读取。请重新导出或另存后再上传。",
        "The file is damaged or incomplete and cannot be read. Please export or save it again.",
    ),
    "error.encrypted": (
        "文件设置了打开密码，无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → "
        "用密码进行加密，清空密码）并保存后再上传。",
        "The file is password-protected and cannot be read. Remove the password in Excel "
        "(File → Info → Protect Workbook → Encrypt with Password, clear it), save, and upload again.",
    ),
    "error.zip_bomb": (
        "文件解压后的大小或压缩比异常（{detail}），疑似恶意文件，已拒绝读取。",
        "The file's uncompressed size or compression ratio is abnormal ({detail}); "
        "it was refused as a possible zip bomb.",
    ),
    "error.too_many_sheets": (
        "工作簿有 {count} 个工作表，超过上限 {limit} 个。",
        "The workbook has {count} sheets; the limit is {limit}.",
    ),
    "error.too_many_rows": (
        "工作表“{sheet}”的数据区域达到第 {count} 行，超过上限 {limit} 行。"
        "请删除多余的行或清除远处单元格的内容后再上传。",
        'Sheet "{sheet}" uses rows up to {count}; the limit is {limit}. '
        "Delete extra rows or clear far-away cells and upload again.",
    ),
    "error.too_many_cols": (
        "工作表“{sheet}”的数据区域达到第 {count} 列，超过上限 {limit} 列。"
        "请删除多余的列或清除远处单元格的内容后再上传。",
        'Sheet "{sheet}" uses columns up to {count}; the limit is {limit}. '
        "Delete extra columns or clear far-away cells and upload again.",
    ),
    "error.too_many_cells": (
        "工作簿的数据区域共 {count} 个单元格，超过上限 {limit} 个。",
        "The workbook's used area holds {count} cells; the limit is {limit}.",
    ),
    "error.csv_encoding": (
        "无法识别 CSV 文件的编码。请以 UTF-8 或 GB18030（GBK）编码保存后再上传。",
        "The CSV file's encoding is not recognised. Save it as UTF-8 or GB18030 (GBK) and upload again.",
    ),
    # what an uploaded file really is (the {what} of not_a_spreadsheet and unsupported_type) and what to do
    "file.pdf": ("PDF 文档", "a PDF document"),
    "file.png": ("PNG 图片", "a PNG image"),
    "file.jpeg": ("JPEG 图片", "a JPEG image"),
    "file.gif": ("GIF 图片", "a GIF image"),
    "file.rar": ("RAR 压缩包", "a RAR archive"),
    "file.7z": ("7z 压缩包", "a 7z archive"),
    "file.gzip": ("gzip 压缩包", "a gzip archive"),
    "file.rtf": ("RTF 文档", "an RTF document"),
    "file.zip": ("ZIP 压缩包", "a ZIP archive"),
    "file.opendocument": ("OpenDocument 文本或演示文档", "an OpenDocument text or presentation"),
    "file.word": ("Word 文档", "a Word document"),
    "file.powerpoint": ("PowerPoint 演示文稿", "a PowerPoint presentation"),
    "file.word97": ("Word 97-2003 文档", "a Word 97-2003 document"),
    "file.powerpoint97": ("PowerPoint 97-2003 演示文稿", "a PowerPoint 97-2003 presentation"),
    "file.ole": ("OLE 复合文档", "an OLE compound document"),
    "file.html": ("网页（HTML）文件", "a web page (HTML)"),
    "file.xml": ("XML 文件", "an XML file"),
    "file.binary": ("无法识别的二进制文件", "an unrecognised binary file"),
    "file.text": ("文本文件", "a text file"),
    "file.xlsb": ("Excel 二进制工作簿（.xlsb）", "an Excel Binary Workbook (.xlsb)"),
    "file.excel_xml": ("Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet"),
    "file.extension": ("扩展名为 {extension} 的文件", "a {extension} file"),
    "file.hint.upload": (
        "请上传 .xlsx、.xlsm、.xls、.ods 或 .csv 文件。",
        "Please upload an .xlsx, .xlsm, .xls, .ods or .csv file.",
    ),
    "file.hint.html": (
        "这类文件常由业务系统导出并命名为 .xls。请用 Excel 打开后“另存为”Excel 工作簿（.xlsx）再上传。",
        "Business systems often export such files named .xls. Open it in Excel, "
        "save it as an Excel Workbook (.xlsx) and upload that.",
    ),
    "file.hint.text": (
        "如果它是 CSV 表格，请把扩展名改为 .csv 后再上传。",
        "If it is a CSV table, rename it to .csv and upload again.",
    ),
    # an import that needs a confirmation, an export that does not fit
    "error.import.unconfirmed": (
        "有 {n} 个与历史相差过大的数值需要确认",
        "{n} values far from history need confirming",
    ),
    "error.export.too_many_rows": (
        "{rows} 行超出 Excel 单个工作表的上限，请缩小范围或改用 .csv",
        "{rows} rows do not fit in one Excel sheet: narrow the selection or write .csv",
    ),
    "error.pdf.no_chromium": ("未安装 Chromium：{install}", "Chromium is not installed: {install}"),
    "error.demo.not_empty": (
        "数据库中已有数据，演示数据只能创建在新的或空的数据库中。",
        "The database already holds data; the demo is only created in a new or empty database.",
    ),
    # batches
    "error.batch": ("批次操作被拒绝。", "The batch operation was refused."),
    "error.batch.unknown": ("没有批次 {batch}", "unknown batch {batch}"),
    "error.batch.reverted": ("批次 {batch} 已撤销", "batch {batch} is already reverted"),
    # accounts
    "error.account": ("账户变更被拒绝。", "The account change was refused."),
    "error.account.exists": ("用户 {name} 已存在。", "User {name} already exists."),
    "error.account.unknown": ("没有用户 {name}。", "There is no user {name}."),
    "error.account.bad_name": (
        "用户名不能为空、不能含空白字符且不超过 64 个字符。",
        "A user name is 1–64 characters, no spaces.",
    ),
    "error.account.bad_role": ("未知角色 {role}（可选：{roles}）。", "Unknown role {role} (one of: {roles})."),
    "error.account.short_password": ("密码至少 {n} 个字符。", "A password has at least {n} characters."),
    "error.account.needs_units": (
        "计划人员和审核人须指定负责的单位（--units）。",
        "A planner or reviewer needs the units they are responsible for (--units).",
    ),
    "error.account.units_only_planner": (
        "只有计划人员和审核人有负责单位。",
        "Only planners and reviewers have assigned units.",
    ),
    "error.account.unknown_unit": ("未知或有歧义的单位：{unit}", "Unknown or ambiguous unit: {unit}"),
    "error.account.needs_login": ("仅 SSO 的账户须指定邮箱（--email）。", "An SSO-only account needs an --email."),
    "error.account.email_taken": ("邮箱 {email} 已对应用户 {name}。", "The email {email} already maps to user {name}."),
    # backups
    "error.backup": ("备份无法写入或恢复。", "The backup cannot be written or restored."),
    "error.backup.exists": ("目标文件夹已有备份", "{folder} already holds a backup"),
    "error.backup.no_manifest": ("没有备份清单", "no {manifest} in {folder}"),
    "error.backup.unreadable_manifest": ("备份清单无法读取", "unreadable manifest: {error}"),
    "error.backup.unsupported_format": ("不支持的备份格式", "unsupported backup format {format}"),
    "error.backup.missing_file": ("备份文件缺失", "missing file {file}"),
    "error.backup.damaged_file": ("备份文件已损坏或被修改", "{file} does not match its SHA-256"),
    "error.backup.newer_schema": (
        "备份来自更新的版本（架构 {schema}）",
        "the backup's schema {schema} is newer than this program's {current}",
    ),
    "error.backup.target_holds_data": ("目标数据库已有数据（可用 --force 覆盖）", "{target} holds data; use --force"),
    "error.backup.bad_master_data": (
        "备份中的单位或指标不能恢复",
        "the backup's units or metrics cannot be restored: {error}",
    ),
    "error.backup.table_mismatch": ("表 {table} 与当前结构不符", "table {table} does not fit the current schema"),
    "error.backup.row_count": ("表 {table} 行数不符", "{table}: row count differs from the manifest"),
    # master data: a units or catalog CSV, a unit tree (MasterDataError; the offending items follow the text)
    "error.md": (
        "单位名录或指标目录的修改被拒绝",
        "the change to the units or the metric catalog was refused",
    ),
    "error.md.missing_columns": ("缺少列：{columns}", "missing columns: {columns}"),
    "error.md.unit_required": ("第 {line} 行：单位编码和名称必填", "line {line}: code and name are required"),
    "error.md.bad_headcount": (
        "第 {line} 行：职工人数“{value}”不是数字",
        "line {line}: headcount “{value}” is not a number",
    ),
    "error.md.code_twice": (
        "编码“{code}”在第 {first} 行和第 {line} 行重复",
        "code “{code}” is given on line {first} and again on line {line}",
    ),
    "error.md.bad_codes": (
        "以下编码不能使用（编码不能以 = + - @ 开头，不能含控制字符或首尾空格）",
        "these codes are refused (a code must not start with = + - @, contain control characters or "
        "leading/trailing spaces)",
    ),
    "error.md.unknown_parent": (
        "单位“{unit}”的上级单位“{parent}”不存在",
        "the parent “{parent}” of unit “{unit}” is not a unit",
    ),
    "error.md.cycle": (
        "单位上下级关系成环（箭头指向上级单位），未做任何修改",
        "the unit tree would hold a cycle (each arrow points to the parent); nothing was changed",
    ),
    "error.md.stored_cycle": (
        "单位上下级关系成环（箭头指向上级单位）",
        "the unit tree holds a cycle (each arrow points to the parent)",
    ),
    "error.md.bad_category": (
        "第 {line} 行：类别必须是 {allowed} 之一：“{value}”",
        "line {line}: category must be one of {allowed}: “{value}”",
    ),
    "error.md.bad_direction": (
        "第 {line} 行：方向必须是 1 或 -1：“{value}”",
        "line {line}: direction must be 1 or -1: “{value}”",
    ),
    "error.md.bad_rollup": (
        "第 {line} 行：汇总方式必须是 {allowed} 之一：“{value}”",
        "line {line}: rollup must be one of {allowed}: “{value}”",
    ),
    "error.md.bad_number": ("第 {line} 行：{field}“{value}”不是数字", "line {line}: {field} “{value}” is not a number"),
    "error.md.bad_bounds": ("第 {line} 行：下限不能大于上限", "line {line}: min must not exceed max"),
    "error.md.missing_field": ("第 {line} 行：{field} 必填", "line {line}: {field} is required"),
    "error.md.clash": (
        "有 {n} 个名称对应多个指标（每个编码、名称和别名只能对应一个指标），未做任何修改",
        "{n} labels would name more than one metric (each code, name and alias must name exactly one); "
        "nothing was changed",
    ),
    "error.md.in_use": (
        "替换后的目录不含以下指标，但仍有数据引用它们（括号内为数值个数），未做任何修改",
        "the new catalog leaves out these metrics, which observations still refer to (number of values in "
        "brackets); nothing was changed",
    ),
    # the integration index (IntegrationError) and its AHP weights (AhpError)
    "error.integration": ("融合度无法计算。", "The integration index cannot be computed."),
    "error.integration.bad_basis": (
        "基准必须是 view、all 或 YYYY-MM..YYYY-MM，而不是 {text!r}",
        "basis must be view, all or YYYY-MM..YYYY-MM, got {text!r}",
    ),
    "error.integration.bad_choice": (
        "{name} 必须是 {allowed} 之一，而不是 {value!r}",
        "{name} must be one of {allowed}, got {value!r}",
    ),
    "error.integration.bad_alpha": (
        "alpha 必须在 [0, 1] 之间，而不是 {alpha}",
        "alpha must lie in [0, 1], got {alpha}",
    ),
    "error.integration.bad_bounds": (
        "bounds 必须满足 0 <= lo < hi，而不是 {bounds}",
        "bounds must satisfy 0 <= lo < hi, got {bounds}",
    ),
    "error.integration.weights_and_ahp": (
        "固定权重与层次分析法判断只能二选一",
        "give fixed weights or AHP judgements, not both",
    ),
    "error.integration.ahp_subsystems": (
        "层次分析法判断须按子系统 {subsystems} 给出",
        "AHP judgements are keyed by subsystem {subsystems}",
    ),
    "error.integration.bad_observations": ("观测数据无法使用：{error}", "{error}"),
    "error.integration.observation_columns": ("观测数据缺少列 {columns}", "observations lack columns {columns}"),
    "error.integration.catalog_columns": ("指标目录缺少列 {columns}", "catalog lacks columns {columns}"),
    "error.integration.cycle": ("单位上下级关系在 {unit!r} 处成环", "unit hierarchy has a cycle through {unit!r}"),
    "error.integration.duplicate_codes": ("指标编码重复：{codes}", "duplicate metric codes {codes}"),
    "error.integration.bad_direction": ("指标方向必须是 +1 或 -1", "metric direction must be +1 or -1"),
    "error.integration.bad_weights": ("固定权重必须是有限的非负数", "fixed weights must be finite and non-negative"),
    "error.integration.zero_weights": (
        "{subsystem} 中有数据的指标的固定权重之和为 0",
        "fixed weights of the {subsystem} metrics that have data sum to 0",
    ),
    "error.integration.ahp_dimensions": (
        "{subsystem} 的层次分析法判断缺少维度 {dimensions}",
        "AHP judgement for {subsystem} lacks dimensions {dimensions}",
    ),
    "error.integration.unknown_weights": (
        "固定权重中有未知的指标 {metrics}",
        "fixed weights name unknown metrics {metrics}",
    ),
    "error.integration.no_fit": ("按规模调整的比较需要其拟合结果", "the adjusted size comparison needs its fit"),
    "error.integration.one_subsystem": ("耦合度至少需要两个子系统", "coupling needs at least two subsystems"),
    "error.ahp": ("层次分析法的判断矩阵无法使用。", "The AHP pairwise judgements cannot be used."),
    "error.ahp.unknown_item": ("判断中有未知的项 ({a!r}, {b!r})", "unknown item in judgement ({a!r}, {b!r})"),
    "error.ahp.not_positive": (
        "判断 ({a!r}, {b!r}) 必须为正数，而不是 {value}",
        "judgement ({a!r}, {b!r}) must be positive, got {value}",
    ),
    "error.ahp.bad_text": (
        "判断 ({a}, {b}) 的“{text}”不是正数或分数（如 3、1/3）",
        "judgement ({a}, {b}): “{text}” is not a positive number or fraction (such as 3 or 1/3)",
    ),
    "error.ahp.bad_shape": (
        "判断矩阵必须是非空方阵，而其形状为 {shape}",
        "pairwise matrix must be square and non-empty, got shape {shape}",
    ),
    "error.ahp.too_many_items": (
        "层次分析法最多支持 {limit} 项，而这里有 {n} 项",
        "AHP supports at most {limit} items, got {n}",
    ),
    "error.ahp.not_finite": ("判断矩阵的元素必须是有限的正数", "pairwise matrix entries must be positive and finite"),
    "error.ahp.not_reciprocal": (
        "判断矩阵必须互反：a[j, i] = 1 / a[i, j]",
        "pairwise matrix must be reciprocal: a[j, i] = 1 / a[i, j]",
    ),
    "error.ahp.label_count": ("{n}×{n} 的矩阵配了 {labels} 个标签", "{labels} labels for a {n}x{n} matrix"),
    "error.ahp.inconsistent": (
        "层次分析法一致性比率 CR = {cr:.4f}，超过 {limit}，请修改两两比较的判断",
        "AHP consistency ratio CR = {cr:.4f} exceeds {limit}; revise the pairwise judgements",
    ),
    # the presentation's deck
    "error.deck": ("幻灯片设置有误。", "The deck is not valid."),
    "error.deck.unknown_slide": ("未知的幻灯片 {kind!r}；可选：{kinds}", "unknown slide {kind!r}; one of {kinds}"),
    "error.deck.malformed_slide": (
        "幻灯片 {text!r} 的写法有误；例如 {pair_example} 或 {unit_example}",
        "malformed slide {text!r}; e.g. {pair_example} or {unit_example}",
    ),
    "error.deck.no_pair": (
        "没有同时有数据的党建指标和经营指标：无法选出一对指标",
        "no party and business metrics with data: no pair to show",
    ),
    "error.deck.unknown_metric": ("未知指标 {label!r}", "unknown metric {label!r}"),
    "error.deck.unknown_unit": ("未知的单位 {unit!r}", "unknown unit {unit!r}"),
}

#: Keys whose Chinese is a heading without the English's details: the backup refusals and the command line's own,
#: whose ``中文 / English`` line (what the command line prints) has always been ``中文标题 / English with the details``.
TERSE_ZH: frozenset[str] = frozenset(
    {
        "error.unknown_unit",
        "error.unknown_metric",
        "error.file_not_found",
        "error.undecodable_file",
        "error.bad_units_file",
        "error.bad_catalog_file",
        "error.integration_refused",
        "error.bad_deck",
        "error.deck_failed",
        "error.no_pdf",
        "error.cannot_write",
        "error.backup.exists",
        "error.backup.no_manifest",
        "error.backup.unreadable_manifest",
        "error.backup.unsupported_format",
        "error.backup.missing_file",
        "error.backup.damaged_file",
        "error.backup.newer_schema",
        "error.backup.target_holds_data",
        "error.backup.bad_master_data",
    }
)
