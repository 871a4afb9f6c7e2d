"""Chinese numeric expressions in plan outlines, and the statements they make.

Two layers shared by the target and the fact extractors:

1. **Quantities** (`find_quantities`, `parse_quantity`, `parse_change`): one figure as the text writes
   it — ``70%``, ``2.2∶1``, ``507公里/万平方公里``, ``2.1万元``, ``约1/2``, ``四分之一``, ``80%以上``,
   ``5%—6%``, ``下降10%`` — with its value, unit and the qualifiers written next to it (约, 近, 超过,
   以上, 以内, 左右 …). Figures that
   are not quantities are left out here, once for both extractors: years (2025年), dates, ordinals
   (第二, 首届), numbers inside names (G60, 5G, PM2.5, IPv6, 1+N, 16+1, 500强, 1000千伏), numbers in
   quoted slogans (“两个维护”) and bare numbers with no unit.
2. **Statements** (`read_statements`): a quantity read in its clause — the indicator (the noun phrase
   the figure is about, in the text's words), the verb before it (达到, 控制在, 下降, 占全国 …), the
   years around it (到2025年, 较2017年, “十四五”时期), its scope (中心区, 地级及以上城市, a list of
   named cities) and whether it states a goal (a target) or the present (a fact).

The vocabularies are those of the genre (national regional plan outlines and five-year plan outlines),
not the sentences of one document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from yrd.documents.model import Plan, Unit

# --- quantities ---------------------------------------------------------------------------------

_DIGIT = "[0-9０-９]"
_NUM = rf"{_DIGIT}+(?:[.．]{_DIGIT}+)?"
_CN = "[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_MAG = "(?:万亿|千万|百万|十万|万|亿)"
_DENOM_MAG = "(?:万|千|百|十)?"
# Units a plan outline writes after a figure, longest first. 千伏 is missing on purpose: in the genre
# it only appears inside project names (1000千伏特高压…).
_BASE_UNITS = (
    "吨标准煤", "平方公里", "平方千米", "平方米", "立方米", "千瓦时", "标准箱", "微克/立方米", "μg/m³",
    "公里", "千米", "公顷", "千瓦", "人次", "架次", "个月", "小时", "分钟", "美元", "欧元", "标箱",
    "公斤", "千克", "亩", "米", "吨", "瓦", "斤", "人", "户", "名", "元", "年", "岁", "天", "倍",
)  # fmt: skip
# Counting classifiers: a figure with one of these counts things, and the noun may follow (2个中心).
CLASSIFIERS = ("个", "家", "条", "所", "座", "项", "处", "张", "辆", "艘", "台", "套", "件", "部", "间", "床",
               "株", "栋")  # fmt: skip
_UNIT = "|".join(re.escape(u) for u in sorted(_BASE_UNITS + CLASSIFIERS, key=len, reverse=True))
_PREFIX = "大约|将近|接近|不低于|不少于|不超过|不高于|超过|高于|低于|不足|少于|多于|约|近|逾"
_SUFFIX = "以上|以下|以内|左右|上下"
_DASH = "[-－—–～~至]"

_QUANTITY = re.compile(
    # a cheap first-character test: most positions of a text start no quantity
    r"(?=[0-9０-９约大将接不超高低少多近逾一二两三四五六七八九十百])"
    rf"(?P<pre>{_PREFIX})?"
    rf"(?:(?P<ratio>{_NUM})[∶：:](?P<ratio2>{_NUM})"
    rf"|(?P<frac>{_NUM})/(?P<frac2>{_NUM})"
    rf"|百分之(?P<cnpct>{_NUM}|[一二三四五六七八九十百]+)"
    rf"|(?P<cnfrac2>[一二两三四五六七八九十百]+)分之(?P<cnfrac>[一二三四五六七八九十]+)"
    rf"|(?P<num>{_NUM})(?P<pct1>[%％])?(?:{_DASH}(?P<num2>{_NUM}))?(?P<mag>{_MAG})?(?P<more>余|多)?"
    rf"(?P<unit>[%％‰]|个百分点|百分点|(?:{_UNIT})(?:/{_DENOM_MAG}(?:{_UNIT}))?)?"
    rf"|(?P<cn>{_CN})(?P<cnmore>余|多)?(?P<cnunit>{'|'.join(CLASSIFIERS)}|人|户|名))"
    rf"(?P<suf>{_SUFFIX})?"
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_YEAR_NUMBER = re.compile(r"[12]\d{3}")
_LATIN_OR_JOIN = re.compile(r"[A-Za-z+＋]")
_ORDINAL_BEFORE = ("第", "首")
_QUOTES = re.compile(r"“[^“”]{0,30}”|「[^「」]{0,30}」")

QUALIFIERS: dict[str, str] = {
    "约": "approx", "大约": "approx", "近": "approx", "将近": "approx", "接近": "approx",
    "左右": "approx", "上下": "approx",
    "超过": "gt", "逾": "gt", "多于": "gt", "高于": "gt", "余": "gt", "多": "gt",
    "以上": "ge", "不低于": "ge", "不少于": "ge",
    "以内": "le", "以下": "le", "不超过": "le", "不高于": "le",
    "低于": "lt", "不足": "lt", "少于": "lt",
}  # fmt: skip

_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class Quantity:
    """One figure as written: its span (adjacent qualifiers included), value, unit and qualifier."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    high: float | None = None
    qualifier: str | None = None
    count: bool = False

    @property
    def is_range(self) -> bool:
        return self.high is not None


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral with 十/百/千/万/亿 (三, 十二, 一百零五, 两千, 三万五千).

    Raises:
        ValueError: the text is not a Chinese numeral.
    """
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
        else:
            total += (section + digit) * _CN_BIG[ch]
            section, digit = 0, 0
    return total + section + digit


def _num(text: str) -> float:
    text = text.translate(_FULLWIDTH)
    return float(text) if _ARABIC.fullmatch(text) else float(chinese_number(text))


def _is_year(m: re.Match[str]) -> bool:
    """2025年, 2021—2025年: calendar years, not durations."""
    if m.group("unit") != "年" or m.group("mag") or m.group("more"):
        return False
    nums = [m.group("num"), m.group("num2")]
    return all(n is None or _YEAR_NUMBER.fullmatch(n.translate(_FULLWIDTH)) for n in nums)


def _in_name(text: str, m: re.Match[str], core_start: int) -> bool:
    """A number glued to Latin letters or a plus sign (5G, G60, PM2.5, 1+N), or an ordinal (第2)."""
    before = text[core_start - 1] if core_start else ""
    after = text[m.end() : m.end() + 1]
    if _LATIN_OR_JOIN.fullmatch(before or " ") or _LATIN_OR_JOIN.fullmatch(after or " "):
        return True
    return before in _ORDINAL_BEFORE


def _value_unit(m: re.Match[str]) -> tuple[float, float | None, str, bool] | None:
    """(value, high, unit, is_count) of a match, or None when it is not a quantity."""
    g = m.group
    if g("ratio"):
        den = _num(g("ratio2"))
        return (_num(g("ratio")) / den if den else 0.0), None, "ratio", False
    if g("frac"):
        den = _num(g("frac2"))
        return (_num(g("frac")) / den if den else 0.0), None, "fraction", False
    if g("cnfrac"):
        return chinese_number(g("cnfrac")) / chinese_number(g("cnfrac2")), None, "fraction", False
    if g("cnpct"):
        return _num(g("cnpct")), None, "%", False
    if g("cn"):
        value = chinese_number(g("cn"))
        return (float(value), None, g("cnunit"), True) if value >= 2 else None
    # 1.2亿 alone: the magnitude is the unit
    unit = (g("mag") or "") + _normal_unit(g("unit") or ("%" if g("pct1") else ""))
    if not unit or _is_year(m):
        return None
    high = _num(g("num2")) if g("num2") else None
    return _num(g("num")), high, unit, unit in CLASSIFIERS or unit[-1:] in CLASSIFIERS


def _normal_unit(unit: str) -> str:
    return {"％": "%", "百分点": "个百分点"}.get(unit, unit)


def _qualifier(m: re.Match[str]) -> str | None:
    for word in (m.group("suf"), m.group("pre"), m.group("more"), m.group("cnmore")):
        if word:
            return QUALIFIERS[word]
    return None


def _core_start(m: re.Match[str]) -> int:
    return m.end("pre") if m.group("pre") else m.start()


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in a text, in order; years, ordinals, names and quoted slogans left out."""
    quoted = [q.span() for q in _QUOTES.finditer(text)]
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        core = _core_start(m)
        if any(a <= core < b for a, b in quoted) or _in_name(text, m, core):
            continue
        parsed = _value_unit(m)
        if parsed is None:
            continue
        value, high, unit, count = parsed
        out.append(Quantity(m.start(), m.end(), m.group(0), value, unit, high, _qualifier(m), count))
    return out


