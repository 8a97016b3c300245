"""Throttles of the public API (/api/v1/) and its Vietnamese refusal.

Rates come from settings (API_ANON_RATE, API_USER_RATE in the environment),
read when a request is counted rather than when DRF is imported, so a test or
an operator changing REST_FRAMEWORK sees the new rate at once.
"""

from __future__ import annotations

import math

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler


class AnonymousThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class SignedInThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, with a refused request's detail in Vietnamese (and English,
    as the API's other messages): how long to wait is also in Retry-After."""
    if isinstance(exc, exceptions.Throttled):
        wait = f"{math.ceil(exc.wait)} giây" if exc.wait is not None else "ít phút"
        exc.detail = exceptions.ErrorDetail(
            f"Quá nhiều yêu cầu trong thời gian ngắn: hãy thử lại sau {wait}. "
            "/ Too many requests: please retry later.",
            code="throttled",
        )
    return drf_exception_handler(exc, context)
