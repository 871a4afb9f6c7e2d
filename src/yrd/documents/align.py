"""Aligning a Chinese plan with its English translation, unit by unit, and merging copies.

Three layers, each usable on its own:

`align_sequences`
    A Gale–Church dynamic programme over two lists of paragraphs. Each *bead* pairs 1–1, 1–0,
    0–1, 2–1 or 1–2 paragraphs; its cost is the improbability of the English length given the
    Chinese length, plus the agreement of anchors that survive translation (numbers, years,
    percentages, Latin tokens such as PM2.5, GDP, 5G, G60), of genre terms and place names (a
    small glossary), of lead phrases and of sentence counts. A forward–backward pass turns the
    costs into the posterior probability of each chosen bead, so that a pairing the data leave
    open gets a low score. docs/alignment.md gives the model and its measured constants.
`align_trees`
    Two trees of one plan (one per language): headings pair by kind and number (their eIds), the
    strong anchors; the paragraphs between two anchored headings are aligned by `align_sequences`.
    A heading missing on one side only widens the stretch the paragraphs are aligned over.
`merge_official`
    Copies English from a bilingual plan onto the official Chinese plan by eId and reports where
    the two Chinese texts differ beyond punctuation width and spacing. The official text wins.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from yrd.documents.locales import EN, ZH, Locale
from yrd.documents.model import Plan, Problem, Unit

# Prior of each bead shape (zh count, en count). Gale and Church's figures are for sentences; a plan's
# translation keeps its paragraphs, so merged, split, missing or added paragraphs are all rare.
# A Chinese paragraph split in two in English is rarer than an English line with no Chinese at all
# (a translator's note, a line of the page's menus).
MOVES: dict[tuple[int, int], float] = {(1, 1): 0.96, (1, 0): 0.01, (0, 1): 0.01, (2, 1): 0.01, (1, 2): 0.003}
DEFAULT_RATIO = 5.5  # English characters per Chinese character in plan outlines (measured, see docs)
_RATIO_PRIOR_WEIGHT = 100  # Chinese characters' worth of belief in DEFAULT_RATIO
_RATIO_TOLERANCE = 0.02  # a second pass only when the paired paragraphs' ratio differs by more
# Spread of log(English length / Chinese length): measured on the Outline (docs/alignment.md).
_SIGMA_LONG = 0.08  # for long paragraphs
_SIGMA_SHORT_SQ = 0.5  # added variance × Chinese length, which dominates for short headings
_OUTLIER_SHARE, _OUTLIER_WIDTH = 0.1, 3.0  # a tenth of pairs spread three times wider
HEADING_KINDS = frozenset({"preamble", "part", "chapter", "section"})
_ANCHOR_WEIGHT = 1.5  # nats gained (or lost) per anchor found (or missed), at most three anchors
# Glossary terms: weaker anchors, as a translation may word a term otherwise; a pairing is expected
# to show about 70% of the Chinese terms in English.
_TERM_WEIGHT, _TERM_EXPECTED, _TERM_CAP = 0.5, 0.7, 8
_LEAD_AGREE, _LEAD_DISAGREE = -0.3, 1.2  # nats added when lead phrases agree / disagree
_SENTENCE_EXCESS, _SENTENCE_SHORTFALL = 1.5, 0.75  # nats per English sentence more / fewer than expected
_SPLIT_PENALTY = 0.6  # factor on the score of a paragraph translated as two, or two translated as one
# The absolute fit of a bead, in log-odds: the prior that a pairing the programme chose (or a heading
# pair with equal numbers) is right, then evidence per anchor found or missed and for lead phrases.
_FIT_PRIOR, _FIT_HEADING_PRIOR = 3.0, 5.0
_CHANCE_SIGMA = 0.8  # spread of the log length ratio of two unrelated paragraphs
_FIT_ANCHOR_FOUND, _FIT_ANCHOR_MISSED = 1.5, 1.0
_FIT_LEAD = 1.0
_FIT_SENTENCES = 0.5  # sentence counts as predicted (when there is more than one to count)
_FIT_TERMS = 2.0  # per share of the glossary terms found, from none (−1) to all (+1)


class Bead(NamedTuple):
    """A pairing of consecutive Chinese items with consecutive English items, and its confidence."""

    zh: list[int]
    en: list[int]
    score: float


@dataclass(frozen=True)
class _Item:
    """What the aligner looks at in one paragraph."""

    length: int
    anchors: frozenset[str]
    lead: bool
    sentences: int
    terms: frozenset[str]  # glossary terms (Chinese) found, or whose English renderings were found


# ---------------------------------------------------------------------------------------------
# Features


# Numbers, not counting months and days (11月 is "November" in English).
_ZH_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?!\d)\s*(万亿|亿|万)?(?![月日\d])")
_EN_NUMBER = re.compile(
    r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(trillion|billion|million|thousand))?", re.IGNORECASE
)
_SCALE = {
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
# Latin tokens that a translation keeps: acronyms and codes (PM2.5, GDP, 5G, G60, IPv6, LNG).
_ZH_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*[A-Za-z0-9]|[A-Za-z]")
_EN_TOKEN = re.compile(
    r"\b(?=[A-Za-z0-9.+\-]*[A-Z])(?=[A-Za-z0-9.+\-]*(?:[0-9]|[A-Z]{2}))[A-Za-z0-9][A-Za-z0-9.+\-]*\b"
)


# Words of the genre that a translation renders in a predictable way: place names (the romanised
# names of the provinces, of the Delta's cities and other large cities, rivers and districts) and the
# policy vocabulary of plan outlines. Each Chinese term maps to English word beginnings ("|" = or).
# They count as weak anchors: a paragraph about 绿色 is likelier to be the one that says "green".
GLOSSARY: dict[str, str] = {
    "北京": "beijing", "天津": "tianjin", "河北": "hebei", "山西": "shanxi", "内蒙古": "inner mongolia",
    "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "上海": "shanghai", "江苏": "jiangsu",
    "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi", "山东": "shandong",
    "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong", "广西": "guangxi",
    "海南": "hainan", "重庆": "chongqing", "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan",
    "西藏": "tibet|xizang", "陕西": "shaanxi", "甘肃": "gansu", "青海": "qinghai", "宁夏": "ningxia",
    "新疆": "xinjiang", "香港": "hong kong", "澳门": "macao|macau", "台湾": "taiwan",
    "南京": "nanjing", "杭州": "hangzhou", "合肥": "hefei", "苏州": "suzhou", "宁波": "ningbo",
    "无锡": "wuxi", "常州": "changzhou", "南通": "nantong", "温州": "wenzhou", "嘉兴": "jiaxing",
    "湖州": "huzhou", "绍兴": "shaoxing", "金华": "jinhua", "舟山": "zhoushan", "芜湖": "wuhu",
    "扬州": "yangzhou", "镇江": "zhenjiang", "盐城": "yancheng", "徐州": "xuzhou", "淮南": "huainan",
    "淮北": "huaibei", "安庆": "anqing", "深圳": "shenzhen", "广州": "guangzhou", "武汉": "wuhan",
    "成都": "chengdu", "西安": "xi'an|xian", "长江": "yangtze", "黄河": "yellow river", "太湖": "tai",
    "淮河": "huai", "虹桥": "hongqiao", "临港": "lingang", "浦东": "pudong", "张江": "zhangjiang",
    "创新": "innovat", "协调": "coordinat", "协同": "coordinat|synerg", "绿色": "green", "开放": "open",
    "共享": "shar", "生态": "ecolog", "环境": "environment", "交通": "transport", "铁路": "rail",
    "港口": "port", "航道": "waterway|channel", "机场": "airport", "航空": "aviation|air", "能源": "energy",
    "电网": "grid|power", "天然气": "gas", "水利": "water", "防洪": "flood", "教育": "educat",
    "医疗": "medical|medicine", "卫生": "health", "养老": "elder|aged|pension", "文化": "cultur",
    "旅游": "touris", "体育": "sport", "人才": "talent", "金融": "financ", "资本": "capital",
    "土地": "land", "产权": "property", "税": "tax", "信用": "credit", "诚信": "honest|credit|integrity",
    "就业": "employ|job", "创业": "entrepreneur|business", "治理": "governance|remediat|control",
    "数字": "digital", "互联网": "internet", "数据": "data", "人工智能": "artificial intelligence",
    "制造": "manufactur", "服务业": "service", "乡村": "rural|village", "农村": "rural", "农业": "agricultur",
    "城镇化": "urbaniz|urbanis", "都市圈": "metropoli", "投资": "invest", "贸易": "trade",
    "通关": "customs|clearance", "海关": "customs", "标准": "standard", "立法": "legislat|law",
    "党": "party|cpc", "监管": "supervis|regulat", "安全": "secur|safe", "风险": "risk", "大气": "air",
    "固废": "solid waste", "森林": "forest", "湿地": "wetland", "海洋": "marine|ocean|sea",
    "科技": "scien|technolog", "研发": "research|r&d", "专利": "patent", "知识产权": "intellectual property",
    "园区": "park", "自由贸易": "free trade", "营商环境": "business environment", "收入": "income",
    "住房": "housing", "社会保障": "social security", "企业": "enterprise|compan|firm", "市场": "market",
    "人口": "population|people", "碳": "carbon", "污染": "pollut", "废": "waste", "医药": "medic|pharma",
    "集成电路": "integrated circuit|chip", "新能源": "new energy|renewable", "汽车": "vehicle|automobile|car",
    "物流": "logistic", "快递": "express|deliver", "电子商务": "e-commerce", "进口": "import",
    "出口": "export", "外资": "foreign", "国际": "international", "全球": "global|world",
    "一带一路": "belt and road", "乡村振兴": "revitali",
}  # fmt: skip


def _stem_terms() -> dict[str, set[str]]:
    """English word beginning → the glossary terms it renders."""
    out: dict[str, set[str]] = {}
    for term, stems in GLOSSARY.items():
        for stem in stems.split("|"):
            out.setdefault(stem, set()).add(term)
    return out


_STEM_TERMS = _stem_terms()
# One pass over a Chinese text finds the longest term starting at each character; the shorter terms
# inside it (贸易 in 自由贸易) count as found too.
_TERMS = re.compile("(?=(" + "|".join(sorted(GLOSSARY, key=len, reverse=True)) + "))")
_TERM_PARTS = {term: {t for t in GLOSSARY if t in term} for term in GLOSSARY}
# One pass over an English text finds every stem (the longest where several start at one place).
_STEMS = re.compile(r"\b(" + "|".join(map(re.escape, sorted(_STEM_TERMS, key=len, reverse=True))) + ")")


_ANCHOR_PATTERNS = {"zh": (_ZH_NUMBER, _ZH_TOKEN), "en": (_EN_NUMBER, _EN_TOKEN)}


def _number_key(value: float) -> str:
    return f"{value:.6g}"


def anchors(text: str, lang: str) -> frozenset[str]:
    """Tokens that a translation carries over unchanged: numbers (scaled by 万/亿 or million),
    years, percentages and Latin acronyms or codes. Numbers below 10 are left out, since
    translations often spell them as words.

    Example:
        >>> sorted(anchors("到2025年，细颗粒物（PM2.5）下降10%，约35.8万平方公里", "zh"))
        ['10', '2025', '358000', 'PM2.5']
    """
    found: set[str] = set()
    pattern, token = _ANCHOR_PATTERNS[lang]
    latin = {m.group(0).upper() for m in token.finditer(text) if re.search(r"[A-Za-z]", m.group(0))}
    for m in pattern.finditer(text):
        start = m.start()
        if start and re.match(r"[A-Za-z]", text[start - 1]):
            continue  # the digits of a code such as G60 or PM2.5
        value = float(m.group(1).replace(",", ""))
        value *= _SCALE.get((m.group(2) or "").lower(), 1)
        if value >= 10 or "." in m.group(1):
            found.add(_number_key(value))
    found |= {t.rstrip(".") for t in latin}
    return frozenset(found)


def text_length(text: str, lang: str) -> int:
    """The length the length model uses: characters without spaces (Chinese) or with (English)."""
    if lang == "zh":
        return len(re.sub(r"\s", "", text))
    return len(" ".join(text.split()))


def _item(text: str, locale: Locale) -> _Item:
    return _cached_item(text, locale)


def clear_caches() -> None:
    """Forget the features computed so far (for benchmarks that must start cold)."""
    _cached_item.cache_clear()


@functools.lru_cache(maxsize=8192)
def _cached_item(text: str, locale: Locale) -> _Item:
    return _Item(
        text_length(text, locale.lang),
        anchors(text, locale.lang),
        bool(locale.split_lead(text)[0]),
        len(locale.sentences(text)),
        glossary_terms(text, locale.lang),
    )


def glossary_terms(text: str, lang: str) -> frozenset[str]:
    """The `GLOSSARY` terms a text contains (Chinese), or renders (English)."""
    if lang == "zh":
        return frozenset(term for m in _TERMS.finditer(text) for term in _TERM_PARTS[m.group(1)])
    return frozenset(term for m in _STEMS.finditer(text.lower()) for term in _STEM_TERMS[m.group(1)])


# ---------------------------------------------------------------------------------------------
# The dynamic programme


def _norm_pdf(x: float, sigma: float) -> float:
    return math.exp(-0.5 * (x / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))


def _norm_tail(z: float) -> float:
    """Two-sided tail probability of a standard normal deviate."""
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class _Model:
    """The length model: the log of the length ratio is normal around log(ratio), with a spread
    that shrinks as the Chinese gets longer (short headings vary more than long paragraphs)."""

    ratio: float

    def log_ratio(self, zh_len: int, en_len: int) -> tuple[float, float]:
        """The log of the English length over the expected one, and its spread for this length."""
        zh_len = max(zh_len, 1)
        sigma = math.sqrt(_SIGMA_LONG**2 + _SIGMA_SHORT_SQ / zh_len)
        return math.log(max(en_len, 1) / (self.ratio * zh_len)), sigma

    def length_z(self, zh_len: int, en_len: int) -> float:
        d, sigma = self.log_ratio(zh_len, en_len)
        return d / sigma

    @staticmethod
    def length_cost(z: float) -> float:
        """−log probability of a deviation this large; heavy-tailed, as real translations are."""
        tail = (1 - _OUTLIER_SHARE) * _norm_tail(z) + _OUTLIER_SHARE * _norm_tail(z / _OUTLIER_WIDTH)
        return -math.log(max(tail, 1e-300))

    def length_evidence(self, zh_len: int, en_len: int) -> float:
        """Log-likelihood ratio of the lengths: a translation, or two unrelated texts?"""
        d, sigma = self.log_ratio(zh_len, en_len)
        true = (1 - _OUTLIER_SHARE) * _norm_pdf(d, sigma) + _OUTLIER_SHARE * _norm_pdf(
            d, sigma * _OUTLIER_WIDTH
        )
        return math.log(max(true, 1e-300)) - math.log(_norm_pdf(d, _CHANCE_SIGMA))

    def cost(self, zh: Sequence[_Item], en: Sequence[_Item]) -> float:
        """−log probability of a bead (lower is better)."""
        prior = -math.log(MOVES[(len(zh), len(en))])
        if not zh or not en:
            return prior
        z = self.length_z(sum(i.length for i in zh), sum(i.length for i in en))
        cost = prior + self.length_cost(z)
        cost += self._anchor_cost(zh, en) + self._term_cost(zh, en)
        if zh[0].lead or en[0].lead:
            cost += _LEAD_AGREE if zh[0].lead == en[0].lead else _LEAD_DISAGREE
        if len(en) > 1 and en[1].lead and not any(i.lead for i in zh[1:]):
            cost += _LEAD_DISAGREE  # the second English paragraph opens with a lead of its own
        return cost + self.sentence_cost(zh, en)

    @staticmethod
    def sentence_difference(zh: Sequence[_Item], en: Sequence[_Item]) -> int:
        """English sentences beyond (or, negative, short of) what the Chinese predicts.

        Translations of plans keep the sentences, except that a lead phrase and the sentence after it
        become one ("经济实力稳步增强。地区生产总值…" → "Steadily growing economic strength: regional GDP …").
        """
        merged = sum(1 for i in zh if i.lead) if en[0].lead else 0
        return sum(i.sentences for i in en) - (sum(i.sentences for i in zh) - merged)

    def sentence_cost(self, zh: Sequence[_Item], en: Sequence[_Item]) -> float:
        diff = self.sentence_difference(zh, en)
        return _SENTENCE_EXCESS * max(0, diff) + _SENTENCE_SHORTFALL * max(0, -diff)

    @staticmethod
    def _anchor_cost(zh: Sequence[_Item], en: Sequence[_Item]) -> float:
        want = frozenset().union(*(i.anchors for i in zh))
        if not want:
            return 0.0
        have = frozenset().union(*(i.anchors for i in en))
        share = len(want & have) / len(want)
        return _ANCHOR_WEIGHT * (0.5 - share) * min(len(want), 3)

    @staticmethod
    def _term_cost(zh: Sequence[_Item], en: Sequence[_Item]) -> float:
        want = frozenset().union(*(i.terms for i in zh))
        if not want:
            return 0.0
        have = frozenset().union(*(i.terms for i in en))
        share = len(want & have) / len(want)
        return _TERM_WEIGHT * (_TERM_EXPECTED - share) * min(len(want), _TERM_CAP)

    def fit(self, zh: Sequence[_Item], en: Sequence[_Item], prior: float = _FIT_PRIOR) -> float:
        """How well a chosen bead fits on its own, whatever the alternatives: the probability that
        it is a translation rather than a chance pairing, from its lengths, anchors and leads."""
        evidence = prior + self.length_evidence(sum(i.length for i in zh), sum(i.length for i in en))
        want = frozenset().union(*(i.anchors for i in zh))
        have = frozenset().union(*(i.anchors for i in en))
        evidence += _FIT_ANCHOR_FOUND * min(len(want & have), 3) - _FIT_ANCHOR_MISSED * min(
            len(want - have), 3
        )
        if zh[0].lead and en[0].lead:
            evidence += _FIT_LEAD
        elif zh[0].lead != en[0].lead:
            evidence -= _FIT_LEAD / 2
        terms = frozenset().union(*(i.terms for i in zh))
        if len(terms) >= 3:
            found = frozenset().union(*(i.terms for i in en))
            evidence += _FIT_TERMS * (len(terms & found) / len(terms) - 0.5)
        if any(i.sentences > 1 for i in zh):
            evidence += _FIT_SENTENCES if self.sentence_difference(zh, en) == 0 else -_FIT_SENTENCES
        return 1 / (1 + math.exp(-evidence))


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


def align_sequences(
    zh: Sequence[str],
    en: Sequence[str],
    *,
    ratio: float | None = None,
    locales: tuple[Locale, Locale] = (ZH, EN),
) -> list[Bead]:
    """Align two lists of paragraphs (Chinese, English) in order.

    Every index of both lists appears in exactly one bead; a bead with an empty side is a
    paragraph the other language lacks. The score of a bead is its posterior probability
    (over all alignments of the two lists) times how well it fits on its own.

    Args:
        zh: Chinese paragraphs in order.
        en: English paragraphs in order.
        ratio: English characters per Chinese character; by default the ratio of the two totals
            when both lists are long enough to say, else `DEFAULT_RATIO`.
        locales: the locales of the two lists (lead phrases and anchors follow them).

    Example:
        >>> zh = ["经济实力稳步增强。地区生产总值突破1.5万亿元。", "生态环境明显改善。"]
        >>> en = ["Steadily growing economic strength: regional GDP has passed 1.5 trillion yuan."]
        >>> [(b.zh, b.en) for b in align_sequences(zh, en)]
        [([0], [0]), ([1], [])]
    """
    src, tgt = locales
    zi = [_item(t, src) for t in zh]
    ei = [_item(t, tgt) for t in en]
    model = _Model(ratio or _estimate_ratio(zi, ei))
    m, n = len(zi), len(ei)
    cost: dict[tuple[int, int, int, int], float] = {}

    def bead_cost(i: int, j: int, di: int, dj: int) -> float:
        key = (i, j, di, dj)
        if key not in cost:
            cost[key] = model.cost(zi[i : i + di], ei[j : j + dj])
        return cost[key]

    neg_inf = -math.inf
    fwd = [[neg_inf] * (n + 1) for _ in range(m + 1)]
    best = [[math.inf] * (n + 1) for _ in range(m + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    fwd[0][0], best[0][0] = 0.0, 0.0
    for i in range(m + 1):
        for j in range(n + 1):
            if i == j == 0:
                continue
            terms = []
            for di, dj in MOVES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or best[pi][pj] == math.inf:
                    continue
                c = bead_cost(pi, pj, di, dj)
                terms.append(fwd[pi][pj] - c)
                if best[pi][pj] + c < best[i][j]:
                    best[i][j], back[(i, j)] = best[pi][pj] + c, (di, dj)
            if terms:
                fwd[i][j] = _logsumexp(terms)
    bwd = [[neg_inf] * (n + 1) for _ in range(m + 1)]
    bwd[m][n] = 0.0
    for i in range(m, -1, -1):
        for j in range(n, -1, -1):
            if i == m and j == n:
                continue
            terms = [
                bwd[i + di][j + dj] - bead_cost(i, j, di, dj)
                for di, dj in MOVES
                if i + di <= m and j + dj <= n and bwd[i + di][j + dj] > neg_inf
            ]
            if terms:
                bwd[i][j] = _logsumexp(terms)
    total = fwd[m][n]
    path: list[Bead] = []
    i, j = m, n
    while (i, j) != (0, 0):
        di, dj = back[(i, j)]
        pi, pj = i - di, j - dj
        posterior = math.exp(min(0.0, fwd[pi][pj] - bead_cost(pi, pj, di, dj) + bwd[i][j] - total))
        zs, es = zi[pi:i], ei[pj:j]
        score = posterior * (model.fit(zs, es) if zs and es else 1.0)
        path.append(Bead(list(range(pi, i)), list(range(pj, j)), round(score, 3)))
        i, j = pi, pj
    return path[::-1]


def _estimate_ratio(zh: Sequence[_Item], en: Sequence[_Item]) -> float:
    """The length ratio of the two texts' totals, drawn towards `DEFAULT_RATIO` when they are short."""
    zh_total = sum(i.length for i in zh)
    en_total = sum(i.length for i in en)
    if not zh_total or not en_total:
        return DEFAULT_RATIO
    return (en_total + _RATIO_PRIOR_WEIGHT * DEFAULT_RATIO) / (zh_total + _RATIO_PRIOR_WEIGHT)


