from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_an_expired_form_explains_in_vietnamese_that_nothing_was_saved(officer_a) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = client.post("/accounts/logout/")  # no CSRF token: as after a long pause
    body = response.content.decode()
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in body
    assert "chưa được lưu" in body
    assert 'href="/"' in body


@pytest.mark.parametrize(
    ("view", "args", "status", "heading"),
    [
        (defaults.server_error, (), 500, "Đã xảy ra lỗi máy chủ"),
        (defaults.bad_request, (SuspiciousOperation(),), 400, "Yêu cầu không hợp lệ"),
    ],
)
def test_server_and_request_errors_render_without_context(view, args, status, heading) -> None:
    # Django renders these with no request context: the page must still stand.
    response = view(RequestFactory().get("/"), *args)
    body = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="h3">{heading}</h1>' in body
    assert "Về trang chủ" in body and 'lang="vi"' in body


def test_a_request_for_an_unknown_host_gets_the_400_page_not_a_crash(settings) -> None:
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.DEBUG = False
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
