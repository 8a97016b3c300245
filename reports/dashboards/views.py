"""Dashboard pages. Thin: check access (access.py), read (the engine and
selectors.py), shape (presenters.py), render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from indicators.models import Figures, PeriodState, ReportingPeriod, SubmissionState
from indicators.selectors import submissions_for_user
from institutions.models import AdministrativeUnit, Institution
from institutions.paging import page_links
from institutions.roles import (
    is_reporter,
    is_reviewer,
    reporting_units_for_user,
    reviewer_required,
)
from reports import page_cache
from reports import selectors as engine
from reports.attainment import AttainmentRow, Status
from reports.dashboards import access, presenters, selectors
from reports.dashboards.forms import BehindForm
from reports.dashboards.freshness import freshness_by_unit
from reports.dashboards.years import BadYear, YearRange, selected_year, year_range
from reports.visibility import Access, attainment_access

BEHIND_PER_PAGE = 100

# The data-entry and review pages belong to the figures capability (the
# `indicators` namespace); link to them by name when they exist, else home.


def _url_or_home(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("home")


def _attach_links(units: list, *, year: int) -> None:
    """Give each reporting unit from submission_progress its entry and
    submission links."""
    for ru in units:
        ru.entry_url = _url_or_home("indicators:entry_open", year, ru.code)
        ru.submission_url = (
            _url_or_home("indicators:submission", ru.submission_id) if ru.submission_id else None
        )


def _bad_request(request: HttpRequest, message: str, years: YearRange | None) -> HttpResponse:
    return render(
        request,
        "reports/dashboards/bad_request.html",
        {"message": message, "years": years},
        status=400,
    )


def _no_plan(request: HttpRequest) -> HttpResponse:
    return _bad_request(request, _("Chưa nạp kế hoạch và các chỉ tiêu (load_reference)."), None)


def _page_year(request: HttpRequest) -> tuple[YearRange, int] | HttpResponse:
    """The selectable years and the one `?year=` asks for, or the 400 page
    that says why there is none (no plan loaded, or a year it cannot show)."""
    years = year_range()
    if years is None:
        return _no_plan(request)
    try:
        return years, selected_year(request, years)
    except BadYear as error:
        return _bad_request(request, str(error), years)


def _dashboard_body(
    *,
    years: YearRange,
    year: int,
    unit: AdministrativeUnit | None,
    access: Access,
    with_table: bool,
) -> str:
    """The part of a dashboard the engine computes (scorecard, cards, charts,
    units table), built once per version of the data for the same scope, year
    and viewer's access, and rendered without the request: whatever differs
    between two viewers must be in the key below."""

    def build() -> str:
        dashboard = presenters.build_dashboard(
            year=year,
            first_year=years.first,
            horizon=years.horizon,
            unit=unit,
            visibility=access.visibility,
            indicators=selectors.indicator_names(years.plan),
            table_units=selectors.table_units(year=year, unit=unit) if with_table else (),
            can_drill=access.can_drill,
            plan_number=years.plan.number,
        )
        context = {"dashboard": dashboard, "year": year, "legend": presenters.status_legend()}
        return render_to_string("reports/dashboards/_dashboard_body.html", context)

    vary = (
        year,
        unit.pk if unit is not None else None,
        access.visibility.key,
        access.can_drill,
        with_table,
        years.plan.pk,
        years.first,
        years.horizon,
    )
    return mark_safe(page_cache.cached_part("dashboard", vary, build))


def _dashboard_page(
    request: HttpRequest,
    *,
    years: YearRange,
    year: int,
    unit: AdministrativeUnit | None,
    access: Access,
    with_table: bool,
    extra: dict[str, object],
) -> HttpResponse:
    body = _dashboard_body(years=years, year=year, unit=unit, access=access, with_table=with_table)
    return render(
        request,
        "reports/dashboards/dashboard.html",
        {
            "body": body,
            "unit": unit,
            "plan_number": years.plan.number,
            "approved_only": access.visibility.approved_only,
            "years": years,
            "year": year,
            **extra,
        },
    )


def province_dashboard(request: HttpRequest) -> HttpResponse:
    """The province: everything for reviewers; the approved figures at province
    level for everyone else (the public view)."""
    picked = _page_year(request)
    if isinstance(picked, HttpResponse):
        return picked
    years, year = picked
    reviewer = is_reviewer(request.user)
    seen = attainment_access(request.user, None)
    extra: dict[str, object] = {"is_province": True}
    if reviewer:

        def progress() -> tuple[dict, int]:
            units = selectors.submission_progress(year=year)
            return selectors.progress_counts(units), len(units)

        extra["progress"], extra["progress_total"] = page_cache.cached_part(
            "progress", (year,), progress
        )
    elif is_reporter(request.user):
        extra["own_units"] = access.own_dashboard_units(request.user)
    return _dashboard_page(
        request,
        years=years,
        year=year,
        unit=None,
        access=seen,
        with_table=reviewer,
        extra=extra,
    )


def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """One administrative unit, as `access` lets the user see it: in full for
    reviewers and officers of its territory, the public view of a district-level
    unit for anyone, 404 otherwise."""
    unit, seen = access.get_dashboard_unit_for_user(request.user, pk)
    picked = _page_year(request)
    if isinstance(picked, HttpResponse):
        return picked
    years, year = picked
    # What the user still has to do this year, for the reporting units of theirs
    # that stand in this unit.
    todo = []
    if request.user.is_authenticated:
        mine = reporting_units_for_user(request.user).filter(members=request.user, admin_unit=unit)
        todo = selectors.submission_progress(year=year, reporting_units=mine)
        _attach_links(todo, year=year)
    return _dashboard_page(
        request,
        years=years,
        year=year,
        unit=unit,
        access=seen,
        with_table=seen.full,
        extra={
            "is_province": False,
            "predecessors": selectors.predecessors_shown(unit, year),
            "todo": todo,
            "editable_states": (
                selectors.NOT_STARTED,
                SubmissionState.DRAFT,
                SubmissionState.RETURNED,
            ),
        },
    )


@login_required
def my_dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own dashboard: the province for reviewers, the unit
    for an officer with one, a choice for an officer with several."""
    if is_reviewer(request.user):
        return redirect("reports:dashboard")
    units = access.own_dashboard_units(request.user)
    if len(units) == 1:
        return redirect("reports:unit_dashboard", pk=units[0].pk)
    # Sector reporters (schools, army, university) report for institutions, not
    # an area: their page leads to what they report and to the province's view.
    reporting = list(reporting_units_for_user(request.user).filter(members=request.user.pk))
    return render(
        request,
        "reports/dashboards/my_units.html",
        {"units": units, "reporting_units": reporting},
    )


