"""``python -m pipeline.cli``: the same as the ``dispatches`` command."""
import sys

from pipeline.cli import main

sys.exit(main())