# ---------------------------------------------------------------------------------------------
# Trees


@dataclass
class UnitPair:
    """Chinese units paired with English units (usually one each), with the pairing's confidence."""

    zh: list[Unit]
    en: list[Unit]
    score: float


@dataclass
class TreeAlignment:
    """The result of aligning two single-language trees of one plan."""

    pairs: list[UnitPair] = field(default_factory=list)
    unpaired_zh: list[Unit] = field(default_factory=list)
    unpaired_en: list[Unit] = field(default_factory=list)
    ratio: float = DEFAULT_RATIO


def _items(plan: Plan) -> list[Unit]:
    """Units that carry text of their own, in document order (containers without text left out)."""
    return [u for u in plan.walk() if u.kind == "paragraph" or u.kind in HEADING_KINDS]


def _heading_anchors(zh: list[Unit], en: list[Unit]) -> list[tuple[int, int]]:
    """Positions of headings that pair by kind and number, in order on both sides.

    The longest common subsequence of the two lists of (kind, number), so that a heading missing
    on one side (or a chapter whose English heading was lost, which renumbers the English eIds)
    only drops that heading.
    """
    zk = [(k, (u.kind, u.num)) for k, u in enumerate(zh) if u.kind in HEADING_KINDS]
    ek = [(k, (u.kind, u.num)) for k, u in enumerate(en) if u.kind in HEADING_KINDS]
    m, n = len(zk), len(ek)
    table = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            if zk[i][1] == ek[j][1]:
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < m and j < n:
        if zk[i][1] == ek[j][1]:
            out.append((zk[i][0], ek[j][0]))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