def _attach_reports(institutions: list, *, year: int, user) -> None:
    """Give each institution `report_url`: the submission that holds its figures
    for `year` (else its reporting unit's for that year), when the user may open
    it (`submissions_for_user`, the entry pages' own scope). Two queries."""
    visible = {s.pk: s for s in submissions_for_user(user).filter(period__year=year)}
    by_unit = {s.reporting_unit_id: s.pk for s in visible.values()}
    holding = dict(
        Figures.objects.filter(year=year, institution__in=[i.pk for i in institutions]).values_list(
            "institution_id", "submission_id"
        )
    )
    base = reverse("indicators:submission", args=[0]).removesuffix("0/")
    for inst in institutions:
        pk = holding.get(inst.pk)
        if pk not in visible:
            pk = by_unit.get(inst.reporting_unit_id)
        inst.report_url = f"{base}{pk}/" if pk else None


@login_required
def institutions_behind(request: HttpRequest) -> HttpResponse:
    """The institutions behind one number: those meeting the criterion, not
    meeting it, or not reported, for a target, year and unit."""
    form = BehindForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, _("Đường dẫn không hợp lệ."), None)
    data = form.cleaned_data
    unit = None
    if data["unit"] is not None:
        unit, seen = access.get_dashboard_unit_for_user(request.user, data["unit"])
    else:
        seen = attainment_access(request.user, None)
    if seen is None or not seen.can_drill:
        raise Http404("Drill-down is for reviewers and officers of the unit")
    years = year_range()
    if years is None:
        return _no_plan(request)
    try:
        years.check(data["year"])
    except BadYear as error:
        return _bad_request(request, str(error), years)
    which, year = data["which"], data["year"]
    try:
        asked = int(request.GET.get("page", 1))
    except ValueError:
        asked = 1  # not a number: the first page, as Paginator.get_page does

    def build() -> tuple[AttainmentRow | None, int, int, list[Institution]]:
        """The row, how many institutions stand behind the number, the page
        shown (a number out of range gives the last) and its institutions: a
        province's list can hold tens of thousands, shown a page at a time."""
        rows = engine.attainment_rows(year=year, unit=unit, visibility=seen.visibility)
        row = next((r for r in rows if r.target_code == data["target"]), None)
        if row is None:
            return None, 0, 1, []
        # The selector already joins category, administrative and reporting unit.
        page = Paginator(
            engine.institutions_behind(
                target_code=row.target_code,
                year=year,
                unit=unit,
                which=which,
                visibility=seen.visibility,
            ),
            BEHIND_PER_PAGE,
        ).get_page(asked)
        return row, page.paginator.count, page.number, list(page.object_list)

    # Which reports each institution links to depends on the user: added after.
    vary = (data["target"], year, unit.pk if unit else None, which, asked, seen.visibility.key)
    row, count, number, institutions = page_cache.cached_part("behind", vary, build)
    if row is None:
        raise Http404("No such target")
    page = Paginator(range(count), BEHIND_PER_PAGE).get_page(number)
    _attach_reports(institutions, year=year, user=request.user)
    others = request.GET.copy()
    others.pop("page", None)
    prefix = f"?{others.urlencode()}&page=" if others else "?page="
    links = presenters.Links(enabled=True, year=year)
    indicator = selectors.indicator_names(years.plan).get(row.indicator)
    return render(
        request,
        "reports/dashboards/behind.html",
        {
            "row": row,
            "indicator_name": indicator.display_name if indicator else row.indicator,
            "unit": unit,
            "year": data["year"],
            "which": which,
            "which_label": presenters.WHICH_LABELS[which],
            "tabs": presenters.drill_links(row, unit, links),
            "institutions": institutions,
            "page": page,
            "page_links": page_links(page, lambda n: f"{prefix}{n}"),
            "status_label": presenters.STATUS_LABELS[row.status],
            "symbol": presenters.STATUS_SYMBOLS[row.status],
            "value": presenters.headline(row),
            "back_url": (
                links.unit(unit)
                if unit is not None
                else f"{reverse('reports:dashboard')}?year={data['year']}"
            ),
        },
    )


