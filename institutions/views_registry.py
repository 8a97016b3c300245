"""The registry under review: the officer's "Đề xuất thay đổi danh mục" page on
their unit, the reviewer's queue. Units come through
roles.get_reporting_unit_for_user (404 outside scope); writes go through
institutions.services.registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from institutions import selectors, services
from institutions.forms import RegistryChangeForm, RegistryRejectForm
from institutions.models import RegistryChangeState
from institutions.roles import (
    can_report_for,
    get_reporting_unit_for_user,
    is_reviewer,
    reporting_units_for_user,
    reviewer_required,
)


@login_required
def registry_index(request: HttpRequest) -> HttpResponse:
    """Reviewers go to their queue; an officer to their unit's page, or picks one."""
    if is_reviewer(request.user):
        return redirect("institutions:registry_queue")
    units = list(reporting_units_for_user(request.user).filter(members=request.user.pk))
    if len(units) == 1:
        return redirect("institutions:registry_unit", unit_code=units[0].code)
    return render(request, "institutions/registry_index.html", {"units": units})


@login_required
@require_http_methods(["GET", "POST"])
def registry_unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """The unit's institutions, the proposal form (for its officers) and the
    history of its proposals with the reviewer's decisions."""
    unit = get_reporting_unit_for_user(request.user, unit_code)
    may_propose = can_report_for(request.user, unit.pk)
    year = timezone.localdate().year
    form = RegistryChangeForm(
        request.POST if request.method == "POST" else None,
        unit=unit,
        year=year,
        initial={"year": year},
    )
    status = 200
    if request.method == "POST":
        if not may_propose:
            messages.error(request, _("Chỉ cán bộ báo cáo của đơn vị mới đề xuất được."))
            return redirect("institutions:registry_unit", unit_code=unit.code)
        if form.is_valid():
            try:
                services.registry_change_propose(
                    user=request.user, reporting_unit=unit, **form.cleaned_data
                )
            except ValidationError as exc:
                _errors_onto(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã gửi đề xuất. Sở VHTTDL sẽ xem xét và phản hồi."))
                return redirect("institutions:registry_unit", unit_code=unit.code)
        else:
            status = 400
    return render(
        request,
        "institutions/registry_unit.html",
        {
            "unit": unit,
            "form": form,
            "may_propose": may_propose,
            "institutions": unit.institutions.select_related("category", "admin_unit"),
            "changes": selectors.registry_changes_for_user(request.user).filter(
                reporting_unit=unit
            ),
        },
        status=status,
    )


def _errors_onto(form: RegistryChangeForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@reviewer_required
def registry_queue(request: HttpRequest) -> HttpResponse:
    """Changes awaiting a decision, oldest first, then the latest decisions."""
    changes = selectors.registry_changes_for_user(request.user)
    return render(
        request,
        "institutions/registry_queue.html",
        {
            "pending": changes.filter(state=RegistryChangeState.PENDING).order_by(
                "proposed_at", "pk"
            ),
            "decided": changes.exclude(state=RegistryChangeState.PENDING).order_by(
                "-decided_at", "-pk"
            )[:50],
            "reject_form": RegistryRejectForm(),
        },
    )


@reviewer_required
@require_POST
def registry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.get_registry_change_for_user(request.user, pk)
    try:
        if "approve" in request.POST:
            services.registry_change_approve(change=change, user=request.user)
            messages.success(request, _("Đã duyệt: %(change)s.") % {"change": change})
        else:
            form = RegistryRejectForm(request.POST)
            form.is_valid()
            services.registry_change_reject(
                change=change, user=request.user, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, _("Đã từ chối: %(change)s.") % {"change": change})
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("institutions:registry_queue")