def parse_quantity(text: str) -> Quantity | None:
    """The quantity a whole expression writes (``约1/2``, ``80%以上``), or None."""
    found = find_quantities(text)
    return found[0] if len(found) == 1 and found[0].start == 0 and found[0].end == len(text) else None


# --- years --------------------------------------------------------------------------------------

YearRole = Literal["target", "base", "asof", "since", "stated"]

_YEAR = re.compile(
    r"(?=[截展到至较比与相同12一二])"
    r"(?P<pre>截至|截止到|截止|展望到?|到|至|较|比|与|相比|同比|相对于|相对)?"
    r"(?P<y>(?:19|20)\d{2}|[一二][〇零一二三四五六七八九]{3})年(?:底|末)?(?P<post>前|以前|以来|起|相比|水平)?"
)
_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# “十四五”: the n-th five-year plan ends in 1955 + 5n (the 4th plan onwards: 1971–1975 … 2021–2025).
_FIVE_YEAR_PLAN = re.compile(r"“?十(?P<n>[一二三四五六七八九])五”?(?:时期|期间|期末|末|规划期)?")


@dataclass(frozen=True)
class YearMention:
    """A year in the text and what it does: a target (到2025年), a base (较2017年), a stated year."""

    start: int
    end: int
    year: int
    role: YearRole


