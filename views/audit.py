"""Data & audit: batches with revert, the metric catalog and the unit registry (download, import).

Planners use this page for the batch history; changing the units or the catalog needs ``manage`` (admins), so
their uploads are not even shown to anyone else — a planner could otherwise move another subsidiary's unit under
their own and then import for it.
"""

from collections.abc import Callable

import streamlit as st

from analytics.figures.records import catalog_table, units_table
from analytics.model.catalog import read_catalog_csv, write_catalog_csv
from analytics.model.master_data import MasterDataError
from analytics.model.units import read_units_csv
from analytics.settings import max_file_mb
from analytics.store import audit
from analytics.store.audit import record_export
from analytics.store.connection import DatabaseBusy, connect
from analytics.store.metrics import save_metrics
from analytics.store.units import save_units, units_csv
from ui import data
from ui.auth import can, record_event, require_permission
from ui.context import lang, tr, view
from ui.widgets import batch_history, table


def csv_upload(kind: str, parse: Callable[[str], list], save: Callable[..., object], **options: object) -> None:
    """Upload a catalog or units CSV, parse it, save it in one transaction; errors are shown, nothing half-saved."""
    # no ``type=``: the widget would refuse other files in English; the check below says it in the UI language
    mb = max_file_mb()
    upload = st.file_uploader(tr(f"audit.{kind}_upload"), key=f"{kind}_csv", help=tr("ui.upload_help", mb=mb))
    if upload is not None and not upload.name.lower().endswith(".csv"):
        st.error(tr("audit.not_csv", name=upload.name))
        return
    if upload is None or not st.button(tr(f"audit.{kind}_upload"), key=f"save_{kind}"):
        return
    try:
        rows = parse(upload.getvalue().decode("utf-8-sig"))
        with connect(current.db) as con:
            save(con, rows, **options)
    except MasterDataError as exc:
        st.error(tr("audit.bad_file", error=exc.message(lang())))
        return
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        st.error(tr("audit.bad_file", error=exc))
        return
    except DatabaseBusy:
        st.error(tr("ui.busy"))
        return
    record_event(
        current.db,
        audit.CATALOG if kind == "catalog" else audit.UNITS,
        {"file": upload.name, "rows": len(rows), **options},
    )
    data.after_write(current.db)
    st.success(tr(f"audit.{kind}_saved", n=len(rows)))


require_permission("import")
current = view(live=True)
version = data.version(current.db)
may_manage, may_export = can("manage"), can("export")
actor = st.session_state.get("user") or "app"
st.title(tr("page.audit"))
tab_batches, tab_catalog, tab_units = st.tabs([tr("import.history"), tr("audit.catalog"), tr("audit.units")])

with tab_batches:
    batch_history()

with tab_catalog:
    catalog = data.catalog(current.db, version)
    table(catalog_table(catalog.metrics, lang()))
    if may_export:
        text = write_catalog_csv(list(catalog.metrics))
        logged = (current.db, actor, "metrics.csv", {"page": "data"})
        st.download_button(tr("audit.download"), text.encode("utf-8"), file_name="metrics.csv", key="dl_metrics",
                           on_click=record_export, args=logged)  # fmt: skip
    if may_manage:
        replace = st.checkbox(tr("audit.catalog_replace"), key="catalog_replace")
        csv_upload("catalog", read_catalog_csv, save_metrics, replace=replace)
    else:
        st.caption(tr("audit.admin_only"))

with tab_units:
    registry = data.registry(current.db, version)
    table(units_table(registry.units, lang()))
    if may_export:
        with connect(current.db, read_only=True) as con:
            units_text = units_csv(con)
        logged = (current.db, actor, "units.csv", {"page": "data"})
        st.download_button(tr("audit.download"), units_text.encode("utf-8"), file_name="units.csv", key="dl_units",
                           on_click=record_export, args=logged)  # fmt: skip
    if may_manage:
        csv_upload("units", read_units_csv, save_units)
    else:
        st.caption(tr("audit.admin_only"))