def _heading_score(zh: Unit, en: Unit, model: _Model) -> float:
    """Headings pair by number, so the score is high unless the titles' lengths disagree badly."""
    zt, et = zh.heading.get("zh", ""), en.heading.get("en", "")
    if not zt or not et:
        return 0.99
    fit = model.fit([_item(zt, ZH)], [_item(et, EN)], prior=_FIT_HEADING_PRIOR)
    return min(0.99, fit)


def align_trees(zh: Plan, en: Plan, *, ratio: float | None = None) -> TreeAlignment:
    """Pair the units of a Chinese tree with those of an English tree of the same plan.

    Without a given `ratio`, a first pass uses the ratio of the two texts' totals; when the
    paragraphs it paired say otherwise (page chrome or notes inflate a total), a second pass uses
    theirs.
    """
    zh_items, en_items = _items(zh), _items(en)
    if ratio is not None:
        return _align_items(zh_items, en_items, ratio)
    zp = [_item(u.text.get("zh", ""), ZH) for u in zh_items if u.kind == "paragraph"]
    ep = [_item(u.text.get("en", ""), EN) for u in en_items if u.kind == "paragraph"]
    first = _align_items(zh_items, en_items, _estimate_ratio(zp, ep))
    pairs = [p for p in first.pairs if len(p.zh) == len(p.en) == 1 and p.zh[0].kind == "paragraph"]
    sure = [p for p in pairs if p.score >= 0.5]
    refined = _estimate_ratio(
        [_item(p.zh[0].text.get("zh", ""), ZH) for p in sure],
        [_item(p.en[0].text.get("en", ""), EN) for p in sure],
    )
    if abs(refined / first.ratio - 1) < _RATIO_TOLERANCE:
        return first
    return _align_items(zh_items, en_items, refined)


