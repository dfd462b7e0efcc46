"""Entry point of ``python -m etl``."""

import sys

from etl.cli import main

sys.exit(main())
