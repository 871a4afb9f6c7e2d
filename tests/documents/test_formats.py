"""Reading follow-up documents from plain text, HTML, DOCX and PDF (`yrd.documents.formats`).

Every document here is SYNTHETIC TEST MATERIAL: the policy texts under tests/data/policy_docs (fictional,
written for this project), and the HTML pages, Word files and PDFs made from them at run time.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from yrd.db import Database
from yrd.documents.formats import sniff, to_text
from yrd.errors import InputError
from yrd.policies.cli import register
from yrd.policies.store import parse_policy_file

DOCS = Path(__file__).parents[1] / "data" / "policy_docs"
IMPL = (DOCS / "implementation_plan.txt").read_text("utf-8")
REGULATION = (DOCS / "regulation.txt").read_text("utf-8")
SYNTHETIC = "合成测试材料 SYNTHETIC TEST MATERIAL"


def lines_of(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def tree(data: bytes, name: str, encoding: str | None = None) -> tuple[str, list[tuple[str, str, str]]]:
    """The title and every unit's (eId, heading, text) of a file read as a policy document."""
    plan = parse_policy_file(data, name, encoding).plan
    units = [(u.eid, u.heading.get("zh", ""), u.text.get("zh", "")) for u in plan.walk()]
    return plan.title.get("zh", ""), units