def _year_role(pre: str | None, post: str | None) -> YearRole:
    if pre in ("较", "比", "相对", "相对于") or post in ("相比", "水平"):
        return "base"
    if pre in ("截至", "截止", "截止到"):
        return "asof"
    if post == "以来":
        return "since"
    if pre in ("到", "至", "展望", "展望到") or post in ("前", "以前"):
        return "target"
    return "stated"


def find_years(text: str) -> list[YearMention]:
    """Years the text names, with their role, in order (five-year plan names give their last year)."""
    found = [
        YearMention(
            m.start(),
            m.end(),
            int(m.group("y").translate(_YEAR_DIGITS)),
            _year_role(m.group("pre"), m.group("post")),
        )
        for m in _YEAR.finditer(text)
    ]
    for m in _FIVE_YEAR_PLAN.finditer(text):
        n = 10 + chinese_number(m.group("n"))
        found.append(YearMention(m.start(), m.end(), 1955 + 5 * n, "stated"))
    return sorted(found, key=lambda y: y.start)


# --- scope --------------------------------------------------------------------------------------

# Where a figure applies, as the genre names it: longest first. "named:…" scopes (a list of cities,
# "41个城市") are built from the text instead.
SCOPES: tuple[tuple[str, str], ...] = (
    ("地级及以上城市", "prefecture-and-above"),
    ("地级以上城市", "prefecture-and-above"),
    ("设区的市", "prefecture-level"),
    ("设区市", "prefecture-level"),
    ("中心区", "central-area"),
    ("核心区", "core-area"),
    ("示范区", "demo-zone"),
    ("新片区", "ftz-new-area"),
    ("都市圈", "metropolitan-area"),
    ("全域", "whole"),
    ("全省", "whole"),
    ("全市", "whole"),
    ("全区", "whole"),
)
# Place nouns that, counted before another figure (41个城市细颗粒物…), name where it applies.
_COLLECTIVES = re.compile(
    r"(?:地级及以上城市|地级以上城市|地级市|城市|省份|省区市|县市区|县区|区县|乡镇|县|行政村)"
)


def scope_prefix(phrase: str) -> str | None:
    """The scope an indicator names at its start (中心区城乡居民收入差距 → central-area)."""
    return next((code for word, code in SCOPES if phrase.startswith(word)), None)


def scope_suffix(phrase: str) -> str | None:
    """The scope a phrase ends with (…为中心区, …全域) — the area a following figure describes."""
    return next((code for word, code in SCOPES if phrase.endswith(word)), None)


# --- clauses ------------------------------------------------------------------------------------

_BOUNDARY = set("，。；！？,;!?\n")
_SENTENCE_END = set("。；！？;!?\n")
_OPEN, _CLOSE = "（(", "）)"
_PUNCT = re.compile(r"[，。；！？,;!?\n：:（()）]")


