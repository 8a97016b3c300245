"""Section II of the report: one line per target, the engine's row with the
words and numbers the report prints."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.annual.formatting import DASH, vn_number, vn_percent
from reports.attainment import (
    STATUS_LABELS,
    AttainmentRow,
    GrowthRow,
    Status,
    catch_up_text,
    growth_target_text,
    shown,
)


@dataclass(frozen=True)
class TargetLine:
    """One engine row with the words and formatted numbers the report prints."""

    row: AttainmentRow
    number: str  # "1.", "2." … within the report
    indicator_name: str
    is_growth: bool
    result: str  # "12/20" for a share, "5 thiết chế" for a growth panel
    value: str  # "60,0%" or "12,3%/năm"
    target: str
    target_2025: str
    target_2030: str
    status: str
    completeness: str  # "18/20"
    baseline: str = DASH  # "45,0% (2023)" / "2.000.000 (2023)"
    previous: str = DASH  # last year's value in the same scope
    projected: str = DASH  # the line phase start → now, at the milestone year
    catch_up: str = ""  # the points a year still needed, or the gap that remained
    denominator_note: str = ""  # "18 → 1: 17 thiết chế ngừng hoạt động năm 2025"

    @property
    def awaiting(self) -> bool:
        return self.row.awaiting_approval


def target_lines(rows: list[AttainmentRow], indicator_names: dict[str, str]) -> list[TargetLine]:
    return [_target_line(row, i, indicator_names) for i, row in enumerate(rows, 1)]


def _target_line(row: AttainmentRow, number: int, indicator_names: dict[str, str]) -> TargetLine:
    status = str(STATUS_LABELS.get(Status(row.status), row.status))
    completeness = f"{vn_number(row.reported)}/{vn_number(row.expected)}"
    name = indicator_names.get(row.indicator, row.indicator)
    if isinstance(row, GrowthRow):
        end = (
            _("%(total)s năm %(year)s")
            % {"total": vn_number(row.panel_end_total), "year": row.year}
            if row.panel_end_total is not None
            else ""
        )
        return TargetLine(
            row=row,
            number=f"{number}.",
            indicator_name=name,
            is_growth=True,
            result=_("%(count)s thiết chế") % {"count": vn_number(row.matched_institutions)}
            + (f"; {end}" if end else ""),
            baseline=(
                f"{vn_number(row.panel_start_total)} ({row.phase_start_year})"
                if row.panel_start_total is not None and row.year > row.phase_start_year
                else DASH
            ),
            previous=(
                _("%(rate)s so với năm trước") % {"rate": vn_percent(shown(row.yoy_exact, 1))}
                if row.yoy_exact is not None
                else DASH
            ),
            value=DASH if row.average_exact is None else f"{vn_number(row.value_shown(1), 1)}%/năm",
            target=growth_target_text(row.target, row.target_max, number=vn_number),
            target_2025=growth_target_text(row.target_2025, None, number=vn_number),
            target_2030=growth_target_text(row.target_2030, row.target_2030_max, number=vn_number),
            status=status,
            completeness=completeness,
        )
    return TargetLine(
        row=row,
        number=f"{number}.",
        indicator_name=name,
        is_growth=False,
        result=f"{vn_number(row.numerator)}/{vn_number(row.denominator)}",
        value=vn_percent(row.value_shown(1)),
        baseline=(
            f"{vn_percent(shown(row.baseline_exact, 1))} ({row.phase_start_year})"
            if row.baseline_exact is not None and row.phase_start_year != row.year
            else DASH
        ),
        previous=(
            f"{vn_percent(shown(row.previous_exact, 1))} "
            f"({vn_number(row.previous_numerator)}/{vn_number(row.previous_denominator)})"
            if row.previous_exact is not None
            else DASH
        ),
        projected=vn_percent(shown(row.projected_exact, 1)),
        catch_up=catch_up_text(row, number=lambda v: vn_number(v, 1)),
        denominator_note=(
            row.denominator_change.text(number=vn_number) if row.denominator_change else ""
        ),
        target=vn_percent(row.target, 0),
        target_2025=vn_percent(row.target_2025, 0),
        target_2030=vn_percent(row.target_2030, 0),
        status=status,
        completeness=completeness,
    )
