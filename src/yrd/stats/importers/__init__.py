"""Importers of observations: tidy CSV/Excel, NBS portal exports, wide yearbook tables with a mapping.

One reader per format on shared stages (`base`): bytes → grid → raw records → checked observations.
`import_files` is the entry point; a file with any error writes nothing.
"""

from yrd.stats.importers.base import FIRST_PERIOD, LAST_PERIOD, MAX_SHOWN, ImportFailed, Issue, Regions
from yrd.stats.importers.run import FORMATS, ImportReport, import_files, parse_files
from yrd.stats.importers.wide import Mapping, read_mapping

__all__ = [
    "FIRST_PERIOD",
    "FORMATS",
    "LAST_PERIOD",
    "MAX_SHOWN",
    "ImportFailed",
    "ImportReport",
    "Issue",
    "Mapping",
    "Regions",
    "import_files",
    "parse_files",
    "read_mapping",
]
