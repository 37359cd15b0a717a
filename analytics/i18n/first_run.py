"""Translation table entries for the first run: registering units, the monthly template, and the notices that
steer a newcomer (many unknown units in an upload, too few months for a correlation): key → (zh, en)."""

TEXT: dict[str, tuple[str, str]] = {
    "welcome.step_units": ("① 登记单位名录", "① Register the units"),
    "welcome.units_why": (
        "月报模板按单位名录逐行预填，导入时也只接受已登记的单位，所以先登记单位。下载单位名录模板，"
        "按示例每个单位填一行（code 单位编码、name 单位名称、parent_code 上级单位编码（最上级留空）、"
        "headcount 职工人数（可空）），删除示例行，再上传。",
        "The monthly template lists the registered units one per row, and the import accepts registered units only: "
        "register them first. Download the unit-list template, fill in one row per unit as the example shows "
        "(code, name, parent_code — the parent unit's code, empty at the top — and headcount, optional), "
        "delete the example rows and upload it.",
    ),
    "welcome.units_template": ("下载单位名录模板（CSV）", "Download the unit-list template (CSV)"),
    "welcome.units_upload": ("上传填好的单位名录（CSV）", "Upload the filled unit list (CSV)"),
    "welcome.units_save": ("登记这些单位", "Register these units"),
    "welcome.units_saved": (
        "已登记 {n} 个单位。下一步：下载月报模板（已按单位预填）。",
        "{n} units registered. Next: download the monthly template (prefilled with them).",
    ),
    "welcome.units_registered": (
        "已登记 {n} 个单位，其中 {leaves} 个填报单位列入月报模板。如需增改，请在“数据与审计”页的“单位名录”中操作。",
        "{n} units are registered; the {leaves} reporting units among them are rows of the monthly template. "
        "Add or change units on the Data & audit page, Units tab.",
    ),
    "welcome.units_admins": (
        "单位名录尚未登记。只有{role}可以登记单位，请联系{role}先完成这一步。",
        "No units are registered yet. Only an {role} may register units: ask one to do this first.",
    ),
    "welcome.template_needs_units": (
        "登记单位后即可下载按单位预填的月报模板。",
        "Once units are registered, the monthly template comes prefilled with them.",
    ),
    "welcome.units_not_csv": ("“{name}”不是 CSV 文件。", "“{name}” is not a CSV file."),
    "welcome.units_bad_encoding": (
        "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV。",
        "Cannot read the file's encoding: save it as CSV in UTF-8 or GB18030.",
    ),
    # many unknown units in one upload, said once (the per-cell issues stay in the JSON and the CLI)
    "import.unknown_units": (
        "{n} 处填写了未登记的单位（共 {k} 个）：{units}。",
        "{n} cells name units that are not registered ({k} units): {units}.",
    ),
    "import.unknown_units_admin": (
        "请先登记这些单位：在“数据与审计”页的“单位名录”中上传单位名录（列 code,name,parent_code,headcount），"
        "或勾选“登记新单位”。",
        "Register these units first: upload a unit list on the Data & audit page, Units tab "
        "(columns code,name,parent_code,headcount), or tick “register new units”.",
    ),
    "import.unknown_units_others": (
        "只有管理员可以登记单位，请联系管理员登记后再导入。",
        "Only an administrator may register units: ask one to register them, then import again.",
    ),
    "import.unknown_units_more": ("等另外 {n} 个", "and {n} more"),
    # correlation: too few months or units for the statistics
    "corr.too_few": (
        "当前视图的数据还不够计算相关系数（热力图会全是灰色）：按“{level}”计算，至少需要每个单位 {need_months} 个月、"
        "共 {need_units} 个单位的数据；当前视图只有 {months} 个月、{units} 个单位。{advice}",
        "This view has too little data for a correlation (the heatmap would be all grey): “{level}” needs at least "
        "{need_months} months per unit and {need_units} units; the view has {months} months and {units} units. "
        "{advice}",
    ),
    "corr.too_few_months": (
        "请导入更多月份，或放宽侧栏的月份范围。",
        "Import more months, or widen the month range in the sidebar.",
    ),
    "corr.too_few_units": (
        "请选择更多单位，或导入更多单位的数据。",
        "Choose more units, or import data of more units.",
    ),
}
