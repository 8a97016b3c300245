"""The attainment engine (DESIGN section 5), implementing reports/attainment.py.

How it works, and why it runs a fixed number of queries:

1. The plan's targets, their categories and milestones: three queries (targets
   with indicator and plan, then two prefetches).
2. For a unit scope only: every administrative unit and every succession edge
   (a few hundred rows, two queries) so that the scope — the unit, everything
   under it, and the old units it or they succeeded — is a set of unit ids
   computed in Python (`scope_unit_ids`).
3. One aggregate query over institutions grouped by (category, admin unit),
   with a LEFT JOIN to each needed year's figures (one figures row per
   institution and year, so joins never multiply rows) and conditional
   `Count`/`Sum` annotations: open, reported, meeting each criterion, awaiting
   approval, and for growth the matched panels' size and sums.
4. Python rolls those (category × admin unit) rows up into each target and
   scope. That loop is over groups, never over institutions or figure rows.

Decisions the design leaves open (also in the README):

- Numbers are Decimal, rounded half-up to 2 decimals; statuses are judged on the
  rounded values so a row never shows 70.00 against a 70 target as off track.
- Share status on_track: value ≥ the straight line from the phase-start value to
  the milestone target, evaluated at `year`. In the phase-start year itself the
  line starts at the value, so a row there is on_track unless achieved. If the
  phase-start value is unknown (no institution of the scope reported that year),
  on_track cannot be judged: the row is off_track unless achieved, and
  baseline_value and projected_value are None — a missing baseline never makes
  a unit look on track.
- projected_value extends the line through the phase-start value and the
  current value to the milestone year, clipped to 0..100 (it is a share); None
  in the phase-start year (no trend yet) or without a phase-start value.
- Growth status: judged on average_growth (compound, from the phase start):
  achieved when ≥ target; on_track when the average is below the target but
  this year's year-on-year growth reaches it (catching up); off_track
  otherwise. When no average can be computed (the phase-start year, or nobody
  in the scope reported in both end years) but a year-on-year growth can, the
  row is on_track or off_track on that growth, never achieved. no_data when
  neither can be computed.
"""

from __future__ import annotations

from reports.selectors.behind import institutions_behind, share_institutions_behind
from reports.selectors.engine import attainment_by_unit, attainment_rows
from reports.selectors.scope import UnitGraph, scope_unit_ids, unit_for_code

__all__ = [
    "UnitGraph",
    "attainment_by_unit",
    "attainment_rows",
    "institutions_behind",
    "scope_unit_ids",
    "share_institutions_behind",
    "unit_for_code",
]
