"""Fixtures of the report tests: the SYNTHETIC sample report in each language (see sample.py)."""

from __future__ import annotations

import pytest

from tests.reports.sample import sample_report
from yrd.reports import Report


@pytest.fixture(scope="module", params=["zh", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def report(lang: str) -> Report:
    return sample_report(lang)
