"""The follow-up documents shipped with the product, loaded and linked on the first run (idempotent).

`yrd serve` brings them up with the Outline (`yrd.bootstrap.prepare_default`), so the policy
library, the review queue and the coverage view show a real document at once. Links are suggested
only for a document that has none yet: later rounds, and every decision, are the coordinator's.
Nothing is confirmed here: a confirmed link is a person's judgement.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN
from yrd.policies import store
from yrd.supervise.roles import system


def shipped() -> list[dict[str, Any]]:
    """The manifest of the shipped documents: file, relation, issuer, number, date, status, source."""
    folder = resources.files("yrd") / "data" / "policies"
    return json.loads((folder / "policies.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def seed_policies(db: Database, outline_plan_id: str = DEFAULT_PLAN) -> list[str]:
    """Load every shipped document and suggest links for those with none; the plan ids, in order."""
    folder = resources.files("yrd") / "data" / "policies"
    actor = system()
    loaded = []
    for entry in shipped():
        data = (folder / entry["file"]).read_bytes()
        result = store.load_policy(db, actor, [(entry["file"], data)], relation=entry["relation"],
                                   issuer=entry["issuer"], number=entry["number"], date=entry["date"],
                                   status=entry["status"])  # fmt: skip
        with db.read() as session:
            doc = store.policy(session, result.plan_id)
        if not any(doc.links.values()):
            store.suggest_links(db, actor, result.plan_id, outline_plan_id)
        loaded.append(result.plan_id)
    return loaded
