"""Extraction: targets, facts, places, projects and tasks read out of a plan's text."""
