"""Translation table entries for the correlation pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # page
    "corr.intro": (
        "每个格子是一项党建指标与一项生产经营指标的相关系数 r。"
        "点击格子，即在“指标对详情”中查看该指标对的散点图与滞后相关。",
        "Each cell is the correlation r between a party-building metric and an operations metric. Click a cell to "
        "see its scatter plot and lag profile under “Pair detail”.",
    ),
    "corr.grid": ("相关矩阵", "Correlation grid"),
    "corr.grid_pair": (
        "当前指标对：{pair}（黑框；散点图与滞后相关见“指标对详情”）。",
        "Current pair: {pair} (outlined; its scatter plot and lag profile are under “Pair detail”).",
    ),
    "corr.no_metrics": (
        "需要至少一项党建指标和一项生产经营（或效率）指标有数据，才能计算相关性。",
        "Correlations need data for at least one party-building metric and one operations (or efficiency) metric.",
    ),
    "corr.computing": ("正在计算相关系数……", "Computing correlations…"),
    # controls
    "corr.level": ("分析口径", "Level of analysis"),
    "corr.level.twoway": ("扣除单位与月份效应（推荐）", "Unit and month effects removed (recommended)"),
    "corr.level.within": ("仅扣除单位效应", "Unit effects removed"),
    "corr.level.pooled": ("全部单位月度合并（描述性）", "All unit-months pooled (descriptive)"),
    "corr.level.between": ("单位之间（平均水平）", "Between units (averages)"),
    "corr.level.period": ("单月各单位之间", "Across units in one month"),
    "corr.level_short.twoway": ("扣除单位与月份效应", "unit and month effects removed"),
    "corr.level_short.within": ("仅扣除单位效应", "unit effects removed"),
    "corr.level_short.pooled": ("全部单位月度合并（描述性）", "all unit-months pooled (descriptive)"),
    "corr.level_short.between": ("单位之间（描述性）", "between units (descriptive)"),
    "corr.level_short.period": ("单月各单位之间", "across units in one month"),
    "corr.level_help.twoway": (
        "默认口径：先扣除每个单位自身的常态水平，再扣除全集团各月共同的起伏（如春节），只比较“本单位这个月比平常高还是低”；"
        "p 值按单位聚类计算（同一单位的各个月不当作相互独立的样本）。这样单位大小和季节都不会制造虚假的相关。",
        "The default: removes each unit's usual level and the swings every unit shares in a month (such as the "
        "Spring Festival), so only “this unit was above or below its usual this month” counts; p values are "
        "clustered by unit (a unit's months are not independent samples). So neither size nor season can fake "
        "a correlation.",
    ),
    "corr.level_help.within": (
        "只扣除每个单位自身的常态水平，不扣除各月共同的起伏：春节等全集团同步的波动可能造成虚假相关。"
        "p 值按单位聚类计算。",
        "Removes each unit's usual level only, not the swings shared by every unit in a month: group-wide "
        "seasonal swings (such as the Spring Festival) can fake a correlation. p values clustered by unit.",
    ),
    "corr.level_help.pooled": (
        "直接合并全部单位的月度数据：大单位各项指标都高，容易得到虚假的强相关。只作描述，不产生“发现”。",
        "Pools every unit-month as it is: big units score high on everything, which can fake strong "
        "correlations. Descriptive only; never reported as a finding.",
    ),
    "corr.level_help.between": (
        "比较各单位的平均水平（n 为单位数）：反映单位之间的差异，同样受单位规模影响。只作描述，不产生“发现”。",
        "Compares units by their averages (n = units): differences between units, also driven by unit size. "
        "Descriptive only; never reported as a finding.",
    ),
    "corr.scale": ("各单位的权重", "Weight of each unit"),
    "corr.scale.unit": ("各单位同等权重", "Each unit counts equally"),
    "corr.scale.none": ("原始数值", "Raw values"),
    "corr.scale_short.unit": ("各单位同等权重", "each unit counts equally"),
    "corr.scale_short.none": ("按原始数值", "raw values"),
    "corr.scale_help.unit": (
        "每个单位的数据先按它自己的标准差标准化，所以大单位不会压过小单位。",
        "Each unit's values are standardised by its own spread first, so big units do not outweigh small ones.",
    ),
    "corr.scale_help.none": (
        "按原始数值计算：波动大的（通常是规模大的）单位对结果影响更大。",
        "On the values as reported: units with large swings (usually big units) weigh more.",
    ),
    "corr.scale_ignored": (
        "（“各单位的权重”只适用于扣除单位效应的两种口径。）",
        "(The unit weighting applies only to the two levels that remove unit effects.)",
    ),
    "corr.choice": ("{level}，{scale}", "{level}, {scale}"),
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
        "{x} × {y}<br>r = {r} {mark}（95% CI {low}～{high}）<br>q = {q}（p = {p}，df = {df}）"
        "<br>n = {n} 组（{units} 个单位）",
        "{x} × {y}<br>r = {r} {mark} (95% CI {low} to {high})<br>q = {q} (p = {p}, df = {df})"
        "<br>n = {n} pairs ({units} units)",
    ),
    "corr.hover.insufficient": (
        "{x} × {y}<br>样本不足：n = {n} 组（{units} 个单位；至少需要 10 个单位），不计算 r",
        "{x} × {y}<br>too little data: n = {n} pairs ({units} units; at least 10 units needed), no r",
    ),
    "corr.dense_note": (
        "指标较多（{n} 个格子）：格子里不写数值，悬停可看 r、q、n；黑点表示 q<0.05；"
        "请在“指标对详情”中选择要查看的指标对。",
        "Many metrics ({n} cells): the cells carry no numbers — hover for r, q and n; a dot marks q < 0.05. Choose "
        "the pair to look at under “Pair detail”.",
    ),
    "corr.legend": (
        "★ q<0.05　★★ q<0.01　★★★ q<0.001。q：p 值按单位聚类稳健计算（自由度 = 单位数 − 1），再对全部格子做 "
        "Benjamini–Hochberg 多重比较校正（同一对指标只计一次）。红色为正相关，蓝色为负相关；灰色为样本不足"
        "（少于 10 个单位或自由度不足）。悬停查看 r 的置信区间、p、q、n 与单位数。",
        "★ q<0.05　★★ q<0.01　★★★ q<0.001. q: p values clustered by unit (df = units − 1), then "
        "Benjamini–Hochberg adjusted over all cells (a pair counted once). Red is positive, blue negative; grey "
        "cells have too little data (fewer than 10 units, or too few degrees of freedom). Hover for r's CI, p, q, "
        "n and units.",
    ),
    # pair detail
    "corr.detail": ("指标对详情", "Pair detail"),
    "corr.stat": (
        "{stat} = {r}（95% CI {low}～{high}），p {p}（按单位聚类），n = {n} 组，{units} 个单位，df = {df}",
        "{stat} = {r} (95% CI {low} to {high}), p {p} (clustered by unit), n = {n} pairs in {units} units, df = {df}",
    ),
    "corr.stat_units": (
        "{stat} = {r}（95% CI {low}～{high}），p {p}，n = {n} 个单位，df = {df}",
        "{stat} = {r} (95% CI {low} to {high}), p {p}, n = {n} units, df = {df}",
    ),
    "corr.stat_insufficient": (
        "样本不足（n = {n} 组，{units} 个单位；至少需要 10 个单位），不计算相关系数",
        "too little data (n = {n} pairs, {units} units; at least 10 units needed); no correlation computed",
    ),
    "corr.scatter.title": ("{x} 与 {y}：r 所依据的数值", "{x} vs {y}: the values r is computed on"),
    "corr.scatter.title_raw": ("{x} 与 {y}：原始数值", "{x} vs {y}: values as reported"),
    "corr.points": ("散点图显示", "Scatter shows"),
    "corr.points.analysis": ("r 所依据的数值", "the values r describes"),
    "corr.points.raw": ("原始数值（按二级单位着色）", "raw values (by subsidiary)"),
    "corr.axis.metric": ("{name}（{unit}）", "{name} ({unit})"),
    "corr.axis.metric_note": ("{name}（{unit}，{note}）", "{name} ({unit}, {note})"),
    "corr.axis.deviation": (
        "{name}：偏离本单位常态（标准差{notes}）",
        "{name}: deviation from the unit's usual level (SD{notes})",
    ),
    "corr.note.within": ("偏离本单位均值", "deviation from the unit's mean"),
    "corr.note.twoway": (
        "偏离本单位均值，已去除各月共同波动",
        "deviation from the unit's mean, months' swings removed",
    ),
    "corr.note.months_removed": ("已去除各月共同波动", "months' common swings removed"),
    "corr.note.rank_within": ("单位内秩次", "ranks within unit"),
    "corr.note.between": ("单位平均", "unit average"),
    "corr.note.rank": ("秩", "rank"),
    "corr.note.later": ("{k} 个月后", "{k} months later"),
    "corr.note.earlier": ("{k} 个月前", "{k} months earlier"),
    "corr.per100": ("{unit}/百人", "{unit} per 100 staff"),
    "corr.fit": ("最小二乘直线", "Least-squares line"),
    "corr.hover.point": (
        "{unit}（{group}）<br>{month}<br>x = %{{x:.3g}}<br>y = %{{y:.3g}}",
        "{unit} ({group})<br>{month}<br>x = %{{x:.3g}}<br>y = %{{y:.3g}}",
    ),
    "corr.scatter.thinned": (
        "图中随机显示 {shown} / {total} 个点；r 和直线基于全部点",
        "{shown} of {total} points shown (a random sample); r and the line use every point",
    ),
    "corr.scatter.caption": (
        "每个点是一个单位的一个月：横纵轴为该单位当月偏离自身常态的程度（各单位先按自身标准差标准化，"
        "扣除单位与月份效应口径下还去除了各月共同波动），这些点的相关系数正是上方的 r。直线为最小二乘拟合；"
        "不画置信带——同一单位的各月并不独立，r 的可靠程度以上方按单位聚类的 95% 置信区间为准。",
        "Each point is one unit-month: how far the unit was from its usual level that month (each unit scaled by "
        "its own spread; at the default level the months' common swings are removed too). The correlation of "
        "these points is exactly the r above. The line is the least-squares fit; no confidence band is drawn — "
        "a unit's months are not independent, so r's reliability is the cluster-robust 95% CI above.",
    ),
    "corr.scatter.caption_plain": (
        "每个点是 r 所依据的一个数值对（单位之间口径下为一个单位的平均值），这些点的相关系数正是上方的 r。"
        "直线为最小二乘拟合，不画置信带；r 的可靠程度以上方的 95% 置信区间为准。",
        "Each point is one pair r is computed on (one unit's averages at the between level); their correlation is "
        "exactly the r above. The line is the least-squares fit, with no band; r's reliability is its 95% CI above.",
    ),
    "corr.scatter.caption_raw": (
        "原始数值，颜色表示所属二级单位。注意：r 不是这些点的简单相关，而是按所选口径扣除单位（和月份）效应后计算的；"
        "这里能看到的单位间差异正是被扣除的部分，所以不画拟合线。",
        "Values as reported, coloured by subsidiary. Note: r is not the plain correlation of these points but is "
        "computed after removing the chosen level's unit (and month) effects; the differences between units seen "
        "here are what was removed, so no fit line is drawn.",
    ),
    # no-break spaces keep "−6 to +6 months" on one line when a long title is wrapped
    "corr.lagprof.title": (
        "滞后相关：{x} 与 {y}，前后\u00a06\u00a0个月",
        "Lag profile: {x} and {y}, up to 6\u00a0months either way",
    ),
    "corr.lagprof.xaxis": (
        "滞后月数 k（负数：经营指标在前；正数：党建指标在前）",
        "Lag k, months (−: operations first; +: party first)",
    ),
    "corr.lagprof.y_first": ("← {y} 在前", "← {y} first"),
    "corr.lagprof.x_first": ("{x} 在前 →", "{x} first →"),
    "corr.lagprof.yaxis": ("相关系数 r", "Correlation r"),
    "corr.lagprof.series": ("r 与 95% 置信区间", "r with 95% CI"),
    "corr.lag.same": ("同月", "same month"),
    "corr.lag.leads": ("{first} 在前 {k} 个月", "{first} first by {k} months"),
    "corr.hover.lag": (
        "{when}<br>r = {r}（95% CI {low}～{high}）<br>p = {p}（按单位聚类，df = {df}）<br>n = {n} 组，{units} 个单位",
        "{when}<br>r = {r} (95% CI {low} to {high})<br>p = {p} (clustered by unit, df = {df})<br>n = {n} pairs, "
        "{units} units",
    ),
    "corr.lagprof.caption": (
        "k > 0：第 t 月的党建指标与 t+k 月的经营指标配对（党建在前）；k < 0：与 t−|k| 月的经营指标配对（经营在前）。"
        "误差线为按单位聚类的 95% 置信区间；缺口表示该滞后样本不足。只有正滞后一侧显著、对应的负滞后一侧不显著时，"
        "才能说党建指标的变化在前。各滞后未做多重比较校正。",
        "k > 0 pairs the party metric of month t with the operations metric of month t+k (party first); k < 0 with "
        "month t−|k| (operations first). Error bars are cluster-robust 95% CIs; gaps mark lags with too little "
        "data. Only when the positive side is significant and the matching negative side is not can the party "
        "metric be said to move first. The lags are not adjusted for multiple testing.",
    ),
    "corr.col.lag": ("滞后（月）", "Lag (months)"),
    "corr.col.r": ("r", "r"),
    "corr.col.ci": ("95% 置信区间", "95% CI"),
    "corr.col.p": ("p", "p"),
    "corr.col.n": ("n", "n"),
    "corr.col.units": ("单位数", "Units"),
    "corr.col.df": ("自由度", "df"),
    # findings
    "corr.findings": ("主要发现", "Key findings"),
    "corr.findings_caption": (
        "自动扫描全部党建 × 经营指标对在 0–6 个月滞后下的 {scanned} 个检验（{choice}），对全部检验做 "
        "Benjamini–Hochberg 校正；q < 0.05 且 |r| ≥ 0.1 才算发现，每对指标只取一项；说“在前”之前先做反向检验。"
        "按 q 排序，最多列出 {top} 条。",
        "Scans every party × operations pair at lags 0–6 months: {scanned} tests ({choice}), Benjamini–Hochberg "
        "adjusted over all of them; a finding needs q < 0.05 and |r| ≥ 0.1, one per pair, and the reverse "
        "direction is checked before anything is said to come first. Ordered by q, at most {top}.",
    ),
    "corr.no_findings": (
        "没有指标对通过检验：在当前筛选条件下，{scanned} 个检验中没有一个同时满足 q < 0.05 且 |r| ≥ 0.1。"
        "这不证明两者无关，只说明现有数据不足以可靠地说明有关系；热力图中较深的颜色可能只是随机波动。",
        "No pair passes: under the current filters none of the {scanned} tests has both q < 0.05 and |r| ≥ 0.1. "
        "That does not prove there is no relation, only that the data cannot show one reliably; darker cells in "
        "the heatmap may be chance.",
    ),
    "corr.findings_not_here": (
        "“{level}”口径混杂了单位规模和时间因素，只作描述，不产生“发现”。请切换到“扣除单位与月份效应”或“仅扣除单位效应”查看发现。",
        "The “{level}” level mixes unit size and timing: it is descriptive and never reported as findings. "
        "Switch to “Unit and month effects removed” or “Unit effects removed” to see findings.",
    ),
}
