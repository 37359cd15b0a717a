"""Data & audit: batches with revert, the metric catalog and the unit registry (download, import)."""

import streamlit as st

from analytics.catalog import read_catalog_csv, write_catalog_csv
from analytics.db import connect
from analytics.registry import read_units_csv, save_metrics, save_units, units_csv
from ui import data
from ui.context import tr, view
from ui.widgets import batch_history

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
    upload = st.file_uploader(tr("audit.catalog_upload"), type=["csv"], key="catalog_csv")
    if upload is not None and st.button(tr("audit.catalog_upload"), key="save_catalog"):
        try:
            incoming = read_catalog_csv(upload.getvalue().decode("utf-8-sig"))
            with connect(current.db) as con:
                save_metrics(con, incoming)
            st.cache_data.clear()
            st.success(tr("audit.catalog_saved", n=len(incoming)))
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            st.error(tr("audit.bad_file", error=exc))

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
    upload = st.file_uploader(tr("audit.units_upload"), type=["csv"], key="units_csv")
    if upload is not None and st.button(tr("audit.units_upload"), key="save_units"):
        try:
            rows = read_units_csv(upload.getvalue().decode("utf-8-sig"))
            with connect(current.db) as con:
                save_units(con, rows)
            st.cache_data.clear()
            st.success(tr("audit.units_saved", n=len(rows)))
        except (ValueError, UnicodeDecodeError) as exc:
            st.error(tr("audit.bad_file", error=exc))
