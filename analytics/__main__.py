"""``python -m analytics``: the command line."""

import sys

from analytics.cli.main import main

sys.exit(main())
