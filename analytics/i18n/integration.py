"""Translation table entries for the integration pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # the ten coordination levels (analytics.stats.coupling), index = min(floor(10·D), 9)
    "integ.level.0": ("极度失调", "extreme imbalance"),
    "integ.level.1": ("严重失调", "severe imbalance"),
    "integ.level.2": ("中度失调", "moderate imbalance"),
    "integ.level.3": ("轻度失调", "mild imbalance"),
    "integ.level.4": ("濒临失调", "verge of imbalance"),
    "integ.level.5": ("勉强协调", "barely coordinated"),
    "integ.level.6": ("初级协调", "primary coordination"),
    "integ.level.7": ("中级协调", "intermediate coordination"),
    "integ.level.8": ("良好协调", "good coordination"),
    "integ.level.9": ("优质协调", "high-quality coordination"),
    # integration page: controls
    "integ.title": ("融合度分析（耦合协调度）", "Integration index (coupling coordination)"),
    "integ.intro": (
        "U1 为党建子系统得分，U2 为生产经营子系统得分（均为 0–1，越高越好）；耦合度 C 衡量两者是否相当，"
        "综合协调指数 T = αU1 + βU2，耦合协调度 D = √(C·T)。",
        "U1 scores party building, U2 production and efficiency (both 0–1, higher is better); the coupling C says "
        "how evenly matched they are, T = αU1 + βU2 how high they are together, and D = √(C·T) combines both.",
    ),
    "integ.model": ("耦合模型", "Coupling model"),
    "integ.model.standard": ("标准模型", "Standard"),
    "integ.model.corrected": ("修正模型（王淑佳等，2021）", "Corrected (Wang Shujia et al., 2021)"),
    "integ.basis": ("归一化与赋权的基准", "Basis for normalisation and weights"),
    "integ.basis.view": ("当前视图", "This view"),
    "integ.basis.all": ("全部数据（默认）", "All data (default)"),
    "integ.basis.window": ("固定窗口", "Frozen window"),
    "integ.window": ("基准窗口（起止月份）", "Basis window (first and last month)"),
    "integ.choices_title": ("计算口径", "How the index is computed"),
    "integ.choices": (
        "口径：基准 {basis} · 规模 {size} · 权重 {weights} · 缺报 {missing}",
        "Choices: basis {basis} · size {size} · weights {weights} · missing {missing}",
    ),
    "integ.basis_note.all": (
        "最小值、最大值和权重取自库中全部单位月：新增月份不改变口径，各月可比。",
        "Minimum, maximum and weights come from every unit-month in the database: months stay comparable.",
    ),
    "integ.basis_note.view": (
        "最小值、最大值和权重只取自当前视图：换一个视图，同一单位的得分和等级都会变。",
        "Minimum, maximum and weights come from this view only: another view changes the same unit's score and level.",
    ),
    "integ.basis_note.window": (
        "最小值、最大值和权重冻结在所选窗口，窗口外的数值截断到边界。",
        "Minimum, maximum and weights are frozen to the chosen window; values outside are clipped to its bounds.",
    ),
    "integ.size": ("规模类指标（金额、次数）", "Amounts and counts"),
    "integ.size.adjusted": ("与同等规模单位相比（默认）", "Compared with units of its size (default)"),
    "integ.size.per100": ("每百名职工", "Per 100 staff"),
    "integ.size.raw": ("按报送原值", "As reported"),
    "integ.size_note.adjusted": (
        "与同等规模单位相比：每个金额、次数类指标按职工人数拟合“该规模应有的水平”，看单位高于还是低于它。"
        "没有职工人数的单位不参与这些指标。",
        "Compared with units of its size: for each amount or count, a fit on headcount gives what a unit of that "
        "size reports; a unit scores by how far above or below it lies. Units without a headcount are not scored "
        "on these metrics.",
    ),
    "integ.size_note.per100": (
        "每百名职工：金额、次数除以职工人数。活动次数并不随人数等比增长，小单位因此往往排在前面。",
        "Per 100 staff: amounts and counts divided by headcount. Activity counts do not grow in proportion to "
        "staff, so small units tend to rank first.",
    ),
    "integ.size_note.raw": (
        "按报送原值：金额、次数不作调整，规模大的单位往往排在前面——排的是规模，而不是融合程度。",
        "As reported: amounts and counts unadjusted, so big units tend to rank first: the ranking then measures "
        "size rather than integration.",
    ),
    "integ.missing": ("缺报指标", "A missing metric"),
    "integ.weights": ("指标权重", "Metric weights"),
    "integ.missing.worst": ("按最低分计（默认）", "Scores the floor (default)"),
    "integ.missing.rescale": ("按已报指标重新赋权", "Weights rescaled over reported metrics"),
    "integ.missing_note.worst": (
        "缺报的指标按最低分 0.0001 计：不报送不会因此得分更高。",
        "A missing metric scores the floor 0.0001: not reporting never helps.",
    ),
    "integ.missing_note.rescale": (
        "只用单位报送的指标，权重按比例放大到合计 1：缺报一项较差的指标会抬高得分，请谨慎比较。",
        "Only the metrics a unit reports, weights rescaled to sum to 1: leaving out a weak metric raises the "
        "score, so compare with care.",
    ),
    "integ.weights_note.equal": (
        "等权：每个子系统内各指标权重相同（1/k）。",
        "Equal: every metric of a subsystem weighs the same (1/k).",
    ),
    "integ.weights_note.entropy": (
        "熵权法：各单位之间差异越大的指标权重越高。",
        "Entropy: the more a metric varies across units, the more it weighs.",
    ),
    "integ.weights_note.ahp": (
        "层次分析法给各维度定权，维度内按熵权分配。",
        "AHP weighs the dimensions; entropy shares each dimension's weight among its metrics.",
    ),
    "integ.weights_note.fixed": (
        "自定权重：按“指标权重”页中填写的数值。",
        "Fixed: the weights entered on the Weights tab.",
    ),
    "integ.insufficient": (
        "基准中只有 {n} 个单位，少于 {k} 个：单位太少，最小–最大归一化没有意义，不计算融合度。",
        "The basis holds {n} units, fewer than {k}: too few for min–max scores to mean anything; no index computed.",
    ),
    "integ.ranked_note": (
        "排名和协调等级只取指标齐全的单位（本月 {ranked} 个）；{incomplete} 个单位数据不全，另列于下，不参与排名。",
        "Ranks and levels use units with every metric ({ranked} this month); {incomplete} units with incomplete "
        "data are listed below and not ranked.",
    ),
    "integ.incomplete_title": ("数据不全（不参与排名与等级）", "Incomplete data (not ranked, no level)"),
    "integ.change_choices": ("在“融合度”页查看或更改口径", "See or change these choices on the Integration page"),
    "integ.incomplete": ("数据不全", "incomplete data"),
    "integ.missing_what": ("缺少", "Missing"),
    "integ.no_headcount": ("职工人数", "headcount"),
    "integ.none_complete": (
        "{period} 没有指标齐全的单位，无法排名；数据不全的单位见下表。",
        "No unit has every metric in {period}: nothing to rank; the incomplete units are listed below.",
    ),
    "integ.about": ("基准与模型说明", "About the basis and the model"),
    "integ.about_basis": (
        "每个指标的最小值、最大值和权重都取自“基准”中的单位月。以当前视图为基准时，新月份的数据一到，"
        "最小/最大值和权重就会变化，已经算过的月份的得分也跟着变，前后不可比。固定一个基准窗口后，边界和权重被冻结，"
        "窗口外的数值截断到边界：新数据到来时，各月得分保持不变、可以相互比较。",
        "Each metric's minimum, maximum and weight come from the unit-months of the basis. With the view as "
        "basis, a new month of data moves the minimum, the maximum and the weights, so months already scored change "
        "and are no longer comparable. A frozen window fixes the bounds and weights (values outside are clipped): "
        "when new data arrives, every month keeps its score and months stay comparable.",
    ),
    "integ.about_saturation": (
        "两个子系统时耦合度 C 很快饱和：U1 = 0.2、U2 = 0.8 时 C 已达 0.8，因此 D 主要随 T 变化，"
        "两者是否同步请看 U1 与 U2 的差（“滞后”一列和象限图中的同步带）。修正模型对 U1、U2 的差距更敏感。",
        "With two subsystems the coupling C saturates quickly: U1 = 0.2 and U2 = 0.8 already give C = 0.8, so D "
        "mostly follows T. Whether the two move in step shows in the gap U1 − U2 (the lagging column and the "
        "band in the quadrant chart). The corrected model is more sensitive to the gap.",
    ),
    "integ.basis_rows": (
        "基准：{rows} 个单位月；当前视图：{scored} 个单位月。",
        "Basis: {rows} unit-months; this view: {scored} unit-months.",
    ),
    "integ.no_rows": (
        "当前视图中没有同时报送党建和经营指标的单位月份，无法计算融合度。",
        "No unit-month in this view reports both party-building and business metrics; nothing to score.",
    ),
    "integ.causation": (
        "融合度描述两个子系统的相对水平与同步程度，不说明二者之间的因果关系。",
        "The integration index describes the level and balance of the two subsystems; it says nothing about cause.",
    ),
    "integ.month": ("查看月份", "Month"),
    "integ.tab.quadrant": ("象限图", "Quadrants"),
    "integ.tab.trend": ("趋势与排名", "Trend and ranking"),
    "integ.tab.weights": ("指标权重", "Weights"),
    "integ.tab.obstacle": ("障碍度", "Obstacles"),
    # quadrant chart
    "integ.quadrant_title": ("{period} 党建（U1）× 生产经营（U2）", "{period}: party building (U1) × business (U2)"),
    "integ.axis_u1": ("党建子系统得分 U1", "Party-building score U1"),
    "integ.axis_u2": ("生产经营子系统得分 U2", "Business score U2"),
    "integ.quadrant.hh": ("党建强·经营强", "strong party · strong business"),
    "integ.quadrant.hl": ("党建强·经营弱", "strong party · weak business"),
    "integ.quadrant.lh": ("党建弱·经营强", "weak party · strong business"),
    "integ.quadrant.ll": ("党建弱·经营弱", "weak party · weak business"),
    "integ.quadrant_note": (
        "象限以当月各单位 U1、U2 的中位数（U1 = {x:.3f}，U2 = {y:.3f}）为界，强弱是相对本月其他单位而言；"
        "灰色带为 |U1 − U2| ≤ 0.1 的同步区，带外的单位有一个子系统滞后。点的颜色为协调等级。",
        "Quadrants split at this month's medians (U1 = {x:.3f}, U2 = {y:.3f}): strong and weak are relative to the "
        "other units this month. The grey band is |U1 − U2| ≤ 0.1 (in step); outside it one subsystem lags. "
        "Points are coloured by coordination level.",
    ),
    "integ.band": ("同步带 |U1 − U2| ≤ 0.1", "In-step band |U1 − U2| ≤ 0.1"),
    "integ.median": ("中位数", "median"),
    # trend and ranking
    "integ.trend_units": ("比较的单位", "Units to compare"),
    "integ.trend_title": ("耦合协调度 D 的变化", "Coupling coordination D over time"),
    "integ.axis_d": ("耦合协调度 D", "Coupling coordination D"),
    "integ.axis_month": ("月份", "Month"),
    "integ.ranking_title": ("{period} 融合度排名", "{period}: ranking by D"),
    "integ.ranking_bars_note": (
        "图中为前 {half} 名和后 {half} 名，中间 {hidden} 个单位略；下表列出全部 {n} 个单位，可排序。",
        "The chart shows the top {half} and the bottom {half}; {hidden} units in between are left out. The table "
        "below lists all {n} units and can be sorted.",
    ),
    "integ.rank": ("排名", "Rank"),
    "integ.level": ("协调等级", "Level"),
    "integ.lagging": ("滞后子系统", "Lagging"),
    "integ.complete": ("指标齐全", "All metrics"),
    "integ.u_party": ("U1 党建", "U1 party"),
    "integ.u_business": ("U2 经营", "U2 business"),
    "integ.lagging.party": ("党建滞后", "party lags"),
    "integ.lagging.business": ("经营滞后", "business lags"),
    "integ.lagging.balanced": ("同步", "in step"),
    "integ.legend_title": ("协调等级（D 每 0.1 为一级）", "Coordination levels (one per 0.1 of D)"),
    # weights
    "integ.weights_mode": ("赋权方法", "Weighting"),
    "integ.weights.equal": ("等权（默认）", "Equal (default)"),
    "integ.weights.entropy": ("熵权法", "Entropy"),
    "integ.weights.ahp": ("层次分析法 × 熵权", "AHP × entropy"),
    "integ.weights.fixed": ("自定权重", "Fixed weights"),
    "integ.entropy_help": (
        "熵权法：指标在各单位、各月之间差异越大，提供的信息越多，权重越高。每个子系统内权重之和为 1。",
        "Entropy weights: the more a metric varies across units and months, the more it tells and the more it "
        "weighs. Weights sum to 1 within each subsystem.",
    ),
    "integ.ahp_help": (
        "在判断矩阵中只填右上三角：第 i 行第 j 列表示“行维度比列维度重要几倍”（1–9 标度，可写 1/3 这样的分数）；"
        "左下三角自动取倒数，不必填写。指标权重 = 维度权重 × 维度内的熵权。一致性比率 CR > 0.1 的矩阵不采用。",
        "Fill the upper triangle only: row i, column j says how many times more important the row's dimension is "
        "than the column's (Saaty's 1–9 scale; fractions such as 1/3 are fine). The lower triangle is the "
        "reciprocal. A metric's weight = its dimension's weight × its entropy weight within the dimension. "
        "A matrix with consistency ratio CR > 0.1 is refused.",
    ),
    "integ.ahp_matrix": ("{subsystem}：维度判断矩阵", "{subsystem}: pairwise judgements of dimensions"),
    "integ.ahp_cr": (
        "λmax = {lmax:.3f}，CI = {ci:.3f}，CR = {cr:.3f}（≤ 0.1，通过一致性检验）",
        "λmax = {lmax:.3f}, CI = {ci:.3f}, CR = {cr:.3f} (≤ 0.1: consistent)",
    ),
    "integ.ahp_refused": (
        "{subsystem}判断矩阵的一致性比率 CR = {cr:.3f} > 0.1：判断前后矛盾，不予采用，该子系统暂用熵权。请调整判断。",
        "{subsystem}: consistency ratio CR = {cr:.3f} > 0.1: the judgements contradict each other and are not "
        "used; this subsystem keeps entropy weights. Please revise them.",
    ),
    "integ.ahp_bad": (
        "{subsystem}判断矩阵中“{value}”不是正数或分数（如 3、1/3），该子系统暂用熵权。",
        "{subsystem}: “{value}” is not a positive number or fraction (such as 3 or 1/3); this subsystem keeps "
        "entropy weights.",
    ),
    "integ.ahp_single": (
        "{subsystem}只有一个维度，无需判断。",
        "{subsystem} has a single dimension; nothing to judge.",
    ),
    "integ.fixed_help": (
        "直接填写各指标的权重（非负数）；每个子系统内会按比例换算为合计 1，缺报的指标在该单位月内按其余指标重新换算。",
        "Enter each metric's weight (non-negative); weights are rescaled to sum to 1 within each subsystem, and "
        "over the metrics a unit-month has.",
    ),
    "integ.error": ("无法计算融合度：{error}", "The integration index cannot be computed: {error}"),
    "integ.weights_error": ("权重设置无法使用：{error}", "These weights cannot be used: {error}"),
    "integ.subsystem": ("子系统", "Subsystem"),
    "integ.dimension": ("维度", "Dimension"),
    "integ.weight": ("权重", "Weight"),
    "integ.metric": ("指标", "Metric"),
    "integ.subsystem.party": ("党建", "Party building"),
    "integ.subsystem.business": ("生产经营", "Business"),
    # obstacles
    "integ.obstacle_unit": ("单位", "Unit"),
    "integ.obstacle_title": ("{unit} {period}：障碍度最高的 {n} 项指标", "{unit} {period}: the {n} largest obstacles"),
    "integ.axis_obstacle": ("障碍度（占该单位当月差距的比例）", "Obstacle degree (share of the unit's shortfall)"),
    "integ.obstacle_help": (
        "障碍度 = 指标在 T 中的权重 ×（1 − 归一化得分），再按该单位当月合计换算为 100%："
        "数值越大，越是拉低融合度的短板。",
        "Obstacle degree = the metric's weight in T × (1 − its normalised score), as a share of the unit's total "
        "that month: the larger, the more it holds the unit's index down.",
    ),
    "integ.no_obstacle": ("该单位当月没有可分析的指标。", "This unit has no metric to analyse this month."),
    # unit profile
    "profile.title": ("单位画像", "Unit profile"),
    "profile.unit": ("选择单位", "Unit"),
    "profile.parent": ("所属：{name}", "Part of: {name}"),
    "profile.headcount": ("职工人数：{n:,.0f}", "Headcount: {n:,.0f}"),
    "profile.no_data_unit": (
        "该单位在当前视图中没有报送数据（它的数据可能由下属单位报送）。",
        "This unit reports no data in this view (its figures may come from its branches).",
    ),
    "profile.kpi_d": ("融合度 D（{period}）", "Integration D ({period})"),
    "profile.kpi_rank": ("排名", "Rank"),
    "profile.kpi_rank_value": ("{rank} / {n}", "{rank} of {n}"),
    "profile.kpi_level": ("协调等级", "Level"),
    "profile.kpi_lagging": ("滞后子系统", "Lagging"),
    "profile.defaults_note": (
        "融合度按默认设置计算：以全部数据为基准，金额、次数类指标与同等规模单位相比，等权，缺报指标按最低分计，"
        "标准耦合模型；排名只取指标齐全的单位（在“融合度”页可更改）。",
        "The index uses the defaults: all data as basis, amounts and counts compared with units of the same size, "
        "equal weights, a missing metric scores the floor, the standard model; ranks use units with every metric "
        "(the integration page changes them).",
    ),
    "profile.no_score": (
        "该单位在当前视图中没有可排名的融合度得分（缺少党建或经营指标、数据不全，或由下属单位报送）。",
        "This unit has no ranked integration score in this view (a subsystem is missing, its data are incomplete, "
        "or its branches report).",
    ),
    "profile.history_title": ("融合度 D 与排名的变化", "Integration D and rank over time"),
    "profile.axis_rank": ("排名（1 = 最高）", "Rank (1 = highest)"),
    "profile.metrics": ("指标走势：与所属二级单位、集团对比", "Metrics against the subsidiary and the group"),
    "profile.metric_pick": ("选择指标", "Metrics"),
    "profile.series.unit": ("本单位", "This unit"),
    "profile.series.subsidiary": ("二级单位中位数", "Subsidiary median"),
    "profile.series.group": ("集团中位数", "Group median"),
    "profile.metrics_note": (
        "中位数取同一月份实际报送该指标的单位（含本单位），上级单位的汇总数不重复计入。"
        "次数、金额等规模类指标随单位大小而变，与中位数比较时请考虑单位规模。",
        "Medians are over the units that report the metric that month (this unit included); a parent's roll-up is "
        "not counted twice. Counts and amounts grow with a unit's size: bear it in mind against the medians.",
    ),
    "profile.metrics_title": ("{name}：指标走势", "{name}: metrics over time"),
    "profile.median_n": ("{n} 个单位的中位数", "median of {n} units"),
    "profile.lag_title": ("本单位党建与经营指标的滞后相关（探索性）", "This unit's lagged correlations (exploratory)"),
    "profile.lag_open": (
        "选择一对指标，查看本单位的滞后相关",
        "Pick a pair of metrics to see this unit's lagged correlation",
    ),
    "profile.x": ("党建指标（先行）", "Party-building metric (leads)"),
    "profile.y": ("经营指标（k 个月后）", "Business metric (k months later)"),
    "profile.exploratory_note": (
        "探索性：相邻月份彼此相似，本单位自己的月份作为独立观测实际比看上去少，因此按有效样本量 n_eff 检验，仅供描述。",
        "Exploratory: neighbouring months are alike, so a unit's own months are fewer independent observations "
        "than they look; p uses the effective sample size n_eff and describes, it does not prove.",
    ),
    "profile.lag_caution": (
        "只用本单位自己的月度序列：n 为成对的月份数，a_x、a_y 为两条序列相邻月份的自相关（负值按 0 计），"
        "n_eff = n·(1 − a_x·a_y)/(1 + a_x·a_y)；p 为按 n_eff − 2 自由度的 t 检验，置信区间按 n_eff 计算。"
        "n_eff 不足 10 时不计算 r（可在侧栏放宽起止月份）。相关不等于因果；跨单位的分析请用“相关性分析”页。",
        "Only this unit's own monthly series: n = months paired, a_x and a_y = the two series' month-to-month "
        "autocorrelations (negative taken as 0), n_eff = n·(1 − a_x·a_y)/(1 + a_x·a_y); p is the t test on "
        "n_eff − 2 degrees of freedom and the CI uses n_eff. Below an n_eff of 10 there is no r (widen the months "
        "in the sidebar). Correlation is not causation; for analyses across units use the Correlation page.",
    ),
    "profile.lag_chart_title": (
        "{x} → {y}：r 随滞后期变化（探索性，95% 置信区间按 n_eff）",
        "{x} → {y}: r by lag (exploratory; 95% confidence interval from n_eff)",
    ),
    "profile.n": ("n（成对月数）", "n (months paired)"),
    "profile.n_eff": ("有效 n_eff", "Effective n_eff"),
    "profile.a_x": ("自相关 a_x", "Autocorr. a_x"),
    "profile.a_y": ("自相关 a_y", "Autocorr. a_y"),
    "profile.p": ("p（按 n_eff）", "p (from n_eff)"),
    "profile.axis_lag": ("滞后期 k（月）", "Lag k (months)"),
    "profile.axis_r": ("Pearson r", "Pearson r"),
    "profile.lag": ("滞后期", "Lag"),
    "profile.ci_low": ("95% 置信区间下限", "95% CI low"),
    "profile.ci_high": ("95% 置信区间上限", "95% CI high"),
    "profile.insufficient": ("n_eff < 10", "n_eff < 10"),
    "profile.no_pair": (
        "该单位在当前视图中没有同时报送党建和经营指标，无法计算滞后相关。",
        "This unit does not report both party-building and business metrics in this view: no lagged correlation.",
    ),
    "profile.obstacle": ("当月短板（障碍度）", "This month's obstacles"),
    "profile.quality_title": ("数据质量提示", "Data-quality flags"),
    "profile.quality_none": (
        "未发现照抄上月、一律 100% 或异常跳变等情况。",
        "No copied months, uniform 100% scores or implausible jumps found.",
    ),
}
