"""Statistics: the indicator registry, observations with provenance and vintages, importers."""
