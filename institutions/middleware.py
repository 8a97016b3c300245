from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an
    officer on an English-language browser would land on English pages; the
    portal is Vietnamese first, and only the switch's cookie changes that."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


NUL_MESSAGE = _(
    "Yêu cầu chứa ký tự không hợp lệ (ký tự NUL, %%00) trong «%(field)s». "
    "Hãy xóa ký tự đó rồi gửi lại."
)


class RefuseNulBytesMiddleware:
    """A NUL character in the address, a query parameter or a form field is
    answered 400 with a message, before any view: PostgreSQL text cannot hold
    it, and a query or save with one would fail as a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return str(_("địa chỉ trang"))
        sources = [request.GET]
        # Only form bodies are read here; uploaded files are checked by their readers.
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key.replace("\x00", "")
        return None

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        message = NUL_MESSAGE % {"field": field}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
