"""The command line, ``python -m analytics``: one parser table (:mod:`.parser`) whose handlers call services only."""
