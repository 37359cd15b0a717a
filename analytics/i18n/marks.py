"""Translation table entries for what leaders' pages and exports say about months under the reporting cycle
(SPEC §8): months after the latest closed one are 初步 (preliminary), closed months changed later are 更正
(restated). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    "marks.preliminary": (
        "初步：{first} 起的月份尚未关账，数字在审核确认前仍可能变化。",
        "Preliminary: the months from {first} are not closed yet; their figures may still change until they are "
        "reviewed and confirmed.",
    ),
    "marks.preliminary_short": ("{first} 起为初步数据", "preliminary from {first}"),
    "marks.closed_default": (
        "默认显示到 {closed}，之后的月份尚未关账；可在侧栏“截止月份”中选择，届时标为初步。",
        "Shown up to {closed} by default: the later months are not closed yet. Choose them under “To month” in the "
        "sidebar; they are then marked preliminary.",
    ),
    "marks.restated": (
        "更正：{months} 关账后数据有更正（{reasons}）。",
        "Restated: {months} changed after closing ({reasons}).",
    ),
    "marks.restated_short": ("{months} 已更正", "{months} restated"),
}
