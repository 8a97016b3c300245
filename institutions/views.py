from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.models import PeriodState, ReportingPeriod
from institutions.roles import reporting_units_for_user


def home(request: HttpRequest) -> HttpResponse:
    """Say which year is open and what this user has to do in it."""
    period = ReportingPeriod.objects.filter(state=PeriodState.OPEN).order_by("-year").first()
    units = (
        list(reporting_units_for_user(request.user).filter(members=request.user))
        if request.user.is_authenticated
        else []
    )
    return render(request, "home.html", {"period": period, "my_units": units})
