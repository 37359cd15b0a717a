"""党建与生产经营融合分析 — the product's analytics library (no Streamlit here)."""

__version__ = "0.1.0"
