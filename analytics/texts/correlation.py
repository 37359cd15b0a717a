"""Translation table entries for the correlation pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # page
    "corr.intro": (
        "每个格子是一项党建指标与一项生产经营指标的相关系数 r。点击格子，或在下方选择指标对，查看散点图与滞后相关。",
        "Each cell is the correlation r between a party-building metric and an operations metric. Click a cell, "
        "or pick a pair below, to see its scatter plot and lag profile.",
    ),
    "corr.no_metrics": (
        "需要至少一项党建指标和一项生产经营（或效率）指标有数据，才能计算相关性。",
        "Correlations need data for at least one party-building metric and one operations (or efficiency) metric.",
    ),
    "corr.computing": ("正在计算相关系数……", "Computing correlations…"),
    # controls
    "corr.level": ("分析口径", "Level of analysis"),
    "corr.level.within": ("单位内（推荐）", "Within units (recommended)"),
    "corr.level.twoway": ("单位内并去除月度共同波动", "Within units and months"),
    "corr.level.pooled": ("全部单位月度合并", "All unit-months pooled"),
    "corr.level.between": ("单位之间（平均水平）", "Between units (averages)"),
    "corr.level_help.within": (
        "比较每个单位与它自己的平均水平：排除“大单位什么都多”造成的虚假相关，因此作为默认口径。",
        "Compares each unit with its own average, so “big units do more of everything” cannot fake a "
        "correlation; hence the default.",
    ),
    "corr.level_help.twoway": (
        "在单位内比较的基础上，再去除春节等所有单位共同的月度起伏。",
        "As within units, and also removes swings common to every unit in a month (such as the Spring Festival).",
    ),
    "corr.level_help.pooled": (
        "直接合并全部单位的月度数据：大单位各项指标都高，容易得到虚假的强相关。",
        "Pools every unit-month as it is: big units score high on everything, which can fake strong correlations.",
    ),
    "corr.level_help.between": (
        "比较各单位的平均水平（n 为单位数）：反映单位之间的差异，同样受单位规模影响。",
        "Compares units by their averages (n = units): differences between units, also driven by unit size.",
    ),
    "corr.method": ("计算方法", "Method"),
    "corr.method.pearson": ("Pearson（线性）", "Pearson (linear)"),
    "corr.method.spearman": ("Spearman（秩）", "Spearman (ranks)"),
    "corr.lag": ("热力图滞后月数（党建指标领先）", "Heatmap lag in months (party metric leads)"),
    "corr.lag_help": (
        "滞后 k：第 t 月的党建指标对应同一单位第 t+k 月的生产经营指标。",
        "Lag k pairs a unit's party metric of month t with its operations metric of month t+k.",
    ),
    "corr.per_capita": ("计数指标按每百名职工折算", "Count metrics per 100 employees"),
    "corr.per_capita_help": (
        "次数、个数、件数等计数指标除以（职工人数/100）；没有职工人数的单位不参与这些指标的计算。",
        "Counts (sessions, posts, cases…) are divided by headcount/100; units without a headcount drop out of them.",
    ),
    "corr.subsidiaries": ("二级单位（含下属单位；不选则为全部）", "Subsidiaries (with their branches; none = all)"),
    "corr.pair": ("指标对（党建 × 生产经营）", "Metric pair (party × operations)"),
    "corr.pair_option": ("{x} × {y}", "{x} × {y}"),
    # heatmap
    "corr.heatmap.title": (
        "党建指标 × 生产经营指标相关系数（{level}，{method}，滞后 {lag} 个月）",
        "Party-building × operations correlations ({level}, {method}, lag {lag} months)",
    ),
    "corr.axis.party": ("党建指标", "Party-building metrics"),
    "corr.axis.business": ("生产经营与效率指标", "Production and efficiency metrics"),
    "corr.insufficient": ("n 不足", "n too small"),
    "corr.insufficient_cell": ("n 不足", "low n"),
    "corr.hover.cell": (
        "{x} × {y}<br>r = {r} {mark}<br>q = {q}（p = {p}）<br>n = {n}（{units} 个单位）",
        "{x} × {y}<br>r = {r} {mark}<br>q = {q} (p = {p})<br>n = {n} ({units} units)",
    ),
    "corr.hover.insufficient": (
        "{x} × {y}<br>n 不足：n = {n}（{units} 个单位），不计算 r",
        "{x} × {y}<br>too few pairs: n = {n} ({units} units), no r",
    ),
    "corr.legend": (
        "★ q<0.05　★★ q<0.01　★★★ q<0.001（q：对全部格子做 Benjamini–Hochberg 多重比较校正）。"
        "红色为正相关，蓝色为负相关；灰色格子为 n 不足（残差自由度低于 8）。悬停查看 n、p、q。",
        "★ q<0.05　★★ q<0.01　★★★ q<0.001 (q: Benjamini–Hochberg adjusted over all cells). "
        "Red is positive, blue negative; grey cells have too few pairs (residual df below 8). Hover for n, p and q.",
    ),
    # pair detail
    "corr.detail": ("指标对详情", "Pair detail"),
    "corr.stat": ("{stat} = {r}，p {p}，n = {n}（{units} 个单位）", "{stat} = {r}, p {p}, n = {n} ({units} units)"),
    "corr.stat_insufficient": (
        "n 不足（n = {n}，{units} 个单位），不计算相关系数",
        "too few pairs (n = {n}, {units} units); no correlation computed",
    ),
    "corr.scatter.title": ("{x} 与 {y}", "{x} vs {y}"),
    "corr.axis.metric": ("{name}（{unit}）", "{name} ({unit})"),
    "corr.axis.metric_note": ("{name}（{unit}，{note}）", "{name} ({unit}, {note})"),
    "corr.note.within": ("单位内去均值", "demeaned within unit"),
    "corr.note.twoway": ("去除单位与月份效应", "unit and month effects removed"),
    "corr.note.between": ("单位平均", "unit average"),
    "corr.note.rank": ("秩", "rank"),
    "corr.note.later": ("{k} 个月后", "{k} months later"),
    "corr.per100": ("{unit}/百人", "{unit} per 100 staff"),
    # units of measure in English (the catalog writes them in Chinese)
    "corr.uom.次": ("次", "times"),
    "corr.uom.个": ("个", "count"),
    "corr.uom.项": ("项", "items"),
    "corr.uom.条": ("条", "items"),
    "corr.uom.场": ("场", "sessions"),
    "corr.uom.件": ("件", "cases"),
    "corr.uom.起": ("起", "cases"),
    "corr.uom.篇": ("篇", "articles"),
    "corr.uom.人": ("人", "people"),
    "corr.uom.小时": ("小时", "hours"),
    "corr.uom.万元": ("万元", "10k CNY"),
    "corr.uom.万元/人": ("万元/人", "10k CNY per person"),
    "corr.uom.吨标准煤/万元": ("吨标准煤/万元", "tce per 10k CNY"),
    "corr.fit": ("拟合线", "Fit line"),
    "corr.band": ("95% 置信带", "95% confidence band"),
    "corr.hover.point": (
        "{unit}（{group}）<br>{month}<br>x = %{{x:.3g}}<br>y = %{{y:.3g}}",
        "{unit} ({group})<br>{month}<br>x = %{{x:.3g}}<br>y = %{{y:.3g}}",
    ),
    "corr.scatter.caption": (
        "每个点是一个单位的一个月（单位之间口径下为一个单位），颜色表示所属二级单位；阴影为拟合线的 95% 置信带。",
        "Each point is one unit-month (one unit at the between level), coloured by subsidiary; the shading is the "
        "fit line's 95% confidence band.",
    ),
    # no-break spaces keep "0–6 months" on one line when a long title is wrapped
    "corr.lagprof.title": (
        "滞后相关：{x} 领先 {y} 0–6\u00a0个月",
        "Lag profile: {x} leading {y} by\u00a00–6\u00a0months",
    ),
    "corr.lagprof.xaxis": ("党建指标领先月数（月）", "Party metric leads by (months)"),
    "corr.lagprof.yaxis": ("相关系数 r", "Correlation r"),
    "corr.lagprof.series": ("r 与 95% 置信区间", "r with 95% CI"),
    "corr.hover.lag": (
        "滞后 {k} 个月<br>r = {r}（95% CI {low} ~ {high}）<br>p = {p}，n = {n}",
        "lag {k} months<br>r = {r} (95% CI {low} to {high})<br>p = {p}, n = {n}",
    ),
    "corr.lagprof.caption": (
        "误差线为 95% 置信区间；缺口表示该滞后的 n 不足。各滞后的 p 未做多重比较校正。",
        "Error bars are 95% confidence intervals; gaps mark lags with too few pairs. The p values are not adjusted "
        "for testing several lags.",
    ),
    "corr.col.lag": ("滞后（月）", "Lag (months)"),
    "corr.col.r": ("r", "r"),
    "corr.col.ci": ("95% 置信区间", "95% CI"),
    "corr.col.p": ("p", "p"),
    "corr.col.n": ("n", "n"),
    "corr.col.units": ("单位数", "Units"),
    # findings
    "corr.findings": ("主要发现", "Key findings"),
    "corr.findings_caption": (
        "自动扫描全部指标对与 0–6 个月滞后，仅列出经 Benjamini–Hochberg 校正后 q < 0.05 的结果，"
        "按相关强度排序，最多 {top} 条。",
        "Scans every pair at lags 0–6 months and lists only results with q < 0.05 after Benjamini–Hochberg "
        "correction over all of them, strongest first, at most {top}.",
    ),
    "corr.no_findings": (
        "在当前筛选条件下，没有发现校正后显著（q < 0.05）的相关。",
        "Under the current filters no correlation is significant after correction (q < 0.05).",
    ),
}
