"""Translation table entries for the presentation page, the deck and the exports: key → (zh, en).

Merged into analytics.i18n.TEXT.
"""

TEXT: dict[str, tuple[str, str]] = {
    # filters, data version, marks (every slide and every export)
    "present.scope": (
        "范围：{start} 至 {end} · 单位：{units} · 相关分析：{choice}",
        "Scope: {start} to {end} · Units: {units} · Correlations: {choice}",
    ),
    "present.units_all": ("全部", "all"),
    "present.units_more": (" 等 {n} 个", " and {n} more"),
    "present.stamp": ("数据截至 {when} · 数据版本 v{version}", "Data as of {when} · data version v{version}"),
    "present.demo_mark": (" · 演示数据", " · DEMO data"),
    "present.demo_export_mark": (
        "演示数据（合成数据，不代表任何真实单位） · ",
        "DEMO data (synthetic, describes no real unit) · ",
    ),
    "present.metric_unit": ("{name}（{unit}）", "{name} ({unit})"),
    "present.internal": ("内部资料", "Internal"),
    "present.mark": (
        "内部资料 · 由 {user} 于 {when} 导出 · 注意保密，请勿外传",
        "Internal · exported by {user} on {when} · confidential, do not forward",
    ),
    "present.report_title": ("党建与生产经营融合分析 · 汇报材料", "Party Building × Operations · Meeting report"),
    "present.lagging.party": ("党建滞后", "party building lags"),
    "present.lagging.business": ("经营滞后", "business lags"),
    "present.lagging.balanced": ("同步", "in step"),
    # slide titles and subtitles
    "present.slide.kpis": ("核心指标", "Key figures"),
    "present.sub.kpis": (
        "{period} · 集团合计（流量、存量指标）或各单位平均（比率指标）· 环比、同比为同口径比较",
        "{period} · group total (flows, stocks) or mean of units (rates) · changes like for like",
    ),
    "present.slide.ranking": ("融合度排名", "Integration index ranking"),
    "present.sub.ranking": ("{period} · {n} 个单位 · 融合度 D（耦合协调度，0–1）", "{period} · {n} units · D (0–1)"),
    "present.slide.quadrant": ("党建与经营双维度分布", "Party building vs business"),
    "present.sub.quadrant": (
        "{period} · {n} 个单位 · 横轴党建得分 U1，纵轴经营得分 U2",
        "{period} · {n} units · party score U1 across, business score U2 up",
    ),
    "present.slide.heatmap": ("党建与生产经营指标相关矩阵", "Party × operations correlation matrix"),
    "present.sub.heatmap": (
        "{choice} · Pearson · 同月 · p 值按单位聚类 · ★ q<0.05 ★★ q<0.01 ★★★ q<0.001",
        "{choice} · Pearson · same month · p clustered by unit · ★ q<0.05 ★★ q<0.01 ★★★ q<0.001",
    ),
    "present.slide.findings": ("主要发现", "Main findings"),
    "present.sub.findings": (
        "{choice} · 检验 {scanned} 个（指标对 × 0–{lags} 个月，BH 校正）· {n} 项通过 q<0.05 且 |r|≥0.1 · "
        "列出 {shown} 项",
        "{choice} · {scanned} tests (pairs × lags 0–{lags}, BH adjusted); {n} pass (q<0.05 and |r|≥0.1); {shown} shown",
    ),
    "present.sub.findings_level": (
        "{choice}：该口径只作描述，不产生发现",
        "{choice}: descriptive only, no findings at this level",
    ),
    "present.findings_none": (
        "没有指标对通过检验：{scanned} 个检验中没有一个同时满足 q<0.05 且 |r|≥0.1。"
        "相关矩阵中较深的颜色可能只是随机波动，不应作为结论汇报。",
        "No pair passes: none of the {scanned} tests has both q<0.05 and |r|≥0.1. Darker cells in the "
        "correlation matrix may be chance and should not be reported as results.",
    ),
    "present.findings_level": (
        "“{choice}”口径混杂了单位规模和时间因素，只作描述，不产生“发现”。需要发现时请改用“扣除单位与月份效应”口径。",
        "The “{choice}” level mixes unit size and timing: it is descriptive and gives no findings. Use "
        "“Unit and month effects removed” for findings.",
    ),
    "present.direction.leads": ("党建在前（已做反向检验）", "party first (reverse checked)"),
    "present.direction.unclear": ("方向不明", "direction unclear"),
    "present.direction.same_month": ("同月", "same month"),
    "present.pair_not_finding": (
        "该指标对未通过发现检验（q<0.05 且 |r|≥0.1），仅供查看，不作为结论",
        "this pair did not pass the findings gate (q<0.05 and |r|≥0.1): for inspection, not a result",
    ),
    "present.pair_descriptive": ("描述性口径，不作为结论", "descriptive level, not a result"),
    "present.slide.scatter": ("{x} 与 {y}", "{x} vs {y}"),
    "present.sub.later": ("（{k} 个月后）", " ({k} months later)"),
    "present.slide.lag": ("滞后相关：{x} 与 {y}", "Lag profile: {x} and {y}"),
    "present.sub.lag": (
        "r 与按单位聚类的 95% 置信区间，k 从 −{lags}（经营指标在前）到 +{lags}（党建指标在前）个月 · {choice}",
        "r with cluster-robust 95% CI, k from −{lags} (operations first) to +{lags} (party first) months · {choice}",
    ),
    "present.slide.unit": ("单位画像：{name}", "Unit profile: {name}"),
    "present.sub.unit": (
        "{period} · 第 {rank} / {of} 名 · D = {d} · {lagging}",
        "{period} · rank {rank} of {of} · D = {d} · {lagging}",
    ),
    "present.sub.unit_none": ("当前范围内没有融合度得分", "No integration score in this view"),
    # chart labels
    "present.axis.d": ("融合度 D", "Integration index D"),
    "present.axis.month": ("月份", "Month"),
    "present.axis.u_party": ("党建得分 U1", "Party score U1"),
    "present.axis.u_business": ("经营得分 U2", "Business score U2"),
    "present.axis.lag": (
        "滞后月数 k（负数：经营指标在前；正数：党建指标在前）",
        "Lag k in months (negative: operations first; positive: party first)",
    ),
    "present.axis.r": ("相关系数 r", "Correlation r"),
    "present.series.d_mean": ("各单位平均融合度 D", "Mean integration index D of units"),
    "present.series.fit": ("最小二乘直线（全部数据点）", "Least-squares line (all points)"),
    "present.series.equal": ("U1 = U2", "U1 = U2"),
    "present.series.r": ("r", "r"),
    "present.mom": ("环比", "MoM"),
    "present.yoy": ("同比", "YoY"),
    "present.pp": ("{v:+.1f} 个百分点", "{v:+.1f} pp"),
    "present.pct": ("{v:+.1f}%", "{v:+.1f}%"),
    "present.na": ("—", "—"),
    "present.kpi_units": ("{n} 个单位", "{n} units"),
    "present.kpi_units_thin": ("仅 {n} 个单位（此前最多 {usual} 个），不计集团数", "only {n} of up to {usual} units"),
    "present.not_ranked": ("{period} 尚未报齐，未排名", "{period} is not complete: not ranked"),
    "present.slide.unit_none": ("单位画像", "Unit profile"),
    "present.notes.unit_default_none": (
        "当前范围内没有可排名的单位，无法选出默认单位；可在幻灯片设置中指定单位。",
        "No unit can be ranked in this view, so there is no default unit; choose one in the slide settings.",
    ),
    # speaker notes
    "present.notes.kpis": (
        "{period} 的核心指标：流量和存量指标为各单位合计，比率指标为各单位平均；环比、同比只比较两个月都填报的单位，"
        "比率的变化以百分点表示，融合度的变化为差值。",
        "Key figures for {period}: flows and stocks are group totals, rates the mean of units; changes compare the "
        "units that reported in both months, in percentage points for rates and as a difference for D.",
    ),
    "present.notes.trend": (
        "{period} 各单位平均融合度 D = {d}（{n} 个单位）。",
        "In {period} the mean integration index of units is D = {d} ({n} units).",
    ),
    "present.notes.ranking": (
        "共 {n} 个单位参与排名。最高：{top}（D = {top_d}，{top_level}）；最低：{bottom}（D = {bottom_d}）。"
        "党建滞后 {party} 个，经营滞后 {business} 个，同步 {balanced} 个。",
        "{n} units ranked. Highest: {top} (D = {top_d}, {top_level}); lowest: {bottom} (D = {bottom_d}). "
        "Party building lags in {party}, business in {business}, {balanced} in step.",
    ),
    "present.notes.ranking_none": ("当前范围内没有可排名的单位。", "No unit can be ranked in this view."),
    "present.notes.d_meaning": (
        "融合度 D 为党建得分 U1 与经营得分 U2 的耦合协调度（熵权法赋权），0–1，越高表示两者越协调且水平越高。",
        "D is the coupling coordination of the party score U1 and the business score U2 (entropy weights), 0–1: "
        "higher means both are high and in step.",
    ),
    "present.notes.quadrant": (
        "{period}：对角线上方为党建滞后（{party} 个单位），下方为经营滞后（{business} 个），"
        "两条虚线之间为同步（{balanced} 个；差距不超过 0.1）。",
        "{period}: above the diagonal party building lags ({party} units), below it business lags ({business}); "
        "between the dashed lines the two are in step ({balanced}; gap at most 0.1).",
    ),
    "present.notes.heatmap": (
        "共 {n} 个指标对，其中 {k} 个在多重比较校正后显著（q<0.05）。颜色为相关系数 r，红正蓝负。",
        "{n} metric pairs, {k} of them significant after adjustment (q<0.05). Colour is r: red positive, blue "
        "negative.",
    ),
    "present.notes.heatmap_best": (
        "q 最小的是 {x} 与 {y}：r = {r}，q {q}，n = {n} 组（{g} 个单位）。是否算作发现见“主要发现”。",
        "The smallest q: {x} with {y}: r = {r}, q {q}, n = {n} pairs ({g} units). Whether it is a finding: see "
        "Main findings.",
    ),
    "present.notes.findings": (
        "共 {n} 项通过检验。每项给出 r 及其 95% 置信区间、q、数据组数 n 与单位数，并说明方向检验的结果。",
        "{n} findings pass the gate; each gives r with its 95% CI, q, n pairs and the number of units, and what the "
        "direction check found.",
    ),
    "present.notes.scatter": (
        "每个点是一个单位的一个月，表示该单位当月偏离自身常态的程度（各单位按自身标准差标准化；{choice}），"
        "这些点的相关系数就是 r。直线为最小二乘拟合，不画置信带（同一单位的各月不独立）。{stat}。",
        "Each point is one unit-month: how far the unit was from its usual level (each unit scaled by its own "
        "spread; {choice}); the correlation of these points is r. The line is the least-squares fit, with no band "
        "(a unit's months are not independent). {stat}.",
    ),
    "present.notes.scatter_plain": (
        "每个点是 r 所依据的一个数值对（{choice}）。直线为最小二乘拟合，不画置信带。{stat}。",
        "Each point is one pair r is computed on ({choice}). The line is the least-squares fit, with no band. {stat}.",
    ),
    "present.notes.thinned": (
        "图中随机抽取 {shown} 个点显示（共 {total} 个），拟合线与统计量使用全部数据。",
        "{shown} of {total} points are drawn (random sample); the fit and statistics use every point.",
    ),
    "present.notes.lag": (
        "横轴 k：正数为党建指标在前（第 t 月的{x}与 t+k 月的{y}配对），负数为{y}在前。误差线为按单位聚类的 95% "
        "置信区间，逐个滞后未做多重比较校正。只有正侧显著而对应的负侧不显著，才能说{x}的变化在前。",
        "Across, k: positive means the party metric comes first ({x} of month t with {y} of month t + k), "
        "negative that {y} does. Error bars are cluster-robust 95% CIs, not adjusted across lags. Only when the "
        "positive side is significant and the matching negative side is not can {x} be said to move first.",
    ),
    "present.notes.unit": (
        "{name} {period}：第 {rank} / {of} 名，融合度 D = {d}，{lagging}。折线为各月的 D、U1、U2；"
        "表格为本单位指标与所在二级单位、集团中位数的对比。",
        "{name} in {period}: rank {rank} of {of}, D = {d}, {lagging}. Lines: D, U1 and U2 by month; the table "
        "compares the unit with the medians of its subsidiary and of the group.",
    ),
    "present.notes.unit_none": (
        "{name} 在当前范围内没有融合度得分（党建或经营指标缺失）。",
        "{name} has no integration score in this view (party or business metrics missing).",
    ),
    # tables (Excel sheets and page tables)
    "present.table.kpis": ("核心指标", "Key figures"),
    "present.table.trend": ("各月平均融合度", "Mean integration index by month"),
    "present.table.ranking": ("融合度排名", "Integration ranking"),
    "present.table.quadrant": ("党建与经营得分", "Party and business scores"),
    "present.table.matrix": ("相关矩阵（r、p、q、n）", "Correlation matrix (r, p, q, n)"),
    "present.table.findings": ("通过检验的发现", "Findings that pass the gate"),
    "present.table.points": ("散点数据（r 所依据的数值）", "Scatter points (the values r is computed on)"),
    "present.table.lag": ("滞后相关", "Lag profile"),
    "present.table.unit_history": ("各月融合度", "Integration index by month"),
    "present.table.unit_peers": ("与同级对比（最新月份）", "Against peers (latest month)"),
    "present.col.metric": ("指标代码", "Metric code"),
    "present.col.name": ("名称", "Name"),
    "present.col.unit": ("单位编码", "Unit code"),
    "present.col.category": ("类别", "Category"),
    "present.col.period": ("月份", "Month"),
    "present.col.value": ("数值", "Value"),
    "present.col.n": ("n", "n"),
    "present.col.usual_n": ("此前最多单位数", "Most units before"),
    "present.col.reported": ("报送单位", "Units reported"),
    "present.col.mom": ("环比", "MoM"),
    "present.col.yoy": ("同比", "YoY"),
    "present.col.change": (
        "变化口径（points=百分点，relative=%，index=差值，difference=计数之差）",
        "Change in (points = percentage points, relative = %, index = difference, difference = count difference)",
    ),
    "present.col.D": ("融合度 D", "D"),
    "present.col.rank": ("名次", "Rank"),
    "present.col.n_ranked": ("参评单位数", "Units ranked"),
    "present.col.subsidiary": ("二级单位", "Subsidiary"),
    "present.col.level": ("协调等级", "Level"),
    "present.col.level_index": ("等级序号", "Level index"),
    "present.col.u_party": ("党建得分 U1", "Party score U1"),
    "present.col.u_business": ("经营得分 U2", "Business score U2"),
    "present.col.lagging": ("滞后类型", "Lagging"),
    "present.col.x": ("党建指标", "Party metric"),
    "present.col.x_name": ("党建指标名称", "Party metric name"),
    "present.col.y": ("经营指标", "Business metric"),
    "present.col.y_name": ("经营指标名称", "Business metric name"),
    "present.col.r": ("r", "r"),
    "present.col.p": ("p", "p"),
    "present.col.q": ("q（BH 校正）", "q (BH)"),
    "present.col.n_units": ("单位数", "Units"),
    "present.col.df": ("自由度", "df"),
    "present.col.direction": ("方向", "Direction"),
    "present.col.better": ("好的方向（1=越高越好，-1=越低越好）", "Better (1 = higher is better, -1 = lower)"),
    "present.col.insufficient": ("样本不足", "Too few pairs"),
    "present.col.lag": ("滞后月数", "Lag (months)"),
    "present.col.ci_low": ("95% 置信下限", "95% CI low"),
    "present.col.ci_high": ("95% 置信上限", "95% CI high"),
    "present.col.sentence": ("说明", "In words"),
    "present.col.group": ("二级单位", "Subsidiary"),
    "present.col.month": ("月份", "Month"),
    "present.col.unit_of_measure": ("计量单位", "Unit of measure"),
    "present.col.unit_value": ("本单位", "This unit"),
    "present.col.group_median": ("集团中位数", "Group median"),
    "present.col.sub_median": ("二级单位中位数", "Subsidiary median"),
    # Excel sheet names (short: at most 28 characters after the number)
    "present.sheet.kpis": ("核心指标", "Key figures"),
    "present.sheet.ranking": ("融合度排名", "Integration ranking"),
    "present.sheet.quadrant": ("双维度分布", "Party vs business"),
    "present.sheet.heatmap": ("相关矩阵", "Correlation matrix"),
    "present.sheet.findings": ("主要发现", "Findings"),
    "present.sheet.scatter": ("散点图", "Scatter"),
    "present.sheet.lag": ("滞后相关", "Lag profile"),
    "present.sheet.unit": ("单位画像", "Unit profile"),
    # the page
    "present.controls": ("幻灯片设置", "Slides"),
    "present.items": ("选择并排序幻灯片（按选择顺序播放）", "Choose and order the slides (shown in the order chosen)"),
    "present.kind.kpis": ("核心指标", "Key figures"),
    "present.kind.ranking": ("融合度排名", "Integration ranking"),
    "present.kind.quadrant": ("双维度分布", "Party vs business"),
    "present.kind.heatmap": ("相关矩阵", "Correlation matrix"),
    "present.kind.findings": ("主要发现", "Main findings"),
    "present.kind.scatter": ("散点图：{pair}", "Scatter: {pair}"),
    "present.kind.lag": ("滞后相关：{pair}", "Lag profile: {pair}"),
    "present.kind.unit": ("单位画像：{unit}", "Unit profile: {unit}"),
    "present.pick_x": ("散点图/滞后相关：党建指标", "Scatter/lag: party metric"),
    "present.pick_y": ("散点图/滞后相关：经营指标", "Scatter/lag: business metric"),
    "present.pick_lag": ("散点图滞后月数", "Scatter lag (months)"),
    "present.pick_level": ("相关分析口径", "Correlation level"),
    "present.pick_scale": ("各单位的权重", "Weight of each unit"),
    "present.pick_unit": ("单位画像：单位", "Unit profile: unit"),
    "present.prev": ("上一页", "Previous"),
    "present.exit": ("退出演示", "Exit presentation"),
    "present.next": ("下一页", "Next"),
    "present.counter": ("{i} / {n}", "{i} / {n}"),
    "present.empty_deck": ("请至少选择一张幻灯片。", "Choose at least one slide."),
    "present.bad_deck": (
        "链接中的幻灯片设置有误（{error}），已改用默认设置。",
        "The link's slides were invalid ({error}); showing the default deck.",
    ),
    "present.slide_error": ("这张幻灯片无法生成：{error}", "This slide cannot be drawn: {error}"),
    "present.export": ("导出（离线可用）", "Export (works offline)"),
    "present.download.html": ("下载 HTML（单文件）", "Download HTML (one file)"),
    "present.download.pptx": ("下载 PowerPoint", "Download PowerPoint"),
    "present.download.xlsx": ("下载 Excel 数据表", "Download Excel tables"),
    "present.download.pdf": ("下载 PDF（A4）", "Download PDF (A4)"),
    "present.no_pdf": (
        "本机未安装 Chromium，无法生成 PDF。请管理员安装：apt-get install chromium fonts-noto-cjk",
        "Chromium is not installed here, so no PDF. Ask an administrator to run: apt-get install chromium "
        "fonts-noto-cjk",
    ),
    "present.notes_label": ("讲稿提示", "Speaker notes"),
    "present.findings_note": ("相关不等于因果。", "Correlation is not causation."),
    # the link
    "share.copy": ("复制链接", "Copy link"),
    "share.help": (
        "此链接会重新打开当前视图（页面、筛选条件与幻灯片），并记录数据版本 v{version}。",
        "This link reopens the current view (page, filters and slides) and records data version v{version}.",
    ),
    "share.as_of": (
        "显示的是数据版本 v{version} 时的数据（{when}），之后已有新数据（当前为 v{latest}）。",
        "Showing the data as of version v{version} ({when}); newer data exists (now v{latest}).",
    ),
    "share.to_current": ("切换到最新数据", "Switch to the current data"),
    "share.unknown_version": (
        "链接中的数据版本 v{version} 不存在，显示的是最新数据。",
        "The link's data version v{version} does not exist; showing the current data.",
    ),
    # PowerPoint: what a slide leaves out so that it can be read when projected
    "present.pptx.heatmap_subset": (
        "只列出 {rows} × {cols} 个指标（共 {all_rows} × {all_cols}）：先列有 q<0.05 的指标，再按 |r| 从大到小；"
        "完整矩阵见 Excel 导出和“相关性分析”页。",
        "Showing {rows} × {cols} of {all_rows} × {all_cols} metrics: those with a cell at q<0.05 first, then the "
        "largest |r|; the full matrix is in the Excel export and on the Correlation page.",
    ),
    "present.pptx.quadrant_labels": (
        "图中只标注融合度最高、最低和两项得分差距最大的单位；每个单位的得分见 Excel 导出和“融合度”页。",
        "Named: the units with the highest and lowest D and the widest gap between U1 and U2; every unit's scores "
        "are in the Excel export and on the Integration page.",
    ),
}