def _align_items(zh_items: list[Unit], en_items: list[Unit], ratio: float) -> TreeAlignment:
    out = TreeAlignment(ratio=ratio)
    anchored = _heading_anchors(zh_items, en_items)
    model = _Model(ratio)
    for a, b in anchored:
        out.pairs.append(
            UnitPair([zh_items[a]], [en_items[b]], _heading_score(zh_items[a], en_items[b], model))
        )
    bounds = [(-1, -1), *anchored, (len(zh_items), len(en_items))]
    for (za, ea), (zb, eb) in itertools.pairwise(bounds):
        _align_span(zh_items[za + 1 : zb], en_items[ea + 1 : eb], ratio, out)
    order = {id(u): k for k, u in enumerate(zh_items)}
    out.pairs.sort(key=lambda p: order[id(p.zh[0])])
    return out


def _align_span(zh: list[Unit], en: list[Unit], ratio: float, out: TreeAlignment) -> None:
    """Align the units between two anchored headings."""
    zh_heads = [u for u in zh if u.kind != "paragraph"]
    en_heads = [u for u in en if u.kind != "paragraph"]
    if zh_heads and [u.kind for u in zh_heads] == [u.kind for u in en_heads]:
        # headings whose numbers disagree but whose order and kinds agree: a weak pairing
        out.pairs += [UnitPair([a], [b], 0.5) for a, b in zip(zh_heads, en_heads, strict=True)]
    else:
        out.unpaired_zh += zh_heads
        out.unpaired_en += en_heads
    zp = [u for u in zh if u.kind == "paragraph"]
    ep = [u for u in en if u.kind == "paragraph"]
    if not zp or not ep:
        out.unpaired_zh += zp
        out.unpaired_en += ep
        return
    beads = align_sequences([u.text["zh"] for u in zp], [u.text["en"] for u in ep], ratio=ratio)
    for bead in beads:
        zs, es = [zp[k] for k in bead.zh], [ep[k] for k in bead.en]
        if zs and es:
            out.pairs.append(UnitPair(zs, es, bead.score))
        else:
            out.unpaired_zh += zs
            out.unpaired_en += es


