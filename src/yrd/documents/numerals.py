"""Chinese and Roman numerals, as plan headings and citations write them."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100}
_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def parse_chinese(text: str) -> int:
    """Value of a Chinese numeral such as 十二 or 二十三 (Arabic digits pass through).

    Raises:
        ValueError: the text is not a numeral.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def to_chinese(n: int) -> str:
    """Chinese numeral for 1..999, as headings write it (十二, 二十, 一百零五)."""
    if not 0 < n < 1000:
        raise ValueError(f"out of range: {n}")
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return out


def parse_roman(text: str) -> int:
    """Value of a Roman numeral (I, IV, XII), case-insensitive.

    Raises:
        ValueError: the text is not a well-formed Roman numeral.
    """
    s = text.strip().upper()
    if not s:
        raise ValueError("empty Roman numeral")
    total, i = 0, 0
    for value, sym in _ROMAN:
        while s.startswith(sym, i):
            total += value
            i += len(sym)
    if i != len(s) or to_roman(total) != s:
        raise ValueError(f"not a Roman numeral: {text!r}")
    return total


def to_roman(n: int) -> str:
    """Roman numeral for a positive integer."""
    if n <= 0:
        raise ValueError(f"out of range: {n}")
    out = []
    for value, sym in _ROMAN:
        count, n = divmod(n, value)
        out.append(sym * count)
    return "".join(out)
