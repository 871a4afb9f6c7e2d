"""Shapes of the JSON API, named by role (`PlanPublic`, `PlansPublic`, …)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Links(BaseModel):
    self: str
    html: str


class PlanPublic(BaseModel):
    id: str
    title: dict[str, str] = Field(description="title per language (zh, en)")
    date: str | None = Field(description="date of issue, ISO 8601")
    issuer: dict[str, str]
    langs: list[str]
    counts: dict[str, int] = Field(description="chapters, sections, paragraphs, units with English")
    links: dict[str, str]


class PlansPublic(BaseModel):
    data: list[PlanPublic]
    count: int


class ProblemPublic(BaseModel):
    level: str
    message: str
    line: int | None = None
    source: str | None = None


class SourcePublic(BaseModel):
    name: str
    form: str
    encoding: str
    sha256: str
    loaded_at: str


class PlanDetail(PlanPublic):
    toc: list[dict[str, object]] = Field(description="the contents list as printed in the source")
    problems: list[ProblemPublic] = Field(
        description="warnings from loading: contents vs body, zh differences"
    )
    sources: list[SourcePublic]


class SearchHitPublic(BaseModel):
    plan_id: str
    id: str = Field(description="the unit's eId")
    kind: str
    lang: str
    citation: str
    heading: str
    snippet: str
    snippet_html: str = Field(description="HTML-escaped snippet with hits in <mark>")
    score: float
    links: dict[str, str]


class SearchResultsPublic(BaseModel):
    query: str
    total: int
    count: int
    data: list[SearchHitPublic]


class ErrorPublic(BaseModel):
    ok: bool = False
    error: str
    errors: list[dict[str, str]] = []
