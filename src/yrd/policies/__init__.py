"""Policies (1+N): follow-up plans and policies linked to the Outline measures they carry out."""

from yrd.policies.link import OutlineIndex, Reason, Suggestion, build_index, link_plan, suggest

__all__ = ["OutlineIndex", "Reason", "Suggestion", "build_index", "link_plan", "suggest"]
