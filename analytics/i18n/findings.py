"""Translation table entries for the plain-language sentence of a finding (analytics.stats.findings): key → (zh, en).

Merged into analytics.i18n.TEXT.
"""

TEXT: dict[str, tuple[str, str]] = {
    "finding.level.twoway": (
        "扣除各单位自身水平和全集团各月共同波动（如春节）后",
        "After removing each unit's own level and the group-wide swings of each month (such as the Spring Festival)",
    ),
    "finding.level.within": ("扣除各单位自身水平后", "After removing each unit's own level"),
    "finding.scale.unit": ("，各单位同等权重", ", each unit weighted equally"),
    "finding.scale.none": ("，按原始数值", ", on the values as reported"),
    "finding.sign.1": ("同向变化（正相关）", "moves together with"),
    "finding.sign.-1": ("反向变化（负相关）", "moves opposite to"),
    "finding.lag.0": ("同月的{y}", "{y} in the same month"),
    "finding.lag.1": ("一个月后的{y}", "{y} one month later"),
    # a month count in words, as a lag says it (digits in Chinese past ten, in both past twelve)
    "finding.count.0": ("零", "zero"),
    "finding.count.1": ("一", "one"),
    "finding.count.2": ("两", "two"),
    "finding.count.3": ("三", "three"),
    "finding.count.4": ("四", "four"),
    "finding.count.5": ("五", "five"),
    "finding.count.6": ("六", "six"),
    "finding.count.7": ("七", "seven"),
    "finding.count.8": ("八", "eight"),
    "finding.count.9": ("九", "nine"),
    "finding.count.10": ("十", "ten"),
    "finding.count.11": ("11", "eleven"),
    "finding.count.12": ("12", "twelve"),
    "finding.lag.k": ("{k}个月后的{y}", "{y} {k} months later"),
    "finding.sentence": (
        "{lead}{scale}，{x}与{lagged}{sign}：r = {r}（95% 置信区间 {low}～{high}），q {q}，"
        "基于 {g} 个单位的 {n} 组月度数据。{direction}",
        "{lead}{scale}, {x} {sign} {lagged}: r = {r} (95% CI {low} to {high}), q {q}, "
        "from {n} unit-months in {g} units. {direction}",
    ),
    "finding.direction.leads": (
        "反向检验（{y}在前）不显著，{x}的变化在前。",
        "The reverse check ({y} first) is not significant: {x} moves first.",
    ),
    "finding.direction.unclear": (
        "反向滞后同样相关，先后方向不明，只能说两者一同变化。",
        "The reverse lag is related too: the two move together, direction unclear.",
    ),
    "finding.direction.same_month": (
        "两者在同一月份一同变化，先后方向无从判断。",
        "They move in the same month: no order can be read.",
    ),
    "finding.lower_better": ("（越低越好）", " (lower is better)"),
    "finding.causation": (
        "相关不等于因果：这只说明两项指标一同变化，不能证明党建工作导致了生产经营的变化。",
        "Correlation is not causation: the two metrics move together, which does not show that party-building work "
        "caused the change in operations.",
    ),
}
