"""Translation table entries for the presentation page, the deck and the exports: key → (zh, en).

Merged into analytics.i18n.TEXT.
"""

TEXT: dict[str, tuple[str, str]] = {
    # filters, data version, marks (every slide and every export)
    "present.scope": ("范围：{start} 至 {end} · 单位：{units}", "Scope: {start} to {end} · Units: {units}"),
    "present.units_all": ("全部", "all"),
    "present.units_more": (" 等 {n} 个", " and {n} more"),
    "present.stamp": ("数据截至 {when} · 数据版本 v{version}", "Data as of {when} · data version v{version}"),
    "present.demo_mark": (" · 演示数据", " · DEMO data"),
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
        "单位内相关（控制单位规模差异）· Pearson · 同月 · ★ q<0.05 ★★ q<0.01 ★★★ q<0.001",
        "Within units (size differences removed) · Pearson · same month · ★ q<0.05 ★★ q<0.01 ★★★ q<0.001",
    ),
    "present.slide.findings": ("主要发现", "Main findings"),
    "present.sub.findings": (
        "共 {n} 项显著相关（q<0.05，已对全部指标对与 0–{lags} 个月滞后做多重比较校正），列出最强的 {shown} 项",
        "{n} significant correlations (q<0.05, adjusted over every pair and lags 0–{lags}); the {shown} strongest",
    ),
    "present.findings_none": (
        "在当前范围内没有达到显著水平（q<0.05）的相关。",
        "No correlation reaches significance (q<0.05) in this view.",
    ),
    "present.slide.scatter": ("{x} 与 {y}", "{x} vs {y}"),
    "present.sub.later": ("（{k} 个月后）", " ({k} months later)"),
    "present.slide.lag": ("滞后相关：{x} → {y}", "Lag profile: {x} → {y}"),
    "present.sub.lag": (
        "党建指标领先 0–{lags} 个月时的相关系数 r 与 95% 置信区间（单位内）",
        "r with 95% CI when the party metric leads by 0–{lags} months (within units)",
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
    "present.axis.lag": ("党建指标领先月数", "Months the party metric leads"),
    "present.axis.r": ("相关系数 r", "Correlation r"),
    "present.series.d_mean": ("各单位平均融合度 D", "Mean integration index D of units"),
    "present.series.fit": ("拟合线（全部数据点）", "Fit line (all points)"),
    "present.series.equal": ("U1 = U2", "U1 = U2"),
    "present.series.r": ("r", "r"),
    "present.mom": ("环比", "MoM"),
    "present.yoy": ("同比", "YoY"),
    "present.pp": ("{v:+.1f} 个百分点", "{v:+.1f} pp"),
    "present.pct": ("{v:+.1f}%", "{v:+.1f}%"),
    "present.na": ("—", "—"),
    "present.kpi_units": ("{n} 个单位", "{n} units"),
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
        "最强的是 {x} 与 {y}：r = {r}，q{q}，n = {n}。",
        "The strongest: {x} with {y}: r = {r}, q{q}, n = {n}.",
    ),
    "present.notes.findings": (
        "共发现 {n} 项显著相关。每项均给出相关系数、校正后的 q 值和样本量 n。",
        "{n} significant correlations found; each gives r, the adjusted q and the sample size n.",
    ),
    "present.notes.scatter": (
        "每个点是一个单位的一个月（单位内去均值后的数值），直线为最小二乘拟合及 95% 置信带。{stat}。",
        "Each point is one unit-month (demeaned within unit); the line is the least-squares fit with its 95% band. "
        "{stat}.",
    ),
    "present.notes.thinned": (
        "图中随机抽取 {shown} 个点显示（共 {total} 个），拟合线与统计量使用全部数据。",
        "{shown} of {total} points are drawn (random sample); the fit and statistics use every point.",
    ),
    "present.notes.lag": (
        "横轴为党建指标领先的月数：第 k 个月的党建指标与 k 个月后的经营指标配对。误差线为 95% 置信区间，"
        "逐个滞后未做多重比较校正。",
        "Across: months the party metric leads — party metric of month t paired with the business metric of month "
        "t + k. Error bars are 95% CIs, not adjusted across lags.",
    ),
    "present.notes.lag_best": (
        "相关最强在滞后 {k} 个月：r = {r}（n = {n}）。",
        "The strongest correlation is at lag {k}: r = {r} (n = {n}).",
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
    "present.table.findings": ("显著相关", "Significant correlations"),
    "present.table.points": ("散点数据（单位内去均值）", "Scatter points (demeaned within unit)"),
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
    "present.col.mom": ("环比", "MoM"),
    "present.col.yoy": ("同比", "YoY"),
    "present.col.change": (
        "变化口径（points=百分点，relative=%，index=差值）",
        "Change in (points = percentage points, relative = %, index = difference)",
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
    "present.pick_unit": ("单位画像：单位", "Unit profile: unit"),
    "present.prev": ("上一页", "Previous"),
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
    "share.stale": (
        "此链接生成于数据版本 v{old}，之后已有新数据（当前为 v{new}），显示的是最新数据。",
        "This link was made at data version v{old}; newer data has arrived since (now v{new}). Showing the latest "
        "data.",
    ),
}