def clause_bounds(text: str, pos: int, sentence: bool = False) -> tuple[int, int]:
    """(start, end) of the clause (or sentence) around ``pos``; a parenthesis is a clause of its own.

    Punctuation inside a nested parenthesis does not end the clause (细颗粒物（PM2.5）平均浓度). A colon
    is a boundary unless it sits between digits (the ratio colon of 2.2:1).
    """
    stops = _SENTENCE_END if sentence else _BOUNDARY
    start, depth = 0, 0
    for i in reversed([m.start() for m in _PUNCT.finditer(text, 0, pos)]):
        ch = text[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN and depth:
            depth -= 1
        elif (ch in _OPEN and not sentence) or (
            depth == 0 and (ch in stops or _is_colon_boundary(text, i, sentence))
        ):
            start = i + 1
            break
    end, depth = len(text), 0
    for m in _PUNCT.finditer(text, pos):
        i, ch = m.start(), m.group(0)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif (ch in _CLOSE and not sentence) or (
            depth == 0 and (ch in stops or _is_colon_boundary(text, i, sentence))
        ):
            end = i
            break
    return start, end


def clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every top-level clause; parentheses stay inside their clause."""
    depth, start = 0, 0
    for m in _PUNCT.finditer(text):
        i, ch = m.start(), m.group(0)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and (ch in _BOUNDARY or _is_colon_boundary(text, i, False)):
            if i > start:
                yield start, i
            start = i + 1
    if start < len(text):
        yield start, len(text)


def _is_colon_boundary(text: str, i: int, sentence: bool) -> bool:
    if sentence or text[i] not in "：:":
        return False
    return not (0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())


# --- statements ---------------------------------------------------------------------------------

Role = Literal["target", "fact"]
SectionKind = Literal["facts", "targets", "body"]

# Section headings of the genre: where a plan describes the present, and where it states its goals.
FACT_HEADINGS = re.compile(
    r"发展基础|现实基础|发展现状|现状基础|发展成就|主要成就|基本情况|发展回顾|规划基础|取得的成就"
)
TARGET_HEADINGS = re.compile(r"发展目标|主要目标|规划目标|总体目标|目标任务|远景目标|具体目标|目标指标")

# What can stand between an indicator and its figure, read from the figure backwards.
_TAIL_BASE = re.compile(r"(?:较|比|相比于?|相对于?|同比)(?P<y>(?:19|20)\d{2})年(?:末|底)?(?:水平)?$")
_TAIL_SHARE = re.compile(r"(?:占|相当于)(?P<base>全国|全省|全市|全区|全球|世界|全域)?的?$")
# 是全国平均水平的1.5倍: a multiple of something else; 由2.5∶1缩小到2.1∶1: the value it came from.
_TAIL_RELATIVE = re.compile(r"(?:是|为|相当于)(?P<base>[^，。；、\d]{1,12}?)的$")
_TAIL_FROM = re.compile(r"(?:由|从)[^，。；由从]{1,16}$")
# 连续5年, 五年, 3年来: a duration standing before a figure, not part of its indicator.
_DURATION = (
    r"(?:连续|累计|近|过去|今后|未来)?(?<![〇零一二三四五六七八九十0-9])(?:\d{1,2}|[一二两三四五六七八九十]{1,2})个?"
    r"(?:年|月)(?:来|以来|内|间)?"
)
_TAIL_DURATION = re.compile(_DURATION + "$")
_REACH_VERBS = (
    "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到", "增长至", "增至",
    "扩大到", "扩大至", "上升到", "上升至", "达到", "缩小到", "缩小至", "缩减到", "下降到",
    "下降至", "降低到", "降低至", "降至", "减少到", "减少至", "突破", "达",
)  # fmt: skip
_CAP_VERBS = ("控制在", "控制到", "压减到", "压缩到")
_HOLD_VERBS = ("保持在", "稳定在", "维持在", "保持")
_BUILD_VERBS = ("建成", "新建", "建设", "培育", "打造", "创建", "布局", "形成")
_DOWN_VERBS = ("下降", "降低", "减少", "削减", "压减", "缩小", "缩减")
_UP_VERBS = ("增长", "提高", "提升", "增加", "上升", "扩大")
_LINK_VERBS = ("为", "是", "有", "共有", "拥有", "覆盖")
_TAIL_VERB = re.compile(
    "(?:"
    + "|".join(
        sorted(
            _REACH_VERBS + _CAP_VERBS + _HOLD_VERBS + _BUILD_VERBS + _DOWN_VERBS + _UP_VERBS + _LINK_VERBS,
            key=len,
            reverse=True,
        )
    )
    + ")$"
)
_TAIL_ADVERB = re.compile(
    r"(?:分别|均|都|总体|累计|年均|年平均|平均每年|每年|力争|确保|争取|已经|已|将|预计|基本|持续|进一步|共计|合计|总计|共"
    r"|大约|约|将近|接近|近|逾|超过)$"
)
_LEAD_JUNK = re.compile(
    r"^(?:其中|目前|当前|现在|同时|此外|另外|全年|共有|拥有|已有|现有|已经|并且|以及|推动|推进|实现|确保|力争|争取"
    r"|预计|累计)"
)
_LEAD_VERBS = ("累计建成", "新增建成", "建成", "新建", "改扩建", "新改建", "改建", "扩建")
_LEAD_VERB = re.compile("^(?:" + "|".join(_LEAD_VERBS) + ")+")
_LEAD_DURATION = re.compile("^" + _DURATION)
# A head that is only a verb (…5000多公里，新增2000公里) reads the indicator of the figure before.
_VERB_ONLY = re.compile(r"(?:累计)?(?:新增|增加|减少|新建|建成|完成|改造|提升|下降|增长)")
# 全省地区生产总值 → 地区生产总值 (scope whole), but not in a comparison (全域人均GDP与核心区之比).
_LEAD_WHOLE = re.compile(r"^(?:全省|全市|全区|全域)(?!的)(?!.*(?:与|之比|差距))")
_LEAD_YEAR = re.compile(r"^(?:到|至|截至|截止到?)?(?P<y>(?:19|20)\d{2})年(?:底|末)?")
_GROUP_GAP = re.compile(r"、|和|及|与|以及|，")
_ITEM_SPLIT = re.compile(r"、|以及|和|及|与")
# Head nouns an enumeration shares (集成电路和软件信息服务产业规模 → 集成电路产业规模, …).
_HEADS = re.compile(r"(?:产业规模|规模|总额|总量|产值|增加值|比重|占比|人数|数量|收入|支出)$")
_NOUN_STOP = re.compile(
    r"中(?![心国部央华小高外东西医药转欧])|的|为|已|均|占|达|实现|覆盖|共|分别|等|[，。；、（）()：0-9０-９]"
)
# Rate prefixes an enumeration shares (单位地区生产总值能耗和二氧化碳排放).
_RATE_PREFIX = re.compile(r"单位(?:地区生产总值|国内生产总值|GDP|工业增加值)|人均|每(?:万|千|百)人口?")
_SHARE_BASES = ("全国", "全省", "全市", "全区", "全球", "世界")
# What may follow a figure that is a figure of its own; any other word makes it a modifier (3岁以下婴幼儿).
_AFTER_FIGURE = re.compile(r"$|[，。；、：！？,;:!?）)\s]|和|及|与|或|的|等")
_TIME_UNITS = ("年", "个月", "天", "小时", "分钟")
# Specifications of a named project (全长约36公里, 设计速度100公里/小时) belong to the project extractor.
_PROJECT_SPEC = re.compile(
    r"(?:全长|总长|长|线路长度?|宽|设计速度|设计时速|时速|速度|装机容量?|总装机|总投资|投资|库容|总库容|跨度|主跨)"
)
_EXCEEDS = ("突破", "超过")
_IS_SCOPE = re.compile(r"为([^，。；（]+)")  # 27个城市为中心区


@dataclass
class _Tail:
    """What stands between an indicator and its figure (read backwards from the figure)."""

    verb: str = ""
    share: str | None = None  # "" for 占 without a base, else the base (全国)
    relative: str | None = None  # 全国平均水平 in 是全国平均水平的1.5倍
    base_year: int | None = None
    adverbs: list[str] = field(default_factory=list)

    @property
    def respectively(self) -> bool:
        return "分别" in self.adverbs

    @property
    def each(self) -> bool:
        return "均" in self.adverbs or "都" in self.adverbs

    @property
    def annual(self) -> bool:
        return any(a in ("年均", "年平均", "平均每年", "每年") for a in self.adverbs)


@dataclass
class _Lead:
    """What stands before an indicator: a year (2020年…), a verb (建成…), connectives."""

    start: int
    year: int | None = None
    verb: str = ""


@dataclass
class Statement:
    """A quantity read in its clause; the extractors turn it into a `Target` or a `Fact`."""

    eid: str
    start: int
    end: int
    text: str
    quantity: Quantity
    indicator: str
    unit: str
    role: Role
    section: SectionKind
    comparator: str
    target_year: int | None = None
    stated_year: int | None = None
    base_year: int | None = None
    scope: str = "whole"
    scope_count: bool = False  # a count that only says where a following figure applies (41个城市)

    def fields(self, lang: str) -> dict[str, object]:
        """What a `Target` and a `Fact` read from a statement alike: its span and its quantity."""
        return {
            "eid": self.eid, "lang": lang, "start": self.start, "end": self.end, "text": self.text,
            "indicator": self.indicator, "comparator": self.comparator, "value": self.quantity.value,
            "value_text": self.quantity.text, "unit": self.unit,
        }  # fmt: skip


def _strip_tail(text: str, start: int, end: int) -> tuple[int, _Tail]:
    """Read the verbs, adverbs, base year and share marker off the end of ``text[start:end]``."""
    tail = _Tail()
    while end > start:
        piece = text[start:end]
        if (m := _TAIL_BASE.search(piece)) and tail.base_year is None:
            tail.base_year = int(m.group("y"))
        elif (m := _TAIL_SHARE.search(piece)) and tail.share is None and not tail.verb:
            tail.share = m.group("base") or ""
        elif (m := _TAIL_RELATIVE.search(piece)) and tail.relative is None and not tail.verb:
            tail.relative = m.group("base")
        elif (m := _TAIL_VERB.search(piece)) and not tail.verb:
            tail.verb = m.group(0)
        elif (m := _TAIL_ADVERB.search(piece)) or (m := _TAIL_DURATION.search(piece)):
            tail.adverbs.append(m.group(0))
        elif (m := _TAIL_FROM.search(piece)) and tail.verb:
            pass
        else:
            break
        end = start + m.start()
    return end, tail


def strip_lead(text: str, start: int, end: int) -> _Lead:
    """Drop connectives, a leading year, a building verb and 全省 off the start of an indicator."""
    lead = _Lead(start)
    while lead.start < end:
        piece = text[lead.start : end]
        if m := _LEAD_YEAR.match(piece):
            lead.year = int(m.group("y"))
        elif m := _LEAD_VERB.match(piece):
            lead.verb = m.group(0)
        elif m := _LEAD_DURATION.match(piece):
            pass
        elif not (m := _LEAD_JUNK.match(piece) or _LEAD_WHOLE.match(piece)) or m.end() == len(piece):
            break
        lead.start += m.end()
    return lead


def _right_noun(text: str, start: int, stop: int, later: bool) -> int:
    """End of the noun a count is followed by (2个综合性国家科学中心); ``start`` when there is none."""
    if start >= stop or not _is_cjk(text[start]) or _NOUN_STOP.match(text, start):
        return start
    if later and (m := _COLLECTIVES.match(text, start)):
        return m.end()
    m = _NOUN_STOP.search(text, start, stop)
    return m.start() if m else stop


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch == "“"


def _comparator(q: Quantity, tail: _Tail, role: Role) -> str:
    """The comparator: a change by the figure, a qualifier, then the verb (targets) or eq (facts)."""
    if tail.verb in _DOWN_VERBS:
        return "reduce_by"
    if tail.verb in _UP_VERBS:
        return "increase_by"
    approx = any(a in ("约", "大约", "近", "将近", "接近") for a in tail.adverbs)
    exceeds = tail.verb in _EXCEEDS or "超过" in tail.adverbs
    qualifier = q.qualifier or ("approx" if approx else None) or ("gt" if exceeds else None)
    if role == "fact":
        return qualifier or "eq"
    if q.is_range or qualifier == "approx":
        return "within"
    if qualifier:
        return qualifier
    if tail.verb in _CAP_VERBS:
        return "le"
    if tail.verb in _REACH_VERBS or tail.verb in _BUILD_VERBS or _LEAD_VERB.fullmatch(tail.verb):
        return "reach"
    return "eq"


def _unit(q: Quantity, tail: _Tail) -> str:
    """The quantity's unit; an average annual change in % is per year (%/年)."""
    changes = tail.verb in _DOWN_VERBS or tail.verb in _UP_VERBS
    return "%/年" if changes and tail.annual and q.unit == "%" else q.unit


@dataclass(frozen=True)
class Change:
    """A change by a figure: 较2017年下降10% → reduce_by 10 %, base 2017."""

    comparator: Literal["reduce_by", "increase_by"]
    quantity: Quantity
    unit: str
    base_year: int | None = None


def parse_change(text: str) -> Change | None:
    """The change a whole expression writes (下降10%, 年均增长5.5%左右, 较2020年提高4.2个百分点), or None."""
    found = find_quantities(text)
    if len(found) != 1 or found[0].end != len(text):
        return None
    q = found[0]
    rest, tail = _strip_tail(text, 0, q.start)
    comparator = _comparator(q, tail, "fact")
    if rest or comparator not in ("reduce_by", "increase_by"):
        return None
    return Change(comparator, q, _unit(q, tail), tail.base_year)  # type: ignore[arg-type]


def _groups(text: str, quantities: list[Quantity]) -> list[list[Quantity]]:
    """Quantities written as one enumeration (37%、39%和29%) share the indicator before them."""
    groups: list[list[Quantity]] = []
    for q in quantities:
        prev = groups[-1][-1] if groups else None
        if prev and not prev.count and not q.count and _GROUP_GAP.fullmatch(text[prev.end : q.start]):
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def _split_items(phrase: str, n: int) -> list[str] | None:
    """The n items of an enumerated indicator (A、B和C分别…), sharing a head noun or a rate prefix.

    集成电路和软件信息服务产业规模 → 集成电路产业规模, 软件信息服务产业规模;
    单位地区生产总值能耗和二氧化碳排放 → 单位地区生产总值能耗, 单位地区生产总值二氧化碳排放.
    """
    items = [s for s in _ITEM_SPLIT.split(phrase) if s]
    if len(items) != n:
        return None
    if head := _HEADS.search(items[-1]):
        items = [i if _HEADS.search(i) else i + head.group(0) for i in items]
    if prefix := _RATE_PREFIX.match(items[0]):
        items = [i if _RATE_PREFIX.match(i) else prefix.group(0) + i for i in items]
    return items


def _places(phrase: str) -> tuple[str, str] | None:
    """(上海、南京、杭州、合肥, 研发强度) when an indicator opens with a list of short place names."""
    items = phrase.split("、")
    if len(items) < 2 or not all(2 <= len(i) <= 3 for i in items[:-1]):
        return None
    size = len(items[0])
    if len(items[-1]) < size + 2:
        return None
    return "、".join([*items[:-1], items[-1][:size]]), items[-1][size:]


@dataclass
class _Head:
    """The indicator read before a figure: where the record starts, where its words start, its scope."""

    span_start: int
    start: int
    end: int
    scope: str | None = None
    lead_year: int | None = None


@dataclass
class _Subject:
    """The last indicator read, for a figure that leaves it unsaid (…为86.5%，较2020年提高4.2个百分点)."""

    sentence: tuple[int, int]
    phrase: str
    scope: str


class UnitReader:
    """Reads the statements of one unit's text; knows its section kind and the target year in force."""

    def __init__(self, unit: Unit, section: SectionKind, carried_year: int | None, lang: str = "zh") -> None:
        self.unit, self.section, self.carried_year = unit, section, carried_year
        self.text = unit.text.get(lang, "")
        self.quantities = [q for q in find_quantities(self.text) if not self._modifier(q)]
        self.years = find_years(self.text)
        self.clauses = [clause_bounds(self.text, q.start) for q in self.quantities]
        self.right_nouns: dict[int, int] = {}
        self._subject: _Subject | None = None
        self._verbs: tuple[tuple[int, int], str] | None = None
        for i, q in enumerate(self.quantities):
            if q.count:
                later = self._later_in_clause(i)
                self.right_nouns[q.start] = _right_noun(self.text, q.end, self.clauses[i][1], later)

    def _modifier(self, q: Quantity) -> bool:
        """A figure inside a noun phrase (3岁以下婴幼儿, 1小时通勤圈), not a figure of its own."""
        return not q.count and not _AFTER_FIGURE.match(self.text, q.end)

    def _later_in_clause(self, i: int) -> bool:
        """Another figure follows in the same clause (not inside a parenthesis of its own)."""
        return any(self.clauses[j] == self.clauses[i] for j in range(i + 1, len(self.quantities)))

    def _clause_start(self, q: Quantity) -> int:
        """Start of the words of ``q``: its clause, after any figure before it (…、结算医疗费用约54亿元)."""
        i = self.quantities.index(q)
        start = self.clauses[i][0]
        if i and self.clauses[i - 1] == self.clauses[i]:
            prev = self.quantities[i - 1]
            if not (prev.count and self.right_nouns.get(prev.start, prev.end) > prev.end):
                start = max(start, prev.end)
        while start < q.start and self.text[start] in "、，,和及与":
            start += 1
        return start

    def statements(self) -> Iterator[Statement]:
        """The unit's statements in text order."""
        for group in _groups(self.text, self.quantities):
            yield from self._read_group(group)

    def year_at(self, pos: int) -> int | None:
        """The target year in force at ``pos``: the last 到20XX年 before it, or one carried in.

        In a goals section a year opening a clause (2030年，…) counts too.
        """
        year = self.carried_year
        for y in self.years:
            if y.start >= pos:
                break
            opens = y.start == 0 or self.text[y.start - 1] in _BOUNDARY
            if y.role == "target" or (self.section == "targets" and y.role == "stated" and opens):
                year = y.year
        return year

    def last_year(self) -> int | None:
        """The target year still in force at the end of the unit, for the next paragraph."""
        return self.year_at(len(self.text) + 1)

    def _read_group(self, group: list[Quantity]) -> Iterator[Statement]:
        """The statements of one figure, or of an enumeration of figures sharing an indicator."""
        first = group[0]
        if len(group) == 1 and self.right_nouns.get(first.start, first.end) > first.end:
            yield self._counted(first)
            return
        i = self.quantities.index(first)
        cs, ce = self._clause_start(first), self.clauses[i][1]
        head_end, tail = _strip_tail(self.text, cs, first.start)
        lead = strip_lead(self.text, cs, head_end)
        self._share_verb(tail, lead, self.clauses[i])
        words = self.text[lead.start : head_end]
        if (noun := self._noun_after_share(group[-1], ce)) and (not words or words in _SHARE_BASES):
            yield self._share_before_noun(first, cs, tail, noun)
            return
        found = self._indicator(first, cs, lead, head_end, tail)
        if found is not None:
            yield from self._emit(group, *found, tail)

    def _share_verb(self, tail: _Tail, lead: _Lead, clause: tuple[int, int]) -> None:
        """建成高速公路1000公里、铁路500公里: a verb serves the rest of its enumeration."""
        if not tail.verb:
            tail.verb = lead.verb or (self._verbs[1] if self._verbs and self._verbs[0] == clause else "")
        if tail.verb:
            self._verbs = (clause, tail.verb)

    def _indicator(
        self, q: Quantity, cs: int, lead: _Lead, end: int, tail: _Tail
    ) -> tuple[_Head, str] | None:
        """Where the indicator is and its words; None when the figure is not a statement."""
        words = self.text[lead.start : end]
        if words and not _VERB_ONLY.fullmatch(words):
            head = self._head(lead.start, end, tail)
            phrase = self.text[head.start : head.end]
        else:  # …为86.5%，较2020年提高4.2个百分点 / …，新增2000公里
            unsaid = self._unsaid(q, cs)
            if unsaid is None or self._subject is None:
                return None
            head, phrase = unsaid, self._subject.phrase + words
        if _PROJECT_SPEC.fullmatch(phrase) or (q.unit in _TIME_UNITS and not tail.verb):
            return None
        head.lead_year = lead.year
        return head, phrase + ("相当于" + tail.relative if tail.relative else "")

    def _emit(self, group: list[Quantity], head: _Head, phrase: str, tail: _Tail) -> Iterator[Statement]:
        """One statement per figure; an enumeration with 分别 distributes the indicator's items."""
        items = _split_items(phrase, len(group)) if len(group) > 1 and tail.respectively else None
        for i, q in enumerate(group):
            indicator = (items[i] if items else phrase) + ("占" + tail.share if tail.share else "")
            start = head.span_start if i == 0 and not items else q.start
            yield self._statement(q, start, q.end, indicator, tail, head)
        if not items:
            sentence = clause_bounds(self.text, group[0].start, True)
            self._subject = _Subject(sentence, phrase, head.scope or "")

    def _unsaid(self, q: Quantity, cs: int) -> _Head | None:
        """The indicator of the figure before in the same sentence, when this one leaves it unsaid."""
        subject = self._subject
        if subject is None or subject.sentence != clause_bounds(self.text, q.start, True):
            return None
        return _Head(cs, cs, cs, subject.scope or None)

    def _noun_after_share(self, q: Quantity, ce: int) -> tuple[int, int] | None:
        """(start, end) of the noun in 全国约1/4的“双一流”高校 — a share written before its noun."""
        if q.unit not in ("fraction", "%") or self.text[q.end : q.end + 1] != "的" or ce <= q.end + 1:
            return None
        return q.end + 1, ce

    def _share_before_noun(self, q: Quantity, cs: int, tail: _Tail, noun: tuple[int, int]) -> Statement:
        base = next((b for b in _SHARE_BASES if self.text.startswith(b, cs)), "")
        indicator = self.text[noun[0] : noun[1]] + ("占" + base if base else "")
        head = _Head(cs if base else q.start, noun[0], noun[1])
        return self._statement(q, head.span_start, noun[1], indicator, tail, head)

    def _counted(self, q: Quantity) -> Statement:
        """A count followed by its noun: 2个综合性国家科学中心, 27个城市为中心区."""
        noun_end = self.right_nouns[q.start]
        cs, ce = clause_bounds(self.text, q.start)
        _, tail = _strip_tail(self.text, cs, q.start)
        after = _IS_SCOPE.match(self.text, noun_end, ce)
        noun = self.text[q.end : noun_end]
        head = _Head(q.start, q.end, noun_end, scope_suffix(after.group(1)) if after else None)
        st = self._statement(q, q.start, noun_end, noun, tail, head)
        st.scope_count = self._later_in_clause(self.quantities.index(q)) and bool(
            _COLLECTIVES.fullmatch(noun)
        )
        return st

    def _head(self, start: int, end: int, tail: _Tail) -> _Head:
        """Where the indicator's words start: after a leading count (41个城市…) or a list of cities (…均)."""
        head = _Head(start, start, end)
        for q in self.quantities:
            noun_end = self.right_nouns.get(q.start, q.end)
            if start <= q.start and q.end < noun_end <= end:
                if _COLLECTIVES.fullmatch(self.text[q.end : noun_end]):
                    head.scope, head.start = "named:" + self.text[q.start : noun_end], noun_end
                else:
                    head.start = q.end
                head.span_start = head.start
        if tail.each and head.scope is None and (places := _places(self.text[head.start : end])):
            head.scope = "named:" + places[0]
            head.start = end - len(places[1])
        return head

    def _statement(
        self, q: Quantity, start: int, end: int, indicator: str, tail: _Tail, head: _Head
    ) -> Statement:
        role = self._role(q, tail)
        scope = head.scope or scope_prefix(indicator) or self._context_scope(q) or "whole"
        return Statement(
            eid=self.unit.eid,
            start=start,
            end=end,
            text=self.text[start:end],
            quantity=q,
            indicator=indicator,
            unit=_unit(q, tail),
            role=role,
            section=self.section,
            comparator=_comparator(q, tail, role),
            target_year=self.year_at(q.start) if role == "target" else None,
            stated_year=self._stated_year(q.start, head.lead_year),
            base_year=tail.base_year,
            scope=scope,
        )

    def _context_scope(self, q: Quantity) -> str | None:
        """Scope from the words before a parenthesis (全域（面积…）) or a clause ending in one (新片区，…)."""
        cs, _ = clause_bounds(self.text, q.start)
        if cs > 1 and self.text[cs - 1] in "（(，,":
            return scope_suffix(self.text[: cs - 1])
        return None

    def _role(self, q: Quantity, tail: _Tail) -> Role:
        if self.section != "body":
            return "fact" if self.section == "facts" else "target"
        future = self.year_at(q.start) is not None
        goal_verb = tail.verb in _REACH_VERBS + _CAP_VERBS + _HOLD_VERBS + _BUILD_VERBS
        goal_verb = goal_verb or bool(tail.verb and _LEAD_VERB.fullmatch(tail.verb))
        goal_adverb = any(a in ("力争", "确保", "争取", "累计", "年均") for a in tail.adverbs)
        return "target" if future or goal_verb or goal_adverb else "fact"

    def _stated_year(self, pos: int, lead_year: int | None) -> int | None:
        """The last year the sentence names before the figure (not a base year): 2020年, “十四五”时期."""
        ss, _ = clause_bounds(self.text, pos, sentence=True)
        stated = lead_year
        for y in self.years:
            if ss <= y.start < pos and y.role != "base":
                stated = y.year
        return stated


def section_kind(path: list[Unit]) -> SectionKind:
    """Facts (preamble, 发展基础 …), targets (发展目标 …) or the plan's body, from the unit's ancestors."""
    for unit in reversed(path):
        heading = unit.heading.get("zh", "")
        if unit.kind in ("preamble", "front") or FACT_HEADINGS.search(heading):
            return "facts"
        if TARGET_HEADINGS.search(heading):
            return "targets"
    return "body"


def heading_year(path: list[Unit]) -> int | None:
    """The year the nearest heading names (“十五五”时期…主要目标 → 2030), the default in a goals section."""
    for unit in reversed(path):
        years = find_years(unit.heading.get("zh", ""))
        if years:
            return years[-1].year
    return None


def _walk(units: list[Unit], path: list[Unit]) -> Iterator[tuple[Unit, list[Unit]]]:
    for unit in units:
        yield unit, path
        yield from _walk(unit.children, [*path, unit])


def readers(plan: Plan, lang: str = "zh") -> Iterator[UnitReader]:
    """A reader for every unit with text, in document order.

    In a goals section a target year (到2025年) stays in force for the rest of the section until
    another one is named, starting from the year its heading names; elsewhere it holds to the end of
    its paragraph.
    """
    carried: dict[str, int | None] = {}
    for unit, path in _walk(plan.units, []):
        if not unit.text.get(lang):
            continue
        section_eid = path[-1].eid if path else ""
        kind = section_kind([*path, unit])
        start_year = carried.get(section_eid, heading_year(path) if kind == "targets" else None)
        reader = UnitReader(unit, kind, start_year, lang)
        yield reader
        carried[section_eid] = reader.last_year() if kind == "targets" else None


def read_statements(plan: Plan, lang: str = "zh") -> list[Statement]:
    """Every quantified statement of a plan, in document order, each marked target or fact."""
    return [st for reader in readers(plan, lang) for st in reader.statements()]
