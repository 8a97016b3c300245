from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import Http404

from institutions.roles import get_reporting_unit_for_user, reporting_units_for_user
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _check_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off() -> None:
    result = _check_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Thiếu biến môi trường SECRET_KEY" in result.stderr


def test_it_names_a_malformed_database_url() -> None:
    result = _check_settings({"DEBUG": "true", "DATABASE_URL": "notadb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_postgresql_connections_run_without_jit() -> None:
    """JIT compilation cost seconds on the portal's queries over a large
    province and saved none of them (README, Benchmarks)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_an_officer_sees_only_their_own_reporting_unit(officer_a, province) -> None:
    assert list(reporting_units_for_user(officer_a)) == [province.unit_a]
    with pytest.raises(Http404):
        get_reporting_unit_for_user(officer_a, province.unit_b.code)


def test_a_reviewer_sees_every_reporting_unit(reviewer, province) -> None:
    codes = set(reporting_units_for_user(reviewer).values_list("code", flat=True))
    assert {"UBND-622", "UBND-623", "SGDDT", "SVHTTDL"} <= codes


def test_an_anonymous_visitor_reaches_no_reporting_unit(province) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not reporting_units_for_user(AnonymousUser()).exists()


def test_home_page_is_vietnamese_and_names_the_officers_unit(officer_a) -> None:
    response = client_for(officer_a).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in body
    assert "UBND Thành phố Pleiku" in body
    assert "UBND Thị xã An Khê" not in body


def test_login_page_speaks_vietnamese_and_rejects_a_wrong_password(officer_a) -> None:
    response = client_for(None).post(
        "/accounts/login/", {"username": "officer_a", "password": "sai"}
    )
    assert response.status_code == 200
    assert "Vui lòng nhập chính xác" in response.content.decode()


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(officer_a) -> None:
    client = client_for(officer_a)
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in first.content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    switched = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert 'lang="en"' in switched.content.decode()
