"""Scope of an administrative unit across reorganisations; a unit by code and year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from institutions.models import AdministrativeUnit, UnitSuccession


@dataclass(frozen=True)
class UnitGraph:
    """Every administrative unit's children and predecessors, loaded in two queries."""

    children: dict[int, list[int]]
    predecessors: dict[int, list[int]]

    @classmethod
    def load(cls) -> UnitGraph:
        children: dict[int, list[int]] = defaultdict(list)
        predecessors: dict[int, list[int]] = defaultdict(list)
        for pk, parent_id in AdministrativeUnit.objects.values_list("pk", "parent_id"):
            if parent_id is not None:
                children[parent_id].append(pk)
        for pred_id, succ_id in UnitSuccession.objects.values_list(
            "predecessor_id", "successor_id"
        ):
            predecessors[succ_id].append(pred_id)
        return cls(children=dict(children), predecessors=dict(predecessors))

    def scope(self, unit_id: int) -> frozenset[int]:
        """The unit, everything under it, and every unit it or they succeeded
        (with everything under those): old commune 23557 belongs to the scope of
        new 23563; old province 64 and all its districts to new province 52. An
        old district with no successor belongs to no new commune's scope."""
        seen = {unit_id}
        todo = [unit_id]
        while todo:
            current = todo.pop()
            for nxt in (*self.children.get(current, ()), *self.predecessors.get(current, ())):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)


def scope_unit_ids(unit: AdministrativeUnit) -> frozenset[int]:
    """Ids of the administrative units whose institutions count for `unit`
    (see `UnitGraph.scope`). Two queries."""
    return UnitGraph.load().scope(unit.pk)


def unit_for_code(code: str, year: int) -> AdministrativeUnit | None:
    """The administrative unit with `code` that existed in `year`; when a code
    was reused within the year (23563 until and from 01/07/2025), the later one.
    One query."""
    return (
        AdministrativeUnit.objects.filter(code=code)
        .valid_in_year(year)
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    )
