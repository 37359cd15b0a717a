"""One error base for the whole library: every refusal has a stable code and fields (see AnalyticsError)."""
