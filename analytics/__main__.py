"""``python -m analytics``: the command line."""

import sys

from analytics.cli import main

sys.exit(main())