# ---------------------------------------------------------------------------------------------
# Copying English onto Chinese units


def split_english(text: str, weights: Sequence[int]) -> list[str]:
    """Cut one English paragraph into as many pieces as `weights`, at sentence ends, in proportion.

    Used when one translated paragraph covers two Chinese paragraphs. A piece may be empty when
    the paragraph has too few sentences.
    """
    sentences = EN.sentences(text)
    total = sum(weights) or 1
    pieces: list[str] = []
    start = seen = 0
    for w in weights[:-1]:
        seen += w
        target = len(text) * seen / total
        # each piece but the last takes at least one sentence while there are any left
        cuts = range(min(start + 1, len(sentences)), len(sentences) + 1)
        best = min(cuts, key=lambda cut: abs(len(" ".join(sentences[:cut])) - target))
        pieces.append(" ".join(sentences[start:best]))
        start = best
    pieces.append(" ".join(sentences[start:]))
    return pieces


def english_lead(text: str) -> str:
    """The English of a Chinese lead phrase: the words up to the first colon, as translations of
    plan outlines print it, else a short first sentence (some translators turn the lead into one).
    """
    lead = EN.split_lead(text)[0]
    if lead:
        return lead
    sentences = EN.sentences(text)
    if len(sentences) > 1 and len(sentences[0]) <= EN.lead_max:
        return sentences[0]
    return ""


