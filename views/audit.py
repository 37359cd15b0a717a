"""Data & audit: batches with revert, the metric catalog and the unit registry (download, import)."""

from collections.abc import Callable

import streamlit as st

from analytics import audit
from analytics.catalog import read_catalog_csv, write_catalog_csv
from analytics.db import connect
from analytics.registry import read_units_csv, save_metrics, save_units, units_csv
from ui import data
from ui.auth import record_event
from ui.context import tr, view
from ui.widgets import batch_history


def csv_upload(kind: str, parse: Callable[[str], list], save: Callable[..., object]) -> None:
    """Upload a catalog or units CSV, parse it, save it in one transaction; errors are shown, nothing half-saved."""
    upload = st.file_uploader(tr(f"audit.{kind}_upload"), type=["csv"], key=f"{kind}_csv")
    if upload is None or not st.button(tr(f"audit.{kind}_upload"), key=f"save_{kind}"):
        return
    try:
        rows = parse(upload.getvalue().decode("utf-8-sig"))
        with connect(current.db) as con:
            save(con, rows)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        st.error(tr("audit.bad_file", error=exc))
        return
    record_event(
        current.db, audit.CATALOG if kind == "catalog" else audit.UNITS, {"file": upload.name, "rows": len(rows)}
    )
    data.after_write(current.db)
    st.success(tr(f"audit.{kind}_saved", n=len(rows)))


current = view()
version = data.version(current.db)
st.title(tr("page.audit"))
tab_batches, tab_catalog, tab_units = st.tabs([tr("import.history"), tr("audit.catalog"), tr("audit.units")])

with tab_batches:
    batch_history()

with tab_catalog:
    catalog = data.catalog(current.db, version)
    text = write_catalog_csv(list(catalog.metrics))
    st.dataframe([m.__dict__ for m in catalog.metrics], hide_index=True, width="stretch")
    st.download_button(tr("audit.download"), text.encode("utf-8"), file_name="metrics.csv", key="dl_metrics")
    csv_upload("catalog", read_catalog_csv, save_metrics)

with tab_units:
    registry = data.registry(current.db, version)
    st.dataframe(
        [
            {"code": u.code, "name": u.name, "parent_code": u.parent_code, "headcount": u.headcount}
            for u in registry.units
        ],
        hide_index=True,
        width="stretch",
    )
    with connect(current.db, read_only=True) as con:
        st.download_button(tr("audit.download"), units_csv(con).encode("utf-8"), file_name="units.csv", key="dl_units")
    csv_upload("units", read_units_csv, save_units)