def expected(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    return tree(text.encode("utf-8"), "plain.txt")


# ------------------------------------------------------------------------------------------ makers


def make_html(text: str, charset: str = "utf-8", meta: str = "charset") -> bytes:
    """A page like those saved from a provincial government site: navigation, crumbs, a sidebar,
    scripts and a footer around the document, indented with &nbsp; and full-width spaces."""
    lines = lines_of(text)
    body = []
    for i, ln in enumerate(lines[2:]):
        esc = html.escape(ln)
        if i % 3 == 0:
            body.append(f'<p style="text-indent:2em">&nbsp;&nbsp;{esc}</p>')
        elif i % 3 == 1:
            # a paragraph wrapped in the page's source between CJK characters
            half = len(esc) // 2
            body.append(f"<p>\u3000\u3000{esc[:half]}\n        {esc[half:]}</p>")
        else:
            body.append(f"<div>{esc}</div>")
    head = (
        f'<meta charset="{charset}">'
        if meta == "charset"
        else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    )
    page = f"""<!DOCTYPE html>
<html><head>{head}<title>{html.escape(lines[1])}_示例省人民政府门户网站</title>
<style>.nav {{ color: red }}</style><script>var 统计 = "访问量统计代码";</script></head>
<body>
<header><div class="logo">示例省人民政府门户网站</div></header>
<div class="nav"><ul><li>首页</li><li>政务公开</li><li>政策文件</li><li>互动交流</li></ul></div>
<div class="main-wrap">
<div class="bread-crumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="sidebar"><h3>相关链接</h3><ul><li>国务院办公厅关于某事项的通知</li></ul></div>
<div class="article">
<div class="title"><h1>{html.escape(lines[1])}</h1></div>
<div class="info">来源：示例省人民政府办公厅　发布日期：2026-03-01　浏览次数：123</div>
<p>{html.escape(lines[0])}</p>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="share">分享到：微信 微博</div>
</div></div>
<noscript>请开启浏览器的脚本功能</noscript>
<footer><p>主办：示例省人民政府办公厅　版权所有　网站标识码：0000000000</p></footer>
<script>document.write("脚本里的中文不能进入正文");</script>
</body></html>"""
    return page.encode(charset)


def make_docx(text: str, *, table: bool = False, auto_numbered: list[str] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for ln in lines_of(text):
        document.add_paragraph(ln)
    if table:
        grid = document.add_table(rows=2, cols=2)
        for r, row in enumerate([("指标", "目标值"), ("跨区域创新平台", "30个")]):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for ln in auto_numbered or []:
        document.add_paragraph(ln, style="List Number")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


PDF_STYLE = """
@page { size: A6; margin: 1.6cm 1.2cm;
        @top-center { content: "示例省人民政府文件"; font-size: 8pt }
        @bottom-center { content: "— " counter(page) " —"; font-size: 9pt } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10pt; line-height: 1.5 }
p { margin: 0; text-indent: 2em; text-align: justify }
p.t { text-indent: 0; text-align: center; font-size: 12pt }
p.s { text-align: right }
"""


def make_pdf(text: str) -> bytes:
    import weasyprint

    lines = lines_of(text)
    paras = []
    for i, ln in enumerate(lines):
        cls = "t" if i == 1 else ("s" if i >= len(lines) - 2 else "")
        paras.append(f'<p class="{cls}">{html.escape(ln)}</p>')
    page = f"<html><head><style>{PDF_STYLE}</style></head><body>{''.join(paras)}</body></html>"
    return weasyprint.HTML(string=page).write_pdf()


# ---------------------------------------------------------------------------- same tree, every form


@pytest.mark.parametrize("source", [IMPL, REGULATION], ids=["implementation_plan", "regulation"])
@pytest.mark.parametrize(
    ("form", "name", "make"),
    [("html", "plan.html", make_html), ("docx", "plan.docx", make_docx), ("pdf", "plan.pdf", make_pdf)],
)
def test_each_form_reads_into_the_tree_of_the_plain_text(source, form, name, make) -> None:  # type: ignore[no-untyped-def]
    data = make(source)
    parsed = parse_policy_file(data, name)
    assert parsed.form == form and not parsed.plan.warnings
    assert tree(data, name) == expected(source)


def test_plain_text_is_read_as_before() -> None:
    parsed = parse_policy_file(IMPL.encode("gb18030"), "plan.txt")
    assert (parsed.form, parsed.encoding) == ("plain", "gb18030")
    assert tree(IMPL.encode("gb18030"), "plan.txt") == expected(IMPL)


# -------------------------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(("charset", "meta"), [("gbk", "charset"), ("gb2312", "http-equiv")])
def test_gbk_page_with_a_charset_declaration(charset: str, meta: str) -> None:
    data = make_html(IMPL, charset, meta)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = to_text(data, "page.htm")
    assert doc.form == "html" and doc.encoding == "gb18030"
    assert tree(data, "page.htm") == expected(IMPL)


def test_declared_charset_wins_over_detection() -> None:
    """Big5 bytes also decode as GB18030, into the wrong characters: the declaration decides."""
    body = "<p>一、總體要求</p><p>推進區域協同發展。</p>"
    page = f'<html><head><meta charset="big5"></head><body>{body}</body></html>'
    doc = to_text(page.encode("big5"), "page.html")
    assert doc.encoding == "big5" and doc.text.splitlines() == ["一、總體要求", "推進區域協同發展。"]


def test_government_page_noise_does_not_leak() -> None:
    doc = to_text(make_html(IMPL), "page.html")
    for noise in (
        "首页",
        "当前位置",
        "相关链接",
        "版权所有",
        "浏览次数",
        "脚本",
        "统计",
        "分享到",
        "门户网站",
    ):
        assert noise not in doc.text, noise
    lines = doc.text.splitlines()
    assert lines[0] == "示例省推进长三角一体化交通与创新协同实施方案"  # the title, from outside the zoom box
    assert SYNTHETIC in lines[1]
    assert "推动规划纲要各项举措在本省落地见效。" in doc.text  # the source line break inside a <p> is gone
    assert not any(ln != ln.strip() or "\xa0" in ln or "\u3000" in ln for ln in lines)


def test_page_without_a_content_container_reads_the_body_with_line_breaks() -> None:
    page = """<html><body><nav>首页 政策</nav><p>一、总体要求</p>
    <table><tr><td>指标</td><td>目标值</td></tr></table>
    <div>1.加快建设。<br>2.推进贯通。<br/>（1）完成东部连接线。</div><ul><li>二、保障措施</li></ul></body></html>"""
    doc = to_text(page.encode(), "x.html")
    assert doc.text.splitlines() == ["一、总体要求", "指标\t目标值", "1.加快建设。", "2.推进贯通。",
                                     "（1）完成东部连接线。", "二、保障措施"]  # fmt: skip


# -------------------------------------------------------------------------------------------- DOCX


def test_docx_table_rows_are_lines() -> None:
    doc = to_text(make_docx(IMPL, table=True), "plan.docx")
    assert doc.text.splitlines()[-2:] == ["指标\t目标值", "跨区域创新平台\t30个"]


def test_docx_automatic_numbering_is_warned_about() -> None:
    data = make_docx(IMPL, auto_numbered=["加强监测评估工作。", "4.已经写出编号的条目。"])
    doc = to_text(data, "plan.docx")
    assert len(doc.warnings) == 1
    assert "1 paragraph(s) use Word automatic numbering" in doc.warnings[0]
    assert "加强监测评估工作" in doc.warnings[0]
    parsed = parse_policy_file(data, "plan.docx")
    assert any("automatic numbering" in str(w) and "plan.docx" in str(w) for w in parsed.plan.warnings)


def test_corrupt_docx_is_an_input_error() -> None:
    good = make_docx(IMPL)
    with pytest.raises(InputError, match=r"^broken\.docx: not a valid Word \(\.docx\) file"):
        to_text(good[: len(good) // 2], "broken.docx")
    with pytest.raises(InputError, match=r"^fake\.docx: not a valid Word \(\.docx\) file"):
        to_text("一、总体要求".encode(), "fake.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>not xml")
    with pytest.raises(InputError, match=r"^bad\.docx: not a readable Word \(\.docx\) file"):
        to_text(buf.getvalue(), "bad.docx")


def test_old_doc_and_other_zip_are_refused() -> None:
    with pytest.raises(InputError, match=r"old Word \(\.doc/\.wps\) file"):
        to_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "plan.doc")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="ZIP archive that is not a Word document"):
        to_text(buf.getvalue(), "plan.xlsx")


# --------------------------------------------------------------------------------------------- PDF


def test_pdf_wrapped_paragraphs_page_numbers_and_running_headers() -> None:
    import pypdf

    data = make_pdf(IMPL)
    reader = pypdf.PdfReader(io.BytesIO(data))
    raw = [p.extract_text() for p in reader.pages]
    assert len(raw) >= 3 and any("— 2 —" in t for t in raw)  # the layout wrapped and numbered pages
    doc = to_text(data, "plan.pdf")
    assert doc.text.splitlines() == lines_of(IMPL)
    assert "示例省人民政府文件" not in doc.text and "— 2 —" not in doc.text


def test_pdf_lines_join_across_a_page_break() -> None:
    long = "。".join(["推进沿江城际铁路前期工作并加快建设跨省通道"] * 12) + "。"
    text = (
        f"【{SYNTHETIC}】\n示例省实施方案\n一、总体要求\n1.{long}\n2.{long}\n二、保障措施\n1.加强组织领导。"
    )
    doc = to_text(make_pdf(text), "plan.pdf")
    assert doc.text.splitlines()[2:] == ["一、总体要求", f"1.{long}", f"2.{long}", "二、保障措施",
                                         "1.加强组织领导。"]  # fmt: skip


def test_scanned_pdf_has_no_text_layer() -> None:
    import weasyprint

    page = '<html><body><div style="width:8cm;height:12cm;background:#888"></div></body></html>'
    data = weasyprint.HTML(string=page).write_pdf()
    with pytest.raises(InputError) as raised:
        parse_policy_file(data, "scan.pdf")
    assert str(raised.value) == (
        "scan.pdf: the PDF has no text layer (a scan?); run OCR first or supply the text"
    )


def test_encrypted_and_corrupt_pdf() -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(IMPL))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InputError, match=r"^locked\.pdf: the PDF is encrypted"):
        to_text(buf.getvalue(), "locked.pdf")
    with pytest.raises(InputError, match=r"^cut\.pdf: not a readable PDF file"):
        to_text(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "cut.pdf")
    with pytest.raises(InputError, match=r"^fake\.pdf: not a valid PDF file"):
        to_text("一、总体要求".encode(), "fake.pdf")


