"""`python -m opsdesk` runs the CLI."""

import sys

from opsdesk.cli import main

sys.exit(main())
