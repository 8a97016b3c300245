"""The officer's "Đề xuất thay đổi danh mục" page and the reviewer's queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import ReportingPeriod
from institutions.models import Institution, RegistryChange, RegistryChangeKind, RegistryChangeState
from institutions.services import registry_change_propose
from tests.conftest import client_for
from tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def unit_url(unit) -> str:
    return reverse("institutions:registry_unit", args=[unit.code])


QUEUE = reverse("institutions:registry_queue")


def test_an_officer_proposes_a_rename_from_their_units_page(registry, province, officer_a):
    client = client_for(officer_a)
    page = client.get(unit_url(province.unit_a))
    assert page.status_code == 200
    assert "Đề xuất thay đổi danh mục" in page.content.decode()
    response = client.post(
        unit_url(province.unit_a),
        {
            "kind": RegistryChangeKind.RENAME,
            "institution": registry.library.pk,
            "year": "2026",
            "name": "Thư viện Pleiku mới",
        },
    )
    assert response.status_code == 302
    change = RegistryChange.objects.get()
    assert change.state == RegistryChangeState.PENDING
    page = client.get(unit_url(province.unit_a)).content.decode()
    assert "Chờ duyệt" in page and "Thư viện Pleiku mới" in page


def test_a_refused_proposal_says_why_beside_the_field(registry, province, officer_a):
    response = client_for(officer_a).post(
        unit_url(province.unit_a),
        {"kind": RegistryChangeKind.RENAME, "institution": registry.library.pk, "year": "2026"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Hãy nhập tên mới."]
    assert not RegistryChange.objects.exists()


def test_another_units_page_is_not_found_for_an_officer(province, officer_a, officer_b):
    assert client_for(officer_b).get(unit_url(province.unit_a)).status_code == 404
    response = client_for(officer_b).post(
        unit_url(province.unit_a), {"kind": RegistryChangeKind.CLOSE, "year": "2025"}
    )
    assert response.status_code == 404
    assert client_for(None).get(unit_url(province.unit_a)).status_code == 302


def test_the_queue_is_the_reviewers(province, officer_a, sector_reporter):
    assert client_for(None).get(QUEUE).status_code == 302
    for someone in (officer_a, sector_reporter):
        assert client_for(someone).get(QUEUE).status_code == 403


def test_the_reviewer_approves_and_rejects_from_the_queue(registry, province, officer_a, reviewer):
    rename = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.RENAME,
        institution=registry.library,
        name="Thư viện Pleiku mới",
        year=2026,
    )
    close = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.CLOSE,
        institution=registry.centre,
        year=2025,
    )
    client = client_for(reviewer)
    page = client.get(QUEUE)
    assert [c.pk for c in page.context["pending"]] == [rename.pk, close.pk]
    decide = reverse("institutions:registry_decide", args=[rename.pk])
    assert client.post(decide, {"approve": "1"}).status_code == 302
    # Rejecting without a reason is refused, the change stays pending.
    decide_close = reverse("institutions:registry_decide", args=[close.pk])
    response = client.post(decide_close, {"reject": "1", "reason": ""}, follow=True)
    assert "Hãy ghi lý do từ chối" in response.content.decode()
    assert RegistryChange.objects.get(pk=close.pk).state == RegistryChangeState.PENDING
    client.post(decide_close, {"reject": "1", "reason": "Chưa có quyết định giải thể."})
    assert Institution.objects.get(pk=registry.library.pk).name == "Thư viện Pleiku mới"
    assert Institution.objects.get(pk=registry.centre.pk).closed_year is None
    assert RegistryChange.objects.get(pk=close.pk).state == RegistryChangeState.REJECTED
    # The officer sees the decision and its reason on their page.
    page = client_for(officer_a).get(unit_url(province.unit_a)).content.decode()
    assert "Bị từ chối" in page and "Chưa có quyết định giải thể." in page


def test_an_officer_cannot_decide_even_by_posting(registry, province, officer_a):
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.CLOSE,
        institution=registry.centre,
        year=2025,
    )
    decide = reverse("institutions:registry_decide", args=[change.pk])
    assert client_for(officer_a).post(decide, {"approve": "1"}).status_code == 403
    assert RegistryChange.objects.get(pk=change.pk).state == RegistryChangeState.PENDING


def test_completeness_shows_pending_registry_changes_per_unit(
    registry, province, officer_a, reviewer
):
    ReportingPeriodFactory(year=2025)
    registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.CLOSE,
        institution=registry.centre,
        year=2025,
    )
    response = client_for(reviewer).get(reverse("indicators:completeness", args=[2025]))
    rows = {r.unit.code: r.pending_registry_changes for r in response.context["c"].rows}
    assert rows == {"UBND-622": 1, "UBND-623": 0}
    assert response.context["c"].pending_registry == 1
    assert "1 đề xuất thay đổi danh mục thiết chế đang chờ duyệt" in response.content.decode()
    assert ReportingPeriod.objects.count() == 1


def test_a_rejection_reasons_label_names_its_box_whatever_the_changes_number(
    registry, province, officer_a, reviewer
):
    # Past 999 a number is drawn with a thousands separator (12.345): an id
    # built from it would no longer match its label.
    client_for(officer_a).post(
        unit_url(province.unit_a),
        {
            "kind": RegistryChangeKind.RENAME,
            "institution": registry.library.pk,
            "year": "2026",
            "name": "Thư viện Pleiku mới",
        },
    )
    RegistryChange.objects.update(id=12345)
    page = client_for(reviewer).get(QUEUE).content.decode()
    assert 'for="reason-12345"' in page and 'id="reason-12345"' in page
