"""Read-only JSON API (/api/v1/): institutions, indicators with targets and
milestones, and attainment by year and unit. Documented at /api/v1/schema/
(OpenAPI 3) and /api/v1/docs/ (Redoc, vendored: the portal runs on a closed
network, so nothing loads from a CDN).

Who sees which attainment is the one policy of reports/visibility.py, the
same as the dashboards': anonymous visitors and sector reporters approved
figures for the territory and district-level units; reviewers everything;
officers, in their territory, approved figures and their own submitted ones.
Institution-level figures are never served here.
"""

from __future__ import annotations

import datetime as dt

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularRedocView
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.models import Indicator, Plan, Target
from institutions.models import AdministrativeUnit, Institution
from reports import page_cache
from reports.selectors import attainment_rows, resolve_unit
from reports.serializers import AttainmentSerializer, IndicatorSerializer, InstitutionSerializer
from reports.visibility import APPROVED_ONLY, attainment_access


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema(
    parameters=[
        OpenApiParameter("category", str, description="category code, e.g. LIB_COMM"),
        OpenApiParameter("year", int, description="only institutions open in this year"),
        OpenApiParameter("reporting_unit", str, description="reporting unit code"),
    ]
)
class InstitutionList(generics.ListAPIView):
    """Institutions, with category, administrative unit, reporting unit and the
    years they were open. Two queries a page (count and rows)."""

    serializer_class = InstitutionSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Institution]:
        qs = Institution.objects.select_related("category", "admin_unit", "reporting_unit")
        params = self.request.query_params
        if params.get("category"):
            qs = qs.filter(category__code=params["category"])
        if params.get("reporting_unit"):
            qs = qs.filter(reporting_unit__code=params["reporting_unit"])
        if params.get("year"):
            qs = qs.open_in(_year(params["year"]))
        return qs.order_by("code")


class InstitutionDetail(generics.RetrieveAPIView):
    serializer_class = InstitutionSerializer
    lookup_field = "code"
    queryset = Institution.objects.select_related("category", "admin_unit", "reporting_unit")


class IndicatorList(generics.ListAPIView):
    """The current plan's indicators with their targets and milestones. Five
    queries a page (count, indicators with the plan, targets, categories,
    milestones)."""

    serializer_class = IndicatorSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[Indicator]:
        plan = Plan.objects.order_by("-issued_on", "-pk").values("pk")[:1]
        targets = Target.objects.prefetch_related("categories", "milestones").order_by(
            "sort_order", "pk"
        )
        return (
            Indicator.objects.filter(plan_id=plan)
            .select_related("plan")
            .prefetch_related(Prefetch("targets", queryset=targets))
            .order_by("sort_order", "pk")
        )


def _year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        raise ValidationError({"year": "Năm không hợp lệ / year must be a number"}) from None
    if not 1900 <= year <= 2100:
        raise ValidationError({"year": "Năm không hợp lệ / year out of range"})
    return year


def _day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {"valid_on": "Ngày không hợp lệ (YYYY-MM-DD) / valid_on must be a date"}
        ) from None


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, required=True, description="reporting year"),
        OpenApiParameter(
            "unit",
            str,
            description=(
                "administrative unit code, resolved for `year` (default: the plan's "
                "territory); a code naming two units that year is refused with both"
            ),
        ),
        OpenApiParameter(
            "valid_on",
            str,
            description=(
                "YYYY-MM-DD: the unit with `unit` valid that day, e.g. new Phường Pleiku "
                "(valid_on=2025-07-01) read for 2024 over the old communes it succeeded"
            ),
        ),
        OpenApiParameter(
            "approved_only",
            bool,
            description="count approved figures only (always true for anonymous visitors)",
        ),
    ],
    responses=AttainmentSerializer,
)
class AttainmentView(APIView):
    """Every target's attainment for a year and an administrative unit (DESIGN 5)."""

    def get(self, request: Request) -> Response:
        year = _year(request.query_params.get("year"))
        code = request.query_params.get("unit")
        unit: AdministrativeUnit | None = None
        if code:
            try:
                unit = resolve_unit(code, year, valid_on=_day(request.query_params.get("valid_on")))
            except DjangoValidationError as error:
                message = " ".join(error.messages)
                if error.code == "ambiguous":
                    raise ValidationError({"unit": message}) from None
                raise NotFound(message) from None
        access = attainment_access(request.user, unit)
        if access is None:
            raise PermissionDenied(
                "Số liệu cấp xã chỉ dành cho người dùng được phân quyền. "
                "/ Commune-level attainment is for signed-in users with access."
            )
        asked_approved = request.query_params.get("approved_only", "").lower() in {"1", "true"}
        visibility = APPROVED_ONLY if asked_approved else access.visibility

        def build() -> dict:
            rows = attainment_rows(year=year, unit=unit, visibility=visibility)
            data = {
                "year": year,
                "unit": unit,
                "approved_only": visibility.approved_only,
                "results": rows,
            }
            return AttainmentSerializer(data).data

        vary = (year, unit.pk if unit is not None else None, visibility.key)
        return Response(page_cache.cached_part("api-attainment", vary, build))


# Redoc renders with styled-components, which writes <style> elements, and runs
# its search in a Worker made from a blob: URL. Scripts stay the portal's own
# files only; this page alone allows inline styles (it has no form and no user data).
@method_decorator(
    csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}), name="dispatch"
)
class DocsView(SpectacularRedocView):
    """Redoc served from static/vendor/redoc (no CDN, no web fonts)."""

    template_name = "api/docs.html"
    url_name = "api:schema"

    @staticmethod
    def _redoc_standalone() -> str:
        return static("vendor/redoc/redoc.standalone.js")
