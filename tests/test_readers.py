"""Decoding, form detection and the clear one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from yrd.documents.readers import detect_form, plain_lines, read_source
from yrd.errors import InputError

DATA = Path(__file__).parent / "data"
GENRE = DATA / "genre"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("regional_outline.txt", "utf-8"), ("regional_outline.bom.txt", "utf-8-sig"),
     ("regional_outline.gbk.txt", "gb18030")],
)  # fmt: skip
def test_encodings_detected(name: str, encoding: str) -> None:
    src = read_source((GENRE / name).read_bytes(), name)
    assert src.encoding == encoding
    assert src.text.lstrip("\ufeff").startswith("新华社")
    assert src.form == "plain"


def test_encoding_override() -> None:
    data = (GENRE / "regional_outline.gbk.txt").read_bytes()
    assert read_source(data, "x", encoding="gbk").encoding == "gbk"
    with pytest.raises(InputError, match=r"line 1, column 1: bytes not valid utf-8"):
        read_source(data, "x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_source(data, "x", encoding="klingon")


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.txt", "the file is empty"), ("binary.bin", "binary file"),
     ("undecodable.txt", r"line \d+, column \d+: undecodable bytes")],
)  # fmt: skip
def test_bad_files(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_source((DATA / "bad" / name).read_bytes(), name)
    assert "\n" not in str(info.value)
    assert name in str(info.value)


def test_no_chinese() -> None:
    with pytest.raises(InputError, match="no Chinese text"):
        read_source(b"just some English words here", "en.txt")


def test_form_detection(seeds: Path) -> None:
    assert detect_form((seeds / "000_094ee4e860bae67b.txt").read_text("utf-8")) == "plain"
    assert detect_form((seeds / "003_39bcb3656d9d8d7a.txt").read_text("utf-8")) == "bilingual"
    with pytest.raises(InputError, match="unknown form"):
        read_source("第一章 测试".encode(), "x", form="pdf")


def test_subscript_before_continuation() -> None:
    text = "生态环境改善。细颗粒物（PM\n2.5\n）平均浓度下降。\n下一段。"
    lines = plain_lines(text)
    assert [ln.text for ln in lines] == ["生态环境改善。细颗粒物（PM2.5）平均浓度下降。", "下一段。"]
    assert [ln.no for ln in lines] == [1, 4]


def test_subscript_after_continuation() -> None:
    lines = plain_lines("排放（NO\n）下降。\nx\n下一段。")
    assert [ln.text for ln in lines] == ["排放（NOx）下降。", "下一段。"]


def test_bom_then_broken_utf8() -> None:
    data = b"\xef\xbb\xbf\xe7\xac\xac\xe4\xb8\x80\xe7\xab\xa0\n\xff\xfe"
    with pytest.raises(
        InputError, match=r"line 2, column 1: bytes not valid UTF-8 after a UTF-8 byte-order mark"
    ):
        read_source(data, "bom.txt")
