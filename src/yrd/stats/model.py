"""The shapes shared by the registry, the observation store and the importers.

An *observation* is region × indicator × period → value. A *vintage* is one published version of
that value: a revised figure is a new vintage, the old one stays. `ObservationIn` is what an
importer hands to the store; `Observation` is what the store gives back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Direction = Literal["higher", "lower", "band", "none"]
Aggregation = Literal["sum", "weighted_mean", "ratio_of_sums", "formula", "none"]
Status = Literal["official", "provisional", "revised", "estimate", "secondary"]


class Indicator(BaseModel):
    """One measurable thing, as the reviewed registry file defines it."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. urbanization_rate")
    name_zh: str
    name_en: str
    unit: str = Field(description="the registry's unit; imports convert to it (%, 亿元, 万人 …)")
    definition_zh: str = ""
    definition_en: str = ""
    definition_source: str = Field(default="", description="where the definition comes from (NBS, MEE …)")
    direction: Direction = "none"
    band: tuple[float, float] | None = None
    aggregation: Aggregation = "none"
    weight: str | None = Field(default=None, description="indicator code weighting a weighted mean")
    numerator: str | None = Field(default=None, description="ratio_of_sums: indicator summed on top")
    denominator: str | None = Field(default=None, description="ratio_of_sums: indicator summed below")
    scale: float = Field(default=1.0, description="ratio_of_sums: numerator / denominator * scale, in `unit`")
    formula: str | None = Field(
        default=None,
        description="over other codes, `code@group` for a group's value: railway_length / land_area * 10000",
    )
    aliases: list[str] = Field(default_factory=list, description="portal labels and the plan's wording")
    min_value: float | None = None
    max_value: float | None = None
    targets: list[str] = Field(default_factory=list, description="ids of extracted targets it serves")
    note: str = Field(default="", description="caveats a reader must know (definition differences …)")
    headline_method: str | None = Field(
        default=None, description="the trend rule whose verdict heads the evaluation (default: open_sdg)"
    )
    headline_why: str = Field(default="", description="why this indicator's headline rule differs")


class ObservationIn(BaseModel):
    """One value as an importer read it, already resolved to registry codes and the registry unit."""

    region: str = Field(description="GB/T 2260 code or region-group code")
    indicator: str
    period: str = Field(pattern=r"^\d{4}(-(Q[1-4]|\d{2}))?$", description="2023, 2023-Q2 or 2023-06")
    value: float
    unit: str
    status: Status = "official"
    source: str = Field(description="publication, table, address")
    note: str = ""
    published: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="when the source published the figure (YYYY, YYYY-MM or YYYY-MM-DD), for `as_of` queries",
    )


class Observation(ObservationIn):
    """A stored vintage."""

    vintage: int = Field(description="1 for the first figure published, then 2, 3 … for revisions")
    batch: str = Field(description="the import batch it came in")
    recorded_at: str = Field(description="when it was imported (ISO 8601)")
    current: bool = Field(description="True for the latest vintage of its key")
