"""The Streamlit layer's shared parts: the view state (filters in the URL), translations, cached data."""