def set_english(unit: Unit, text: str, score: float, heading: bool = False) -> None:
    """Give a Chinese unit its English (heading, or text with a lead when the Chinese has one)."""
    if heading:
        unit.heading["en"] = text
    else:
        unit.text["en"] = text
        lead = english_lead(text) if unit.lead.get("zh") else ""
        if lead:
            unit.lead["en"] = lead
        else:
            unit.lead.pop("en", None)
    unit.align_score = round(score, 3)


def attach_english(alignment: TreeAlignment) -> None:
    """Copy the English of each pairing onto its Chinese units."""
    for pair in alignment.pairs:
        if pair.zh[0].kind != "paragraph":
            set_english(pair.zh[0], pair.en[0].heading.get("en", ""), pair.score, heading=True)
            continue
        english = " ".join(u.text.get("en", "") for u in pair.en)
        if len(pair.zh) == 1:
            set_english(pair.zh[0], english, pair.score * (_SPLIT_PENALTY if len(pair.en) > 1 else 1.0))
            continue
        weights = [text_length(u.text.get("zh", ""), "zh") for u in pair.zh]
        for unit, piece in zip(pair.zh, split_english(english, weights), strict=True):
            if piece:
                set_english(unit, piece, pair.score * _SPLIT_PENALTY)


# ---------------------------------------------------------------------------------------------
# Merging a bilingual copy into the official text


