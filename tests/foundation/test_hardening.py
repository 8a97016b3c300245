"""Issue 10, items 3, 4 and part of 6: login throttling, API throttles, the
security headers and settings of production, and NUL characters refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _wrong_then_right(client: Client, url: str, username: str) -> object:
    limit = django_settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(1, limit + 1):
        response = client.post(url, {"username": username, "password": "sai-mat-khau"})
        # The form again, with its error; the fifth failure already shows the lock.
        assert response.status_code == (429 if attempt == limit else 200)
    return client.post(url, {"username": username, "password": PASSWORD})


def test_five_wrong_passwords_lock_the_portal_login_with_a_vietnamese_page() -> None:
    UserFactory(username="canbo")
    client = Client()
    response = _wrong_then_right(client, "/accounts/login/", "canbo")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert "Hãy thử lại sau 15 phút" in html
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_admin_login_too(administrator) -> None:
    client = Client()
    response = _wrong_then_right(client, "/admin/login/?next=/admin/", "admin")
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_lock_is_for_that_user_from_that_address_only() -> None:
    UserFactory(username="canbo")
    UserFactory(username="dongnghiep")
    _wrong_then_right(Client(), "/accounts/login/", "canbo")
    # A colleague on the same machine, and the same user elsewhere, still sign in.
    colleague = Client().post("/accounts/login/", {"username": "dongnghiep", "password": PASSWORD})
    assert colleague.status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.0.0.9").post(
        "/accounts/login/", {"username": "canbo", "password": PASSWORD}
    )
    assert elsewhere.status_code == 302


def test_fewer_failures_than_the_limit_then_the_right_password_signs_in() -> None:
    UserFactory(username="canbo")
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "canbo", "password": "sai"})
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302


def test_the_anonymous_api_answers_429_in_vietnamese_past_its_rate(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "100/minute"},
    }
    client = Client()
    for _ in range(3):
        assert client.get("/api/v1/indicators/").status_code == 200
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Quá nhiều yêu cầu")
    assert "Retry-After" in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/institutions/?reporting_unit=%00",
        "/api/v1/institutions/%00/",
        "/api/v1/attainment/?unit=64%00",
    ],
)
def test_a_nul_character_in_an_api_request_is_a_400_with_a_message(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 400
    assert "ký tự NUL" in response.json()["detail"]


def test_a_nul_character_in_a_page_query_or_form_is_a_400_page(officer_a) -> None:
    page = Client().get("/?q=a%00b")
    assert page.status_code == 400
    assert "ký tự NUL" in page.content.decode()
    form = Client().post("/accounts/login/", {"username": "canbo\x00", "password": "x"})
    assert form.status_code == 400
    assert "«username»" in form.content.decode()


def test_every_page_carries_the_security_headers() -> None:
    response = Client().get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_the_api_documentation_keeps_scripts_to_the_portals_own_files() -> None:
    response = Client().get("/api/v1/docs/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert script_src.split()[1:] == ["'self'"]


def test_behind_https_hsts_and_the_redirect_are_on(settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    plain = Client().get("/")
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    secure = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_sessions_last_a_working_day_and_end_with_the_browser() -> None:
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    UserFactory(username="canbo")
    client = Client()
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert cookie["httponly"]


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECURE_COOKIES", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="gialai_lifelong.settings",
        DEBUG="false",
        SECRET_KEY="p" + "r0duct10n-" * 6 + "k3y-w1th-3n0ugh-ch4rs",
        ALLOWED_HOSTS="hoctap.gialai.gov.vn",
        BEHIND_HTTPS_PROXY="1",
        **extra,
    )
    return env


def test_check_deploy_is_clean_in_the_production_configuration() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_settings_turn_on_hsts_and_the_redirect_behind_https() -> None:
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
    ], result.stderr


def test_behind_a_proxy_failures_count_by_the_address_the_proxy_saw(settings) -> None:
    from django.test import RequestFactory

    from institutions.views_lockout import client_address

    settings.PROXY_COUNT = 1
    request = RequestFactory().post(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # 6.6.6.6 is what the client claimed; nginx appended the address it saw.
    assert client_address(request) == "203.0.113.7"
    settings.PROXY_COUNT = 0
    assert client_address(request) == "127.0.0.1"


def test_a_forged_forwarded_header_does_not_escape_the_api_throttle(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"},
    }
    client = Client()
    for n in range(2):
        client.get("/api/v1/indicators/", headers={"X-Forwarded-For": f"10.9.9.{n}"})
    forged = client.get("/api/v1/indicators/", headers={"X-Forwarded-For": "10.9.9.99"})
    assert forged.status_code == 429


def test_the_api_stays_open_when_the_cache_that_counts_requests_does_not_answer(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert Client().get("/api/v1/indicators/").status_code == 200
