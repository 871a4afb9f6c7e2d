"""Actors: who a plan makes responsible, and how to tell an actor from a place named as an object.

The vocabulary lives in ``yrd/data/actors.json``: the four provincial units with their GB/T 2260
codes and abbreviations (沪苏浙皖), names of several at once (三省一市), the bodies that are not
regions (领导小组办公室, 国家发展改革委, 有关部门 …) and the verbs that show an actor acting.

An actor phrase is a run of actors joined by 、/和/及/与 or written together (沪苏浙, 浙江温州:
the province qualifies the city, which is the actor). A phrase is an actor of the sentence only in
these positions (`roles`):

* subject: at the start of a clause and followed by a verb, optionally after an adverb
  (上海要…, 沪苏浙共同制定…, 上海市、江苏省、浙江省、安徽省作为…);
* supported: the object of 支持/鼓励/引导 … and followed by a verb (支持安徽打造…);
* agent: after 由 and followed by a verb (由沪苏浙共同编制);
* partner: after 会同 (领导小组办公室要会同三省一市和有关部门).

Everywhere else a place is an object or a location, not an actor: 发挥江苏制造业发达…优势,
鼓励沪苏浙一流大学…到安徽设立分支机构, 在浙江丽水开展…试点.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol


def _load() -> dict[str, Any]:
    return json.loads((resources.files("yrd") / "data" / "actors.json").read_text(encoding="utf-8"))


_DATA = _load()
PROVINCES: list[dict[str, str]] = _DATA["provinces"]
PROVINCE_CODES: tuple[str, ...] = tuple(p["code"] for p in PROVINCES)
PROVINCE_BY_ABBR: dict[str, str] = {p["abbr"]: p["code"] for p in PROVINCES}
NEIGHBOUR_ABBREVIATIONS: tuple[str, ...] = tuple(_DATA["neighbour_abbreviations"])
COMBINATIONS: dict[str, list[str]] = _DATA["combinations"]
ADVERBS: tuple[str, ...] = tuple(sorted(_DATA["adverbs"], key=len, reverse=True))
VERBS: tuple[str, ...] = tuple(sorted(_DATA["verbs"], key=len, reverse=True))
GOVERNING_VERBS: tuple[str, ...] = tuple(_DATA["governing_verbs"])
AGENT_MARKERS: tuple[str, ...] = tuple(_DATA["agent_markers"])
PARTNER_MARKERS: tuple[str, ...] = tuple(_DATA["partner_markers"])
# Adverbs that by themselves show the actor acts (上海要…, 沪苏浙共同…).
_MODALS = frozenset({"要", "应", "应当", "须", "必须", "共同", "联合", "分别"})
_CLAUSE_START = frozenset("，。；：！？—")
_JOINERS = frozenset("、和及与")


@dataclass(frozen=True)
class Body:
    """A responsible body that is not a region."""

    code: str
    name: str
    names: tuple[str, ...]


BODIES: tuple[Body, ...] = tuple(Body(b["code"], b["name"], tuple(b["names"])) for b in _DATA["bodies"])
_BODY_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    sorted(
        [(n, (b.code,)) for b in BODIES for n in b.names] + [(n, tuple(c)) for n, c in COMBINATIONS.items()],
        key=lambda item: -len(item[0]),
    )
)


def actor_names() -> dict[str, str]:
    """Every actor code with its Chinese name (provinces by their full names)."""
    names = {p["code"]: p["name"] for p in PROVINCES}
    names.update({b.code: b.name for b in BODIES})
    return names


class PlaceHitLike(Protocol):
    start: int
    end: int
    kind: str
    level: str | None

    @property
    def region_code(self) -> str | None: ...


@dataclass(frozen=True)
class ActorToken:
    """One actor in a text: a body, a combination or a division."""

    start: int
    end: int
    codes: tuple[str, ...]
    level: str | None = None


@dataclass(frozen=True)
class ActorPhrase:
    """Actors written together (上海市、江苏省、浙江省、安徽省), with the codes they stand for."""

    start: int
    end: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    """An actor phrase in one of the positions that make it responsible."""

    role: str  # subject | supported | agent | partner
    phrase: ActorPhrase


def body_tokens(text: str) -> list[ActorToken]:
    """Bodies and combinations named in a text, longest name first, not overlapping."""
    out: list[ActorToken] = []
    taken: list[tuple[int, int]] = []
    for name, codes in _BODY_NAMES:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(s < end and start < e for s, e in taken):
                out.append(ActorToken(start, end, codes))
                taken.append((start, end))
            start = text.find(name, end)
    return sorted(out, key=lambda t: t.start)


def actor_tokens(text: str, places: Sequence[PlaceHitLike]) -> list[ActorToken]:
    """Bodies, and divisions the place scan resolved (groups and informal areas are not actors)."""
    tokens = body_tokens(text)
    for hit in places:
        code = hit.region_code
        if code and not any(t.start < hit.end and hit.start < t.end for t in tokens):
            tokens.append(ActorToken(hit.start, hit.end, (code,), hit.level))
    return sorted(tokens, key=lambda t: t.start)


def _qualifies(first: ActorToken, second: ActorToken) -> bool:
    """浙江温州: a province written right before one of its own cities qualifies it."""
    return (
        first.end == second.start and first.level == "province" and second.level in ("prefecture", "county")
    )


def phrases(text: str, tokens: Sequence[ActorToken]) -> list[ActorPhrase]:
    """Group tokens written together or joined by 、和及与 into phrases."""
    out: list[ActorPhrase] = []
    group: list[ActorToken] = []

    def flush() -> None:
        if group:
            codes: list[str] = []
            for k, tok in enumerate(group):
                if k + 1 < len(group) and _qualifies(tok, group[k + 1]):
                    continue
                codes.extend(c for c in tok.codes if c not in codes)
            out.append(ActorPhrase(group[0].start, group[-1].end, tuple(codes)))
            group.clear()

    for tok in tokens:
        if group:
            gap = text[group[-1].end : tok.start]
            if not (gap == "" or (len(gap) == 1 and gap in _JOINERS)):
                flush()
        group.append(tok)
    flush()
    return out


def _strip(text: str, words: Sequence[str]) -> tuple[str, str | None]:
    word = next((w for w in words if text.startswith(w)), None)
    return (text[len(word) :], word) if word else (text, None)


def acts_next(text: str) -> bool:
    """Whether the text right after an actor is what it does: optional adverbs, then a verb."""
    rest = text
    modal = False
    for _ in range(3):
        rest, adverb = _strip(rest, ADVERBS)
        if adverb is None:
            break
        modal = modal or adverb in _MODALS
    return modal or any(rest.startswith(v) for v in VERBS)


def _clause_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _CLAUSE_START


def role_of(text: str, phrase: ActorPhrase) -> str | None:
    """The role a phrase plays in its sentence, or None when it is an object or a location."""
    before = text[: phrase.start]
    after = text[phrase.end :]
    if any(before.endswith(m) for m in PARTNER_MARKERS):
        return "partner"
    if any(before.endswith(m) for m in AGENT_MARKERS) and acts_next(after):
        return "agent"
    verb = next((v for v in GOVERNING_VERBS if before.endswith(v)), None)
    if verb and acts_next(after):
        return "supported"
    if _clause_initial(text, phrase.start) and acts_next(after):
        return "subject"
    return None


def roles(text: str, places: Sequence[PlaceHitLike]) -> list[Role]:
    """The actors of a paragraph in the positions that make them responsible, in text order."""
    out: list[Role] = []
    for phrase in phrases(text, actor_tokens(text, places)):
        role = role_of(text, phrase)
        if role:
            out.append(Role(role, phrase))
    return out
