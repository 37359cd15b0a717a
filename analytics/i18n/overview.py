"""Translation table entries for the overview pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # page
    "overview.title": ("集团总览", "Group overview"),
    "overview.no_view_data": (
        "所选月份范围内没有数据，请在侧栏调整起止月份。",
        "The chosen months hold no data; adjust the months in the sidebar.",
    ),
    "overview.asof": (
        "数据截至 {period}（所选范围 {start} 至 {period}）。指标卡为集团口径，环比＝较上月，同比＝较上年同月。",
        "Data as of {period} (view {start} to {period}). Cards show group figures; MoM = vs the previous month, "
        "YoY = vs the same month a year earlier.",
    ),
    "overview.kpis": ("关键指标", "Key figures"),
    # a month only some units have reported in (analytics.stats.coverage)
    "overview.partial_month": (
        "{period}：仅 {units} 个单位报送了 {metrics}",
        "{period}: only {units} units have reported, {metrics}",
    ),
    "overview.partial_month_one": (
        "{period}：仅 {units} 个单位报送了 {metrics}",
        "{period}: only {units} unit has reported, {metrics}",
    ),
    "overview.n_metrics": ("{n} 项指标", "{n} metrics"),
    "overview.n_metrics_one": ("{n} 项指标", "{n} metric"),
    "overview.partial_usual": (
        "（此前月份最多 {units} 个单位、{metrics} 项指标）。本月尚未报齐：报送单位不足常规一半的数字不作为集团数，"
        "也不排名。",
        " (up to {units} units and {metrics} metrics in earlier months). The month is not complete: a figure that "
        "fewer than half the usual units are behind is not shown as a group figure, and units are not ranked.",
    ),
    "overview.partial_last_full": (
        "最近一个报齐的月份是 {period}，可在侧栏把截止月份设为 {period} 查看。",
        " The latest complete month is {period}: set the end month to {period} in the sidebar to see it.",
    ),
    "overview.ranking_withheld": (
        "{period} 仅 {n} 个单位指标齐全（此前月份最多 {usual} 个），不足以排名。",
        "{period}: only {n} units have every metric (up to {usual} in earlier months), too few to rank.",
    ),
    "overview.card_thin": (
        "{period} 仅 {n} 个单位报送（此前最多 {usual} 个），不计集团数",
        "{period}: only {n} of up to {usual} units reported, no group figure",
    ),
    "overview.card_none": ("{period} 尚无单位报送", "{period}: no unit has reported yet"),
    "overview.card_thin_d": (
        "{period} 仅 {n} 个单位指标齐全（此前最多 {usual} 个），不计平均",
        "{period}: only {n} of up to {usual} units have every metric, no mean",
    ),
    "overview.card_none_d": ("{period} 尚无指标齐全的单位", "{period}: no unit has every metric yet"),
    "overview.trend_title": ("融合度走势", "Integration index over time"),
    "overview.trend_caption": (
        "融合度 D（耦合协调度，0–1）为指标齐全单位 D 的简单平均；色带为十级协调等级。归一化与权重的基准见下方口径"
        "（默认全部数据：调整月份范围不改变各单位得分）。D 描述两类指标的协调程度，不说明因果关系。",
        "D (coupling coordination, 0–1) is the plain mean of the D of units with every metric; the bands are the "
        "ten coordination levels. The basis of normalisation and weights is stated below (by default all data, so "
        "changing the months does not change a unit's score). D describes how well the two sets of figures move "
        "together; it says nothing about cause and effect.",
    ),
    "overview.ranking_title": ("融合度排名（{period}）", "Ranking by integration index ({period})"),
    "overview.no_ranking": (
        "{period} 没有可计算融合度的单位（需同时报送党建指标和生产经营指标）。",
        "No unit can be scored for {period} (it needs both party-building and business metrics).",
    ),
    "overview.list_size": ("红黑榜单位数", "Units per list"),
    "overview.red_list": ("红榜（D 最高）", "Red list (highest D)"),
    "overview.black_list": ("黑榜（D 最低）", "Black list (lowest D)"),
    "overview.ranking_caption": (
        "共 {n} 个单位参与排名（有子单位报送的上级单位不单独计分）。",
        "{n} units ranked (a parent whose units report is not scored on its own).",
    ),
    "overview.reporting_title": ("填报情况", "Reporting"),
    "overview.reporting_line": (
        "{period}：{total} 个填报单位中 {reported} 个已报齐，{partial} 个部分报送，{missing} 个未报送。",
        "{period}: of {total} reporting units, {reported} reported in full, {partial} in part, {missing} not at all.",
    ),
    "overview.reporting_link": ("查看各单位填报情况", "See who has reported"),
    "overview.alerts_title": ("提醒（{period}）", "Alerts ({period})"),
    "overview.alerts_none": ("{period} 没有需要提醒的事项。", "Nothing to flag for {period}."),
    "overview.alerts_caption": (
        "提醒用于核对数据，不是对单位的评价：未报送、融合度等级较上月下降，"
        "以及疑似照抄上月、百分比全为 100、数值异常跳变。",
        "Alerts are for checking the data, not verdicts on units: not reported, integration level down on the "
        "previous month, and figures that look copied from last month, all 100%, or implausible jumps.",
    ),
    "overview.flags_title": (
        "近 {months} 个月数据质量提示（{n} 条）",
        "Data-quality flags over the last {months} months ({n})",
    ),
    "overview.not_causal": (
        "说明：本页为描述性统计。相关或同步变化不等于因果关系。",
        "Note: this page is descriptive. Moving together is not cause and effect.",
    ),
    # KPI cards
    "overview.d_name": ("融合度 D（单位平均）", "Integration index D (unit mean)"),
    "overview.pp": ("百分点", "pp"),
    "overview.mom": ("环比", "MoM"),
    "overview.mom_line": ("环比{against}", "MoM {against}"),
    "overview.units_before": ("（上月 {n} 个）", " (previous month: {n})"),
    "overview.against": ("较 {period}", "vs {period}"),
    "overview.against_some": ("较 {period}，{n} 个单位同口径", "vs {period}, {n} units like for like"),
    "overview.mom_none": ("环比：{period} 无数据", "MoM: no data for {period}"),
    "overview.yoy": ("同比 {change}（{against}）", "YoY {change} ({against})"),
    "overview.yoy_none": ("同比：{period} 无数据", "YoY: no data for {period}"),
    "overview.how_sum": ("{n} 个单位合计", "sum of {n} units"),
    "overview.how_mean": ("{n} 个单位简单平均", "plain mean of {n} units"),
    "overview.how_sum_stock": ("{n} 个单位期末数合计", "sum of {n} units' month-end stock"),
    "overview.how_mean_stock": ("{n} 个单位期末数简单平均", "plain mean of {n} units' month-end figures"),
    "overview.how_d": ("{n} 个单位平均", "mean of {n} units"),
    "overview.change_points": (
        "百分比指标的变化以百分点表示（两期之差）。环比、同比按两期都报送的单位同口径计算。",
        "Changes of a percentage are in percentage points (pp): the difference of the two months. Month-on-month "
        "and year-on-year compare like for like: only the units that reported in both months.",
    ),
    "overview.change_relative": (
        "变化为相对变化率（本期÷比较期−1），比较期为 0 时显示差值。环比、同比按两期都报送的单位同口径计算。",
        "Changes are relative (this month ÷ comparison month − 1), the difference when the base is 0. "
        "Month-on-month and year-on-year compare like for like: only the units that reported in both months.",
    ),
    "overview.change_difference": (
        "计数指标的变化为两期之差（如 1 起变为 6 起记为 +5 起）。环比、同比按两期都报送的单位同口径计算。",
        "Changes of a count are the difference of the two months (1 to 6 incidents is +5 incidents). "
        "Month-on-month and year-on-year compare like for like: only the units that reported in both months.",
    ),
    "overview.change_index": (
        "融合度变化为两期 D 之差，按两期都有 D 的单位同口径计算。",
        "Changes of D are the difference of the two months' mean D over the units scored in both.",
    ),
    # tables
    "overview.col_rank": ("名次", "Rank"),
    "overview.col_d": ("融合度 D", "D"),
    "overview.col_level": ("协调等级", "Level"),
    "overview.col_lagging": ("滞后子系统", "Lagging side"),
    "overview.col_kind": ("类型", "Kind"),
    "overview.col_detail": ("说明", "Detail"),
    "overview.lagging_party": ("党建滞后", "party building lags"),
    "overview.lagging_business": ("经营滞后", "business lags"),
    "overview.lagging_balanced": ("同步", "balanced"),
    "overview.lagging_None": ("—", "—"),
    "overview.kind_missing": ("未报送", "Not reported"),
    "overview.kind_partial": ("部分报送", "Partly reported"),
    "overview.kind_level_drop": ("等级下降", "Level down"),
    "overview.kind_jump": ("异常跳变", "Implausible jump"),
    "overview.kind_copied": ("疑似照抄上月", "Looks copied"),
    "overview.kind_uniform_100": ("百分比全为100", "All 100%"),
    "overview.alert_missing": (
        "本月未报送任何指标（应报 {expected} 项）。",
        "Reported none of the {expected} metrics expected this month.",
    ),
    "overview.alert_partial": (
        "本月只报送了 {values}/{expected} 项指标。",
        "Reported {values} of the {expected} metrics expected this month.",
    ),
    "overview.alert_drop": (
        "融合度等级：{level0}（D={d0}）→ {level1}（D={d1}）",
        "Coordination level: {level0} (D={d0}) → {level1} (D={d1})",
    ),
    # figures
    "overview.fig_trend_title": ("集团融合度 D 走势（各单位平均）", "Group integration index D (mean over units)"),
    "overview.fig_trend_hover": (
        "%{x}<br>平均 D = %{y:.3f}<br>%{customdata} 个单位",
        "%{x}<br>mean D = %{y:.3f}<br>%{customdata} units",
    ),
    "overview.fig_month": ("月份", "Month"),
    "overview.fig_d_axis": ("融合度 D（0–1）", "Integration index D (0–1)"),
    "overview.fig_ranking_title": (
        "{period} 各单位融合度 D：红榜与黑榜",
        "Integration index D by unit, {period}: red and black lists",
    ),
    "overview.fig_rank_hover": (
        "%{y}<br>第 %{customdata} 名<br>D = %{x:.3f}",
        "%{y}<br>rank %{customdata}<br>D = %{x:.3f}",
    ),
    "overview.fig_gap": ("⋯ 中间 {n} 个单位略 ⋯", "⋯ {n} units in between not shown ⋯"),
    "overview.fig_level_legend": ("协调等级", "Coordination level"),
    # data-quality flags (analytics.stats.quality)
    "quality.copied": (
        "{n} 项可比指标中 {same} 项（{share}）与上月完全相同，请核实是否照抄上月数据。",
        "{same} of {n} comparable metrics ({share}) are identical to last month: check they were not copied.",
    ),
    "quality.uniform_100": (
        "所报 {n} 项党建百分比指标全部为 100%，请核实是否如实填报。",
        "All {n} party-building percentages reported are exactly 100%: check they were reported as they are.",
    ),
    "quality.jump_ratio": (
        "{metric}为 {value}，与该单位中位数 {median} 相差 {times} 倍，请核对是否为元/万元等单位错误。",
        "{metric} is {value}, {times}× away from this unit's median {median}: check for a 元/万元 slip.",
    ),
    "quality.jump_change": (
        "{metric}为 {value}，较上月变化 {change}，是该单位通常月度变化 {usual} 的 {times} 倍，"
        "且不是当月各单位的共同变动，请核实。",
        "{metric} is {value}, {change} on last month: {times}× this unit's usual monthly change of {usual}, "
        "and not a movement the other units shared. Please check.",
    ),
}