def fold_chinese(text: str) -> str:
    """Chinese text with punctuation width and spacing folded away, for comparing two copies."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def describe_difference(official: str, other: str, context: int = 8, limit: int = 2) -> str:
    """A short excerpt of where two texts differ: «…official…» vs «…other…»."""
    a, b = fold_chinese(official), fold_chinese(other)
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    parts = []
    for _tag, i1, i2, j1, j2 in ops[:limit]:
        left = a[max(0, i1 - context) : i2 + context]
        right = b[max(0, j1 - context) : j2 + context]
        parts.append(f"official «{left}» vs «{right}»")
    more = f" (and {len(ops) - limit} more)" if len(ops) > limit else ""
    return "; ".join(parts) + more


def _copy_english(src: Unit, dst: Unit) -> None:
    """The English of one unit onto another; a unit the copy has no English for keeps its own."""
    if not (src.heading.get("en") or src.text.get("en")):
        return
    for attr in ("heading", "lead", "text"):
        value = getattr(src, attr).get("en")
        if value:
            getattr(dst, attr)["en"] = value
        else:
            getattr(dst, attr).pop("en", None)
    dst.align_score = src.align_score


def merge_official(official: Plan, bilingual: Plan) -> list[Problem]:
    """Copy the English of a bilingual copy onto the official Chinese plan, unit by unit (eId).

    The official Chinese is kept as it is. Returns a warning for every unit whose Chinese differs
    beyond punctuation width and spacing, and for every unit that only one of the two has.
    """
    problems: list[Problem] = []
    theirs = {u.eid: u for u in bilingual.walk()}
    ours = {u.eid for u in official.walk()}
    for unit in official.walk():
        other = theirs.get(unit.eid)
        if other is None:
            problems.append(
                Problem("warning", f"{unit.eid}: in the official text only, not in the bilingual copy")
            )
            continue
        for attr, label in (("heading", "heading"), ("text", "text")):
            mine, copy = getattr(unit, attr).get("zh", ""), getattr(other, attr).get("zh", "")
            if fold_chinese(mine) != fold_chinese(copy):
                problems.append(
                    Problem(
                        "warning",
                        f"{unit.eid}: the bilingual copy's Chinese {label} differs from the official text: "
                        + describe_difference(mine, copy),
                        line=other.line,
                    )
                )
        _copy_english(other, unit)
    for eid, unit in theirs.items():
        if eid not in ours:
            problems.append(
                Problem(
                    "warning", f"{eid}: in the bilingual copy only, not in the official text", line=unit.line
                )
            )
    if "en" in bilingual.title:
        official.title.setdefault("en", bilingual.title["en"])
    for lang, issuer in bilingual.issuer.items():
        official.issuer.setdefault(lang, issuer)
    if any(u.text.get("en") or u.heading.get("en") for u in official.walk()) and "en" not in official.langs:
        official.langs.append("en")
    return problems