@reviewer_required
def accountability(request: HttpRequest) -> HttpResponse:
    """For reviewers, on one screen: who has not submitted, who was returned and
    why, and which units are off track on which targets with the catch-up they
    need."""
    picked = _page_year(request)
    if isinstance(picked, HttpResponse):
        return picked
    years, year = picked
    period = ReportingPeriod.objects.filter(year=year).first()

    def build() -> str:
        progress = selectors.submission_progress(year=year)
        _attach_links(progress, year=year)
        not_submitted = [
            u
            for u in progress
            if u.submission_state in (selectors.NOT_STARTED, SubmissionState.DRAFT)
        ]
        returned = [u for u in progress if u.submission_state == SubmissionState.RETURNED]
        behind = presenters.off_track(year=year, units=selectors.table_units(year=year, unit=None))
        # The freshness score over the plan's years up to the one shown.
        freshness_years = list(range(years.first, year + 1))
        context = {
            "year": year,
            "progress_total": len(progress),
            "counts": selectors.progress_counts(progress),
            "not_submitted": not_submitted,
            "returned": returned,
            "behind": behind,
            "symbol": presenters.STATUS_SYMBOLS[Status.OFF_TRACK],
            "status_label": presenters.STATUS_LABELS[Status.OFF_TRACK],
            "freshness_years": freshness_years,
            "freshness": freshness_by_unit(freshness_years),
        }
        return render_to_string("reports/dashboards/_accountability_body.html", context)

    # Reviewers only, and they all see the same: keyed by the year alone.
    body = page_cache.cached_part("accountability", (year, years.plan.pk, years.first), build)
    return render(
        request,
        "reports/dashboards/accountability.html",
        {
            "years": years,
            "year": year,
            "period": period,
            "period_open": period is not None and period.state == PeriodState.OPEN,
            "body": mark_safe(body),
        },
    )
