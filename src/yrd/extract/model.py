"""Records extracted from a plan's text, each pointing back to its unit and character span.

Every record has ``eid`` (the unit), ``lang`` (the text it was read from, "zh" for now) and
``start``/``end``: offsets into ``unit.text[lang]`` so that ``text == unit.text[lang][start:end]``.
The kind-specific fields live on the subclasses; storage keeps them as one JSON object per record.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

Comparator = Literal[
    "ge", "gt", "le", "lt", "eq", "reach", "within", "reduce_by", "increase_by", "qualitative"
]
KINDS: tuple[str, ...] = ("target", "fact", "place", "project", "task")


class Span(BaseModel):
    """Where a record came from."""

    eid: str = Field(description="the unit's eId, e.g. chp_2__sec_4__para_3")
    lang: str = "zh"
    start: int = Field(ge=0, description="offset of the first character in the unit's text")
    end: int = Field(ge=0, description="offset after the last character")
    text: str = Field(description="the unit's text between start and end")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError("end before start")
        return self


class Target(Span):
    """A quantitative (or threshold-backed qualitative) goal: 到2025年，…达到70%."""

    kind: Literal["target"] = "target"
    indicator: str = Field(description="what is measured, in the text's words: 常住人口城镇化率")
    comparator: Comparator
    value: float | None = Field(description="the number in `unit`; None for a qualitative target")
    value_text: str = Field(description="the value as written: 2.2∶1, 507公里/万平方公里, 80%以上")
    unit: str = Field(description="%, 年, 岁, 万元, 公里/万平方公里, ratio, …")
    target_year: int | None
    base_year: int | None = None
    scope: str = Field(default="whole", description="whole, central-area, prefecture-and-above, …")
    threshold: str | None = Field(default=None, description="the standard a qualitative target implies")
    threshold_source: str | None = None


class Fact(Span):
    """A figure about the present state: 常住人口城镇化率超过60%."""

    kind: Literal["fact"] = "fact"
    indicator: str
    comparator: Literal["eq", "gt", "ge", "lt", "le", "approx", "reduce_by", "increase_by"] = "eq"
    value: float | None
    value_text: str
    unit: str
    ref_year: int | None = Field(description="the year the figure describes (stated, or the document's)")
    ref_year_stated: bool = False
    base_year: int | None = None
    scope: str = "whole"


class PlaceMention(Span):
    """A place named in the text, linked to a region or region group when it can be."""

    kind: Literal["place"] = "place"
    name: str
    region_code: str | None = Field(default=None, description="GB/T 2260 code of the region")
    group_code: str | None = Field(default=None, description="code of a region group (central-area, …)")
    status: Literal["resolved", "ambiguous", "unknown"] = "resolved"
    candidates: list[str] = Field(default_factory=list, description="codes when ambiguous")


class Project(Span):
    """A named project: a crossing, railway, airport, port, energy or water work, park, platform."""

    kind: Literal["project"] = "project"
    name: str
    type: str = Field(description="railway, expressway, crossing, airport, port, waterway, energy, water, "
                      "park, platform, science_facility, other")  # fmt: skip
    action: str | None = Field(default=None, description="建设, 改扩建, 规划建设 … when the text says")
    places: list[str] = Field(default_factory=list, description="GB/T 2260 codes of its places")


class Task(Span):
    """A measure the plan asks for (a paragraph's lead phrase and body) and who is responsible."""

    kind: Literal["task"] = "task"
    title: str = Field(description="the lead phrase, or the paragraph's first clause")
    bodies: list[str] = Field(
        description="responsible bodies: region codes or actor codes (leading_group_office)"
    )
    bodies_stated: bool = Field(description="False when the bodies are the Outline's default")
    horizon: int | None = Field(default=None, description="the year the plan period ends")


Record = Target | Fact | PlaceMention | Project | Task
