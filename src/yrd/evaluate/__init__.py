"""Evaluation methods (issue 5): pure computations on numpy panels, no database, no web.

A panel is a (regions × years) float array with NaN for missing years; batch functions take
whole panels so thousands of series cost a few numpy operations. Every result carries the
method's name and its inputs so a report can say how a verdict was reached; docs/methods.md
gives each formula, its published source and a worked example the tests check.

Modules:
- ``status``      statuses, directions, TargetSpec, Verdict (the shared vocabulary)
- ``series``      panel helpers: windows, first/last observation, CAGR, OLS slopes
- ``progress``    0–100 progress score between a worst bound and the target (SDSN)
- ``trend``       checks shared by every trend rule; the batch TrendResult
- ``rules``       Open SDG/StatCan, Eurostat, SDSN arrows, German weather symbols, UNSD chart
- ``compare``     several rules side by side: agreement mark, headline method
- ``evidence``    evidence strength grade with reasons
- ``trajectory``  planned linear/compound path to the milestones and the gap to it
- ``projection``  log-linear/linear projection; year a target is reached at the current pace
- ``rollup``      statuses rolled up the plan's structure
- ``composite``   composite index: normalisation, weights, aggregation
- ``sensitivity`` ranks under every construction choice
- ``disparity``   CV, Theil T with decomposition, Gini, max/min
- ``convergence`` σ- and β-convergence
- ``assessment``  performance table per province; ``rounding`` its precision rule
"""

from yrd.evaluate.assessment import performance_table
from yrd.evaluate.compare import compare, compare_batch, evaluate, verdicts
from yrd.evaluate.composite import composite_index, entropy_weights, normalise, pca_weights
from yrd.evaluate.convergence import beta_convergence, sigma_convergence
from yrd.evaluate.disparity import cv, disparity, gini, max_min_ratio, theil_t
from yrd.evaluate.evidence import evidence, grades
from yrd.evaluate.progress import progress_score, scores
from yrd.evaluate.projection import project, year_reached
from yrd.evaluate.rollup import roll_up
from yrd.evaluate.rules import RULES, destatis_weather, eurostat, open_sdg, sdsn_arrows, unsd_progress_chart
from yrd.evaluate.sensitivity import sensitivity
from yrd.evaluate.status import Direction, Status, TargetSpec, Verdict
from yrd.evaluate.trajectory import planned_path, trajectory_gap

__all__ = [
    "RULES",
    "Direction",
    "Status",
    "TargetSpec",
    "Verdict",
    "beta_convergence",
    "compare",
    "compare_batch",
    "composite_index",
    "cv",
    "destatis_weather",
    "disparity",
    "entropy_weights",
    "eurostat",
    "evaluate",
    "evidence",
    "gini",
    "grades",
    "max_min_ratio",
    "normalise",
    "open_sdg",
    "pca_weights",
    "performance_table",
    "planned_path",
    "progress_score",
    "project",
    "roll_up",
    "scores",
    "sdsn_arrows",
    "sensitivity",
    "sigma_convergence",
    "theil_t",
    "trajectory_gap",
    "unsd_progress_chart",
    "verdicts",
    "year_reached",
]
