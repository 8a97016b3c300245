"""The attainment engine (DESIGN section 5, revised), implementing reports/attainment.py.

How it works, and why it runs a fixed number of queries:

1. The plan's targets, their categories and milestones: three queries (targets
   with indicator and plan, then two prefetches).
2. Every administrative unit and every succession edge (a few hundred rows, two
   queries), so that the plan's territory and a unit's scope — the unit,
   everything under it, and the old units it or they succeeded — are sets of
   unit ids computed in Python (`UnitGraph`).
3. One aggregate query grouped by (category, admin unit), with one
   conditional sum per count: open, reported, meeting each criterion, awaiting
   approval, opened and closed since the phase start, and for growth the
   matched panels' size and sums. By default it rolls up the precomputed
   attainment in the database (`summary.py` over `AttainmentCell`); live, it
   reads institutions with a LEFT JOIN to each needed year's figures (one
   figures row per institution and year, so joins never multiply rows). A
   dashboard asks for all the years of its trend and its table by unit in
   this one query (`attainment_overview`).
4. Python rolls those (category × admin unit) rows up into each target and
   scope. That loop is over groups, never over institutions or figure rows.

The rules (DESIGN section 5):

- Status, one vocabulary: not_applicable (nothing of the target's categories
  open in the scope), no_data (open, nobody reported), baseline (the plan's
  baseline year: recorded, not judged), achieved, on_track / off_track (a year
  strictly inside a phase, against the straight line from the phase-start value
  to the target; off_track when the phase-start value is unknown),
  not_achieved (the milestone year itself, 2025 or 2030, below the target).
- Phases: up to 2025 against the 2025 target from the baseline year; 2026-2030
  against the 2030 target from 2025.
- Exact: shares are judged on fractions, growth on 28-digit Decimals; values
  shown are rounded once, half-up, from the exact value (`reports.attainment.shown`).
- Growth: on the matched panel; judged on the compound average since the phase
  start (on_track ≥ target inside a phase; achieved / not_achieved in the
  milestone year); no_data when no average can be formed.
- Catch-up: inside a phase, the points a year still needed; in the milestone
  year, the gap that remained.
"""

from __future__ import annotations

from reports.selectors.behind import institutions_behind, share_institutions_behind
from reports.selectors.engine import (
    Overview,
    UnitTable,
    attainment_by_unit,
    attainment_overview,
    attainment_rows,
    attainment_table,
    open_in_q,
)
from reports.selectors.scope import UnitGraph, resolve_unit, scope_unit_ids, unit_label

__all__ = [
    "Overview",
    "UnitGraph",
    "UnitTable",
    "attainment_by_unit",
    "attainment_overview",
    "attainment_rows",
    "attainment_table",
    "institutions_behind",
    "open_in_q",
    "resolve_unit",
    "scope_unit_ids",
    "share_institutions_behind",
    "unit_label",
]
