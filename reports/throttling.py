"""Throttles of the public API (/api/v1/) and its Vietnamese refusal.

Rates come from settings (API_ANON_RATE, API_USER_RATE in the environment),
read when a request is counted rather than when DRF is imported, so a test or
an operator changing REST_FRAMEWORK sees the new rate at once.
"""

from __future__ import annotations

import logging
import math

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class _CountedInTheCache:
    """Counts in the cache (Redis with CACHE_URL); when it does not answer, the
    API stays open rather than failing every request."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[attr-defined]

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:  # the cache backend's own errors (redis, memcached...)
            logger.warning("Không đếm được yêu cầu / throttle cache unavailable", exc_info=True)
            return True


class AnonymousThrottle(_CountedInTheCache, AnonRateThrottle):
    pass


class SignedInThrottle(_CountedInTheCache, UserRateThrottle):
    pass


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
