"""Scope of an administrative unit across reorganisations, a plan's territory,
and the one resolution of a unit code in a year.

Every surface that takes a unit code (the `attainment` command, the API, the
dashboards' forms, the report) resolves it here, with `resolve_unit`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from institutions.models import AdministrativeUnit, Level, UnitSuccession


@dataclass(frozen=True)
class UnitGraph:
    """Every administrative unit's children, predecessors and successors, and the
    province-level units by code, loaded in two queries."""

    children: dict[int, list[int]]
    predecessors: dict[int, list[int]]
    successors: dict[int, list[int]]
    provinces: dict[str, list[int]]  # province-level unit ids by code

    @classmethod
    def load(cls) -> UnitGraph:
        children: dict[int, list[int]] = defaultdict(list)
        predecessors: dict[int, list[int]] = defaultdict(list)
        successors: dict[int, list[int]] = defaultdict(list)
        provinces: dict[str, list[int]] = defaultdict(list)
        for pk, parent_id, code, level in AdministrativeUnit.objects.values_list(
            "pk", "parent_id", "code", "level"
        ):
            if parent_id is not None:
                children[parent_id].append(pk)
            if level == Level.PROVINCE:
                provinces[code].append(pk)
        for pred_id, succ_id in UnitSuccession.objects.values_list(
            "predecessor_id", "successor_id"
        ):
            predecessors[succ_id].append(pred_id)
            successors[pred_id].append(succ_id)
        return cls(
            children=dict(children),
            predecessors=dict(predecessors),
            successors=dict(successors),
            provinces=dict(provinces),
        )

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

    def territory(self, code: str) -> frozenset[int] | None:
        """A plan's territory: the province-level unit(s) `code`, everything
        under them, and every unit that succeeded any of those — but not the
        other units under a successor (new province 52 is in plan 3632's
        territory as the successor of 64; the former Bình Định communes under it
        are not). None when `code` is empty or names no province: no
        restriction."""
        roots = self.provinces.get(code) if code else None
        if not roots:
            return None
        seen: set[int] = set(roots)
        todo = list(roots)
        while todo:  # everything under the roots
            current = todo.pop()
            for nxt in self.children.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        todo = list(seen)
        while todo:  # and what succeeded it, successor of successor included
            current = todo.pop()
            for nxt in self.successors.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)


def scope_unit_ids(unit: AdministrativeUnit) -> frozenset[int]:
    """Ids of the administrative units whose institutions count for `unit`
    (see `UnitGraph.scope`). Two queries."""
    return UnitGraph.load().scope(unit.pk)


def resolve_unit(code: str, year: int, *, valid_on: dt.date | None = None) -> AdministrativeUnit:
    """The administrative unit a code means in `year`: the one unit with `code`
    valid at some time in `year`, or, with `valid_on`, the one valid that day
    (which may lie outside `year`: new Phường Pleiku, valid from 01/07/2025,
    read for 2024 over the old communes it succeeded).

    Raises ValidationError naming the candidates with their validity when no
    unit or two units match (23563 in 2025: old Phường Ia Kring until
    30/06/2025 and new Phường Diên Hồng from 01/07/2025) — never a silent pick.
    One query."""
    code = (code or "").strip()
    units = list(AdministrativeUnit.objects.filter(code=code).order_by("valid_from"))
    if valid_on is not None:
        matches = [u for u in units if u.is_valid_on(valid_on)]
        when = _("vào ngày %(day)s") % {"day": valid_on.strftime("%d/%m/%Y")}
    else:
        matches = [u for u in units if u.is_valid_in_year(year)]
        when = _("trong năm %(year)s") % {"year": year}
    if len(matches) == 1:
        return matches[0]
    if not units:
        raise ValidationError(
            _("Không có đơn vị hành chính nào mang mã %(code)s.") % {"code": code}, code="unknown"
        )
    candidates = "; ".join(u.validity_text for u in units)
    if not matches:
        raise ValidationError(
            _("Mã %(code)s không ứng với đơn vị nào %(when)s. Các đơn vị mang mã này: %(list)s.")
            % {"code": code, "when": when, "list": candidates},
            code="none_in_year",
        )
    raise ValidationError(
        _(
            "Mã %(code)s ứng với %(n)s đơn vị %(when)s: %(list)s. "
            "Hãy chỉ rõ một ngày đơn vị cần xem còn hiệu lực (lệnh: --valid-on DD/MM/YYYY; API: valid_on=YYYY-MM-DD)."
        )
        % {
            "code": code,
            "n": len(matches),
            "when": when,
            "list": "; ".join(u.validity_text for u in matches),
        },
        code="ambiguous",
    )


def unit_label(unit: AdministrativeUnit) -> str:
    """Which unit a page shows: name, code and validity."""
    return unit.validity_text
