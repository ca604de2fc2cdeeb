"""``python -m course_code``: see :mod:`course_code.cli`."""

import sys

from .cli import main

sys.exit(main())
