"""A small assessment report built from SYNTHETIC numbers (made up for the tests, labelled as such in
the report's own text), in Chinese or English, using every block type and figure kind."""

from __future__ import annotations

from datetime import date

from yrd.regions.boundaries import load_boundaries
from yrd.reports.model import (
    Bar,
    BarChart,
    BulletList,
    Cell,
    ChoroplethMap,
    Figure,
    LineChart,
    Meta,
    Note,
    Paragraph,
    Report,
    Run,
    Section,
    Series,
    Source,
    Status,
    Table,
)

T = {
    "title": ("长三角一体化发展监测评估报告（测试样例）", "YRD Integration Assessment Report (test sample)"),
    "subtitle": ("合成数据，仅供测试", "Synthetic data, for tests only"),
    "summary": ("执行摘要", "Executive summary"),
    "summary_text": ("本报告全部数值均为合成数据，", "Every number in this report is synthetic data, "),
    "summary_rest": ("不代表任何实际统计。", "standing for no real statistic."),
    "synthetic": ("合成数据", "Synthetic data"),
    "synthetic_note": (
        "以下图表使用的是为测试编造的数字。",
        "The figures below use numbers made up for testing.",
    ),
    "points": (
        ["城镇化率持续提高", "区域差距有所缩小"],
        ["Urbanisation keeps rising", "Regional gaps narrow"],
    ),
    "targets": ("目标进展", "Progress towards the targets"),
    "targets_table": ("主要目标进展情况", "Progress of the main targets"),
    "header": (["指标", "2025年目标", "2023年", "进展"], ["Indicator", "2025 target", "2023", "Status"]),
    "urban": ("常住人口城镇化率（%）", "Urbanisation rate (%)"),
    "rail": ("铁路网密度（公里/百平方公里）", "Railway density (km per 100 km²)"),
    "forest": ("森林覆盖率（%）", "Forest cover (%)"),
    "rd": ("研发投入强度（%）", "R&D intensity (%)"),
    "gap": ("城乡收入比", "Urban–rural income ratio"),
    "nodata": ("跨省通办事项数", "Cross-province services"),
    "chart": ("城镇化率：实际、达标路径与预测", "Urbanisation: observed, required path and projection"),
    "delta": ("长三角（合成）", "YRD (synthetic)"),
    "maps": ("空间格局", "Spatial pattern"),
    "map": ("各市人均地区生产总值（合成）", "GDP per head by city (synthetic)"),
    "unit_gdp": ("万元/人", "10k yuan per head"),
    "index": ("综合指数及其敏感性", "Composite index and its sensitivity"),
    "index_chart": ("一体化综合指数（权重敏感性区间）", "Integration index (range over weightings)"),
    "provinces": (["上海", "江苏", "浙江", "安徽"], ["Shanghai", "Jiangsu", "Zhejiang", "Anhui"]),
    "methods": ("方法说明", "Methods"),
    "methods_text": (
        "进展状态按达标所需年均增速判定。",
        "A status compares the observed pace with the pace needed.",
    ),
    "source": ("合成数据（测试）", "synthetic data (tests)"),
    "data_source": ("测试用合成统计表", "Synthetic statistics table for tests"),
}
OBSERVED = [(2018, 60.1), (2019, 61.5), (2020, 63.0), (2021, 64.2), (2022, 65.1), (2023, 66.0)]
INDEX = [(0.82, 0.78, 0.86), (0.71, 0.66, 0.75), (0.69, 0.60, 0.72), (0.48, 0.41, 0.55)]  # value, low, high


def t(key: str, lang: str) -> object:
    zh, en = T[key]
    return zh if lang == "zh" else en


def sample_report(lang: str) -> Report:
    def s(key: str) -> str:
        value = t(key, lang)
        assert isinstance(value, str)
        return value

    codes = sorted(f["id"] for f in load_boundaries("prefecture")["features"])
    values: dict[str, float | None] = {c: 5.0 + (i * 7) % 16 for i, c in enumerate(codes)}
    values[codes[3]] = None
    header = t("header", lang)
    assert isinstance(header, list)
    provinces = t("provinces", lang)
    assert isinstance(provinces, list)
    points = t("points", lang)
    assert isinstance(points, list)
    return Report(
        title=s("title"),
        subtitle=s("subtitle"),
        lang=lang,  # type: ignore[arg-type]
        meta=Meta(
            period="2024",
            generated_at=date(2025, 3, 1),
            organisation="YRD Integration Monitor",
            sources=[Source("src-synthetic", s("data_source"), "YRD tests", note=s("source"))],
        ),
        sections=[
            Section(
                s("summary"),
                "summary",
                1,
                [
                    Paragraph([s("summary_text"), Run(s("summary_rest"), strong=True)]),
                    Note(s("synthetic_note"), title=s("synthetic"), tone="warning"),
                    BulletList(points),
                ],
            ),
            Section(
                s("targets"),
                "targets",
                1,
                [
                    Table(
                        header=header,
                        rows=[
                            [s("urban"), 70, 66.0, Cell(None, Status.ON_TRACK)],
                            [s("rail"), 5.0, 4.2, Cell(None, Status.MODERATE)],
                            [s("forest"), 42.0, 41.1, Cell(None, Status.STAGNATING)],
                            [s("rd"), 3.0, 3.3, Cell(None, Status.ACHIEVED)],
                            [s("gap"), 2.0, 2.4, Cell(None, Status.MOVING_AWAY)],
                            [s("nodata"), 1000, None, Cell(None, Status.INSUFFICIENT_DATA)],
                        ],
                        caption=s("targets_table"),
                        id="target-table",
                        align=["left", "right", "right", "left"],
                        source=s("source"),
                    ),
                    Figure(
                        LineChart(
                            series=[Series(s("delta"), OBSERVED)],
                            unit="%",
                            target=70,
                            target_x=2025,
                            required_path=[(2023, 66.0), (2025, 70.0)],
                            projection=[(2023, 66.0), (2024, 66.9), (2025, 67.8)],
                        ),
                        caption=s("chart"),
                        id="fig-urban",
                        source=s("source"),
                    ),
                ],
            ),
            Section(
                s("maps"),
                "maps",
                2,
                [
                    Figure(
                        ChoroplethMap(values, level="prefecture", unit=s("unit_gdp")),
                        caption=s("map"),
                        id="fig-map-gdp",
                        source=s("source"),
                    )
                ],
            ),
            Section(
                s("index"),
                "index",
                1,
                [
                    Figure(
                        BarChart(
                            [Bar(name, *INDEX[i], highlight=i == 2) for i, name in enumerate(provinces)],
                            unit="0–1",
                        ),
                        caption=s("index_chart"),
                        id="fig-index",
                        source=s("source"),
                    )
                ],
            ),
        ],
        annexes=[Section(s("methods"), "methods", 1, [Paragraph(s("methods_text"))])],
    )
