"""Golden files: compare output with `case.expected.json`; `YRD_REGEN=1` rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def check(actual: Any, expected_path: Path) -> None:
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("YRD_REGEN") == "1" or not expected_path.exists():
        if os.environ.get("CI", "").lower() == "true":
            raise AssertionError(f"golden file missing in CI: {expected_path}")
        expected_path.write_text(text, "utf-8")
        return
    expected = json.loads(expected_path.read_text("utf-8"))
    assert actual == expected, f"differs from {expected_path.name}; YRD_REGEN=1 to accept after review"
