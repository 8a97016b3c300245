from __future__ import annotations

import re

import pytest

from indicators.models import Submission, SubmissionState
from tests.conftest import client_for
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned_and_missing(known):
    p = known.p
    Submission.objects.filter(reporting_unit=p.unit_a, period__year=2024).update(
        state=SubmissionState.RETURNED, return_reason="Số liệu thư viện xã chưa khớp sổ sách"
    )
    # A school library makes Sở GD&ĐT a reporting unit expected to report; it has not.
    InstitutionFactory(
        code="TVT-1",
        category=category("LIB_EDU"),
        admin_unit=p.commune_a,
        reporting_unit=p.sector,
        opened_year=2020,
    )
    return known


def test_it_shows_who_has_not_submitted_who_was_returned_and_why(returned_and_missing, reviewer):
    response = client_for(reviewer).get("/dashboard/accountability/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    not_submitted = html[html.index('data-testid="not-submitted"') :]
    not_submitted = not_submitted[: not_submitted.index("</table>")]
    assert "Sở Giáo dục và Đào tạo" in not_submitted
    assert "Chưa nhập" in not_submitted
    assert "UBND Thị xã An Khê" not in not_submitted  # approved
    returned = html[html.index('data-testid="returned"') :]
    assert "UBND Thành phố Pleiku" in returned
    assert "Số liệu thư viện xã chưa khớp sổ sách" in returned


def test_it_lists_units_off_track_with_the_catch_up_they_need(known, reviewer):
    html = client_for(reviewer).get("/dashboard/accountability/?year=2024").content.decode()
    table = html[html.index('data-testid="off-track"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")], re.S)
    lines = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows[1:]]
    lines = [" ".join(words) for words in lines]
    # Pleiku's commune libraries: 25 % against 40 % in 2025 → +15 points a year.
    assert any(
        line.startswith("Thành phố Pleiku Thư viện công cộng cấp xã (LIB_LLL_SERVICE) 25,0")
        and "+15,0" in line
        for line in lines
    ), lines
    # Pleiku's district library: 0 % against 70 % → +70 points, listed first.
    assert lines[0].startswith("Thành phố Pleiku Thư viện công cộng cấp huyện"), lines
    assert "+70,0" in lines[0]
    # An Khê reached its commune-library target: not listed for it.
    assert not any(
        line.startswith("Thị xã An Khê Thư viện công cộng cấp xã (LIB_LLL_SERVICE)")
        for line in lines
    )


@pytest.mark.parametrize("persona", ["officer_a", "sector_reporter"])
def test_it_refuses_reporters(known, request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/dashboard/accountability/").status_code == 403


def test_a_bad_year_gets_a_message(known, reviewer):
    response = client_for(reviewer).get("/dashboard/accountability/?year=2099")
    assert response.status_code == 400


def test_a_zero_institutions_behind_is_plain_text_not_a_link(known, reviewer):
    html = client_for(reviewer).get("/dashboard/accountability/?year=2024").content.decode()
    table = html[html.index('data-testid="off-track"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")], re.S)
    # Pleiku's district library did not meet the criterion and did report: 1 / 0.
    district = next(row for row in rows if "Thư viện công cộng cấp huyện" in row)
    assert re.search(r'<a href="[^"]*which=not_meeting[^"]*"[^>]*>1</a>', district)
    assert re.search(r'<span data-which="not_reported"[^>]*>0</span>', district)
    assert "which=not_reported" not in district
