"""The build: cached, parallel runs of the experiments, rendered to the site's files.

The only part of the package (with :mod:`course_code.cli`) that touches the disk:

- :mod:`~course_code.build.cache`: the two caches (Results; rendered pages), their keys, atomic writes;
- :mod:`~course_code.build.codec`: a ``Result`` as ``.npz`` + JSON, never pickle;
- :mod:`~course_code.build.render`: a ``Report`` to SVG figures, thumbnails, tables, metrics;
- :mod:`~course_code.build.runner`: :func:`build`, which does only the work that changed, and
  :func:`result`, one experiment's Result from the cache (the report notebooks use it);
- :mod:`~course_code.build.publish`: ``docs/generated/<name>/``, and where outputs are;
- :mod:`~course_code.build.sweep`: hyperparameter sweeps on Dask (the ``sweep`` extra).
"""

from __future__ import annotations

from .runner import BuildOutcome, build, result

__all__ = ["BuildOutcome", "build", "result"]