# ---------------------------------------------------------------------------------------- sniffing


def test_wrongly_named_files_are_sniffed() -> None:
    assert sniff(make_html(IMPL), "plan.txt") == "html"
    assert sniff(make_pdf(IMPL), "plan.bin") == "pdf"
    assert sniff(make_docx(IMPL), "plan.dat") == "docx"
    assert sniff(IMPL.encode(), "plan.html") == "html"  # the name says so and the bytes do not deny it
    assert sniff(IMPL.encode(), "plan") == "plain"
    parsed = parse_policy_file(make_pdf(IMPL), "plan.bin")
    assert parsed.form == "pdf"
    assert tree(make_html(IMPL), "page.txt") == expected(IMPL)


# --------------------------------------------------------------------------------------------- CLI


def test_cli_loads_a_docx(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YRD_DATABASE_URL", db.url)
    app = typer.Typer()
    register(app)
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx(IMPL))
    runner = CliRunner()
    loaded = runner.invoke(app, ["policy", "load", str(path), "--relation", "special_plan"])
    assert loaded.exit_code == 0, loaded.output
    said = " ".join(loaded.output.split())
    assert "plan.docx: docx, utf-8, loaded" in said and "18 paragraphs" in said
    [policy] = json.loads(runner.invoke(app, ["policy", "list", "--format", "json"]).output)["data"]
    assert (policy["title"], policy["relation"]) == (
        "示例省推进长三角一体化交通与创新协同实施方案",
        "special_plan",
    )
