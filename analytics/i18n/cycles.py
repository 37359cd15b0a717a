"""Translation table entries for the monthly reporting cycle (SPEC §8): states, statuses, actions, the refusals
(``error.cycle.*``), the import issue of a closed month, and the audit log's words for cycle entries.
Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {
    # a month's cycle
    "cycle.state.none": ("未开启", "not opened"),
    "cycle.state.open": ("填报中", "open"),
    "cycle.state.closed": ("已关账", "closed"),
    # a reporting unit's status
    "cycle.status.missing": ("未报", "missing"),
    "cycle.status.submitted": ("已报待审", "submitted"),
    "cycle.status.returned": ("已退回", "returned"),
    "cycle.status.approved": ("已审核", "approved"),
    "cycle.status.confirmed": ("已确认", "confirmed"),
    "cycle.status.excused": ("免报", "excused"),
    # what was asked for, as a verb after 不能 / cannot
    "cycle.action.open": ("开启填报周期", "open the cycle"),
    "cycle.action.close": ("关账", "close the month"),
    "cycle.action.reopen": ("重新开启", "reopen the month"),
    "cycle.action.restate": ("更正已关账月份的数据", "restate a closed month"),
    "cycle.action.submit": ("报送", "submit"),
    "cycle.action.approve": ("审核通过", "approve"),
    "cycle.action.return": ("退回", "return"),
    "cycle.action.confirm": ("确认", "confirm"),
    "cycle.action.excuse": ("免报", "excuse"),
    # one unit with its status, in a list
    "cycle.unit_status": ("{unit}（{status}）", "{unit} ({status})"),
    "cycle.restated": ("更正", "restated"),
    # refusals (exit 1; nothing changes)
    "error.cycle": ("填报周期的操作被拒绝。", "The reporting-cycle change was refused."),
    "error.cycle.state": (
        "{period} 的填报周期状态为“{state}”，不能{action}。",
        "The reporting cycle of {period} is {state}: cannot {action}.",
    ),
    "error.cycle.transition": (
        "{period} 当前状态不允许{action}：{units}。",
        "In {period}, cannot {action} from the current status: {units}.",
    ),
    "error.cycle.close_blocked": (
        "{period} 不能关账：{n} 个单位尚未确认或免报：{units}。",
        "{period} cannot close: {n} units are neither confirmed nor excused: {units}.",
    ),
    "error.cycle.needs_reason": ("{action}须填写原因（--reason）。", "A reason is needed to {action} (--reason)."),
    "error.cycle.not_permitted": ("{user}（{role}）无权{action}。", "{user} ({role}) may not {action}."),
    "error.cycle.out_of_scope": (
        "{user} 无权{action}以下单位（不在其负责范围内）：{units}。",
        "{user} may not {action} units outside their scope: {units}.",
    ),
    "error.cycle.unknown_user": ("没有用户 {name}。", "There is no user {name}."),
    "error.cycle.month_closed": (
        "{periods} 已关账：导入须由管理员以更正方式进行（--restate --reason）。",
        "{periods} is closed: only an administrator's restatement may change it (--restate --reason).",
    ),
    "error.cycle.bad_deadline": (
        "截止日期 {deadline} 早于 {period} 本身。",
        "The deadline {deadline} is before {period} itself.",
    ),
    # the import issue of a closed month (SPEC §8)
    "issue.month_closed": (
        "{period} 已关账，不能再导入该月数据；如需更正，请由管理员以更正方式导入并说明原因。",
        "{period} is closed; its data cannot be imported again. An administrator may restate it with a reason.",
    ),
    "issue_kind.month_closed": ("月份已关账", "Month closed"),
    # the audit log
    "audit.action.cycle_open": ("开启填报周期", "Cycle opened"),
    "audit.action.cycle_close": ("关账", "Month closed"),
    "audit.action.cycle_reopen": ("重新开启", "Month reopened"),
    "audit.action.unit_status": ("填报状态变更", "Reporting status changed"),
    "audit.action.review_refused": ("审核操作被拒绝", "Review refused"),
    "audit.key.period": ("月份", "month"),
    "audit.key.periods": ("月份", "months"),
    "audit.key.status": ("状态", "status"),
    "audit.key.deadline": ("截止日期", "deadline"),
    "audit.key.action": ("操作", "action"),
    "audit.key.restated": ("更正原因", "restated because"),
    "audit.value.reviewer": ("审核人", "reviewer"),
    "audit.value.open": ("填报中", "open"),
    "audit.value.closed": ("已关账", "closed"),
    "audit.value.missing": ("未报", "missing"),
    "audit.value.submitted": ("已报待审", "submitted"),
    "audit.value.returned": ("已退回", "returned"),
    "audit.value.approved": ("已审核", "approved"),
    "audit.value.confirmed": ("已确认", "confirmed"),
    "audit.value.excused": ("免报", "excused"),
    "audit.value.approve": ("审核通过", "approve"),
    "audit.value.return": ("退回", "return"),
    "audit.value.confirm": ("确认", "confirm"),
    "audit.value.excuse": ("免报", "excuse"),
    "auth.role.reviewer": ("审核人", "reviewer"),
}
