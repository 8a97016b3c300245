"""Whether an institution's figures meet a share target's criterion: the one
definition that the attainment engine, the drill-down lists and the annual
report's annex all use.

A share indicator names yes/no fields (`Indicator.criterion_fields`); figures
meet it when *every* one of them is yes (DESIGN section 4: a museum meets
MUS_EDU_PROGRAM with an education programme *and* digital exhibitions). A field
left empty is not a yes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q


def meets_criterion_q(criterion: Iterable[str], figures: str = "") -> Q:
    """A filter on figures (reached through the lookup path `figures`, e.g.
    "f2024" for a FilteredRelation, "" on Figures itself) that meet `criterion`."""
    prefix = f"{figures}__" if figures else ""
    fields = list(criterion)
    if not fields:
        return Q(pk__in=[])  # a criterion of no field is met by nobody
    return Q(**{f"{prefix}{name}": True for name in fields})
