"""Run every experiment (cached, in parallel) into docs/generated/: what `make site` calls first.

Same as `python -m course_code build`; arguments are passed through (e.g. `--force`, `--jobs 1`,
or experiment names).
"""

import sys

from course_code.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
