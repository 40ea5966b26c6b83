"""``python -m analysis.stats CASES.json [--out RESULTS.json]``."""

import sys

from .cases import main

sys.exit(main())
