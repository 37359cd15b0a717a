"""勾稽规则 / Cross-checks (SPEC §8): the rules as a table and as a CSV to download; an admin imports a rules CSV
(refused whole, naming the row, as ``rules --import``); a dry run checks one rule — stored, or typed and not saved —
over the stored values of chosen months with the import's own check (analytics.services.rules.dry_run)."""

from pathlib import Path

import streamlit as st

from analytics.errors import AnalyticsError
from analytics.i18n import numbers as nf
from analytics.model.rules import OPS, SEVERITIES
from analytics.periods import parse_strict
from analytics.services import rules as service
from analytics.store.audit import record_export
from ui import data, widgets
from ui.auth import can
from ui.context import lang, tr, view

RESULT_KEY = "rules_dry_result"  # the last dry run, kept so that it stays shown (and follows the language)
FLASH_KEY = "rules_flash"
RULE_FIELDS = ("code", "left", "op", "right", "tolerance", "severity", "message")
FLAGGED_CONFIG = {
    "unit": tr("col.unit"),
    "name": tr("col.name"),
    "period": tr("col.period"),
    "left": tr("rules.col.left_value"),
    "right": tr("rules.col.right_value"),
    "difference": tr("rules.col.difference"),
}

current = view(live=True)
db = current.db
st.title(tr("rules.title"))
st.caption(tr("rules.intro"))
message = st.session_state.pop(FLASH_KEY, None)
if message:
    st.success(message)
rules, broken = service.rule_overview(db) if Path(db).exists() else ([], [])

# ---- the rules
if rules:
    st.markdown(tr("rules.count", n=len(rules)))
    widgets.table(service.rules_frame(rules, lang()), config={c: tr(f"rules.col.{c}") for c in RULE_FIELDS})
    if can("export"):  # as every download: for the roles that may export, and logged
        csv = service.rules_csv(rules).encode("utf-8-sig")  # with a BOM: Excel then reads the Chinese right
        logged = (db, st.session_state.get("user") or "app", "rules.csv", {"page": "rules"})
        st.download_button(tr("rules.download"), csv, file_name="rules.csv", mime="text/csv", key="rules_download",
                           on_click=record_export, args=logged)  # fmt: skip
else:
    st.info(tr("rules.none"))
if broken:
    st.warning(tr("rules.broken", codes=tr("sep.list").join(broken)))

# ---- an admin's rules file
st.subheader(tr("rules.upload_title"))
if can("manage"):
    upload = st.file_uploader(tr("rules.upload"), key="rules_csv", help=tr("rules.upload_help"))
    if st.button(tr("rules.upload_button"), key="rules_import", type="primary", disabled=upload is None):
        user = st.session_state.get("user") or "app"
        try:
            text = service.decode_csv(upload.getvalue(), upload.name)
            saved = service.import_rules_text(db, text, user, upload.name)
        except AnalyticsError as exc:  # a bad row (named), an undecodable file, a busy database: nothing changed
            st.error(exc.message(lang()))
        else:
            codes = tr("sep.list").join(r.code for r in saved)
            st.session_state[FLASH_KEY] = tr("rules.imported", n=len(saved), codes=codes)
            st.rerun()
else:
    st.caption(tr("rules.admin_only"))

# ---- a dry run
st.subheader(tr("rules.dry_title"))
st.caption(tr("rules.dry_help"))
months = data.months(db) if data.has_data(db) else []
if not months:
    st.info(tr("rules.dry_no_data"))
    st.stop()
sources = ("stored", "typed") if rules else ("typed",)
words = {s: tr(f"rules.dry_source.{s}") for s in sources}  # fixed now, not in the language of a later call
source = st.radio(tr("rules.dry_source"), sources, key="rules_dry_source", horizontal=True, format_func=words.get)
year_start = next((m for m in months if m[:4] == months[-1][:4]), months[0])  # the latest year, by default
with st.form("rules_dry"):
    if source == "stored":
        labels = {r.code: f"{r.code}: {r.left} {r.op} {r.right}" for r in rules}
        picked = st.selectbox(tr("rules.dry_pick"), list(labels), key="rules_dry_code", format_func=labels.get)
    else:
        top, bottom = st.columns([1, 3]), st.columns([2, 1, 2, 1, 1])
        code = top[0].text_input(tr("rules.col.code"), value="TRY", key="rules_dry_new_code")
        left = bottom[0].text_input(tr("rules.col.left"), key="rules_dry_left", placeholder="total_profit")
        op = bottom[1].selectbox(tr("rules.col.op"), OPS, key="rules_dry_op")
        right = bottom[2].text_input(tr("rules.col.right"), key="rules_dry_right", placeholder="revenue * 0.2")
        tolerance = bottom[3].text_input(tr("rules.col.tolerance"), value="0", key="rules_dry_tolerance")
        levels = {s: tr(f"rules.severity.{s}") for s in SEVERITIES}
        severity = bottom[4].selectbox(tr("rules.col.severity"), SEVERITIES, key="rules_dry_severity",
                                       format_func=levels.get)  # fmt: skip
    first, last = st.columns(2)
    start = first.selectbox(tr("ui.from"), months, index=months.index(year_start), key="rules_dry_from")
    end = last.selectbox(tr("ui.to"), months, index=len(months) - 1, key="rules_dry_to")
    run = st.form_submit_button(tr("rules.dry_run"), type="primary")
if run:
    st.session_state.pop(RESULT_KEY, None)
    if start > end:
        st.error(tr("rules.dry_order"))
    else:
        try:
            rule = picked if source == "stored" else service.typed_rule(
                db, {"code": code, "left": left, "op": op, "right": right, "tolerance": tolerance, "severity": severity}
            )  # fmt: skip
            st.session_state[RESULT_KEY] = service.dry_run(db, rule, parse_strict(start), parse_strict(end))
        except AnalyticsError as exc:
            st.error(exc.message(lang()))
result = st.session_state.get(RESULT_KEY)
if result is not None:
    (st.warning if result.count else st.success)(result.sentence(lang()))
    if result.count:
        amounts = dict.fromkeys(("left", "right", "difference"), nf.AMOUNT)  # "1,234.5": decimals by size
        widgets.table(nf.text_table(result.flagged, amounts), config=FLAGGED_CONFIG)
