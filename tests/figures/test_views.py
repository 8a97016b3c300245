from __future__ import annotations

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.models import AuditEntry, Figures, SubmissionState
from indicators.validation import values_of
from tests.conftest import client_for
from tests.factories import InstitutionFactory, category
from tests.figures.conftest import complete_rows, post_data

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"indicators:{name}", args=args)


def _html(response):
    return lxml.html.fromstring(response.content.decode())


def _one(tree, xpath: str):
    (found,) = tree.xpath(xpath)
    return found


def test_the_officer_sees_every_open_institution_grouped_with_last_years_values(year, officer_a):
    response = client_for(officer_a).get(url("submission", year.submission_a.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for inst in (year.library, year.museum, year.centre):
        assert inst.name in page
    assert year.closed.name not in page  # closed in 2023: not asked in 2025
    assert "Năm trước: 1.000" in page  # the library's 2024 user visits, Vietnamese grouping
    assert "Thư viện công cộng cấp huyện" in page and "Bảo tàng" in page


def test_saving_a_draft_then_submitting_lists_whats_missing(year, officer_a):
    client = client_for(officer_a)
    rows = {year.library.pk: {"lll_services": "yes", "user_visits": "1100"}}
    response = client.post(
        url("submission", year.submission_a.pk), post_data(year, rows, version=1, save="1")
    )
    assert response.status_code == 302
    assert Figures.objects.get(institution=year.library, year=2025).user_visits == 1100

    response = client.post(
        url("submission", year.submission_a.pk), post_data(year, rows, version=2, submit="1")
    )
    assert response.status_code == 400
    problems = response.context["submit_problems"]
    assert {p.field for p in problems} >= {
        "digital_transformation",
        "total_visitors",
        "clubs_count",
    }
    assert "Chưa gửi được" in response.content.decode()
    year.submission_a.refresh_from_db()
    assert year.submission_a.state == SubmissionState.DRAFT


def test_a_complete_form_submits_and_becomes_read_only(year, officer_a):
    client = client_for(officer_a)
    response = client.post(
        url("submission", year.submission_a.pk),
        post_data(year, complete_rows(year), version=1, submit="1"),
    )
    assert response.status_code == 302
    year.submission_a.refresh_from_db()
    assert year.submission_a.state == SubmissionState.SUBMITTED
    page = client.get(url("submission", year.submission_a.pk)).content.decode()
    assert 'name="submit"' not in page and "chỉ xem" in page
    response = client.post(
        url("submission", year.submission_a.pk),
        post_data(year, complete_rows(year), version=3, save="1"),
    )
    assert response.status_code == 409
    assert "chỉ xem" in response.content.decode()


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(year, officer_a):
    rows = {
        year.museum.pk: {"study_visitors": "2000", "total_visitors": "100"},
        year.library.pk: {"user_visits": "-4"},
    }
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk), post_data(year, rows, version=1, save="1")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[f"i{year.museum.pk}__study_visitors"]
    assert form.errors[f"i{year.library.pk}__user_visits"]
    assert not Figures.objects.filter(year=2025).exists()


def test_a_stale_page_gets_a_clear_message_and_saves_nothing(year, officer_a):
    client = client_for(officer_a)
    client.post(
        url("submission", year.submission_a.pk),
        post_data(year, {year.library.pk: {"user_visits": "5"}}, version=1, save="1"),
    )
    response = client.post(
        url("submission", year.submission_a.pk),
        post_data(year, {year.library.pk: {"user_visits": "9"}}, version=1, save="1"),
    )
    assert response.status_code == 409
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert Figures.objects.get(institution=year.library, year=2025).user_visits == 5


def test_the_officer_sees_the_return_reason_at_the_top(year, officer_a, reviewer):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    response = client_for(reviewer).post(
        url("review_action", year.submission_a.pk),
        {"version": year.submission_a.version, "return": "1", "reason": "Kiểm tra lại lượt khách"},
    )
    assert response.status_code == 302
    page = client_for(officer_a).get(url("submission", year.submission_a.pk)).content.decode()
    assert 'data-testid="return-reason"' in page and "Kiểm tra lại lượt khách" in page


def test_a_return_without_reason_is_refused(year, officer_a, reviewer):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    client_for(reviewer).post(
        url("review_action", year.submission_a.pk),
        {"version": year.submission_a.version, "return": "1", "reason": ""},
    )
    year.submission_a.refresh_from_db()
    assert year.submission_a.state == SubmissionState.SUBMITTED


# ------------------------------------------------------------------ scope
def test_it_refuses_another_districts_submission_everywhere(year, officer_b, sector_reporter):
    pk = year.submission_a.pk
    for user in (officer_b, sector_reporter):
        client = client_for(user)
        for name in ("submission", "template", "upload", "activity_create"):
            assert client.get(url(name, pk)).status_code == 404, (user, name)
        assert (
            client.post(
                url("submission", pk), post_data(year, complete_rows(year), version=1, save="1")
            ).status_code
            == 404
        )
        assert client.post(
            url("review_action", pk), {"version": 1, "approve": "1"}
        ).status_code in (403, 404)
        assert client.get(url("entry_open", 2025, "UBND-622")).status_code == 404
    assert not Figures.objects.filter(year=2025).exists()


def test_anonymous_visitors_are_sent_to_login(year):
    client = client_for(None)
    for target in (
        url("submission", year.submission_a.pk),
        url("template", year.submission_a.pk),
        url("review_queue", 2025),
        url("completeness", 2025),
        url("entry_index"),
        url("periods"),
    ):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], target


def test_officers_cannot_open_the_reviewers_pages(year, officer_a):
    client = client_for(officer_a)
    for target in (url("review_queue", 2025), url("completeness", 2025), url("periods")):
        assert client.get(target).status_code == 403


def test_a_tampered_institution_id_of_another_unit_is_refused(year, officer_a):
    rows = {**complete_rows(year), year.library_b.pk: {"user_visits": "99"}}
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk), post_data(year, rows, version=1, save="1")
    )
    assert response.status_code == 404
    assert not Figures.objects.filter(year=2025).exists()


def test_the_reviewer_reads_any_submission_but_cannot_edit_figures(year, reviewer):
    client = client_for(reviewer)
    response = client.get(url("submission", year.submission_a.pk))
    assert response.status_code == 200 and 'name="save"' not in response.content.decode()
    assert (
        client.post(
            url("submission", year.submission_a.pk),
            post_data(year, complete_rows(year), version=1, save="1"),
        ).status_code
        == 404
    )


# ------------------------------------------------------------------ speed
def _count_queries(client, target) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_entry_and_review_pages_run_the_same_queries_for_3_or_40_institutions(
    year, province, officer_a, reviewer, django_assert_num_queries
):
    officer, rev = client_for(officer_a), client_for(reviewer)
    entry, queue, done = (
        url("submission", year.submission_a.pk),
        url("review_queue", 2025),
        url("completeness", 2025),
    )
    small = [_count_queries(officer, entry), _count_queries(rev, queue), _count_queries(rev, done)]
    for _i in range(37):
        InstitutionFactory(
            category=category("CC_VILL"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        )
    assert [
        _count_queries(officer, entry),
        _count_queries(rev, queue),
        _count_queries(rev, done),
    ] == small
    with django_assert_num_queries(small[0]):
        officer.get(entry)
    assert small[0] <= 14


def test_the_queue_lists_expected_units_with_state_and_lateness(year, officer_a, reviewer):
    response = client_for(reviewer).get(url("review_queue", 2025))
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert set(rows) == {"UBND-622", "UBND-623"}  # SGDDT and SVHTTDL have no institution
    assert rows["UBND-622"].state == SubmissionState.DRAFT and rows["UBND-623"].submission is None


def test_a_submit_refused_for_an_unexplained_large_change_lists_it_once(year, officer_a):
    # The library had 1.000 user visits in 2024; 4.000 is more than a threefold change.
    rows = complete_rows(year)
    rows[year.library.pk]["user_visits"] = "4000"
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk),
        post_data(year, rows, version=1, submit="1"),
        follow=True,
    )
    assert response.status_code == 400
    tree = _html(response)
    (listed,) = tree.xpath("//*[@data-testid='submit-problems']//li")
    assert "(1.000 → 4.000)" in listed.text_content()
    assert "Cần ghi giải trình biến động" in listed.text_content()
    # The field to fill is marked too, with the same words beside it.
    comment = _one(tree, f"//*[@name='i{year.library.pk}__change_comment']")
    assert "is-invalid" in comment.classes
    error = _one(tree, f"//*[@id='{comment.get('aria-describedby').split()[0]}']")
    assert "(1.000 → 4.000)" in error.text_content()
    assert len(tree.xpath("//*[contains(@class, 'is-invalid')]")) == 1
    problems = response.context["submit_problems"]
    assert [(p.institution_id, p.field) for p in problems] == [(year.library.pk, "change_comment")]
    year.submission_a.refresh_from_db()
    assert year.submission_a.state == SubmissionState.DRAFT


def test_saving_a_draft_with_a_large_change_warns_once(year, officer_a):
    rows = {year.library.pk: {"user_visits": "4000"}}
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk),
        post_data(year, rows, version=1, save="1"),
        follow=True,
    )
    page = response.content.decode()
    assert page.count("(1.000 → 4.000)") == 1
    assert "hãy kiểm tra và ghi giải trình" in page


# ------------------------------------------------------------------ the inputs
def test_every_input_has_its_label_and_counts_take_whole_numbers_only(year, officer_a):
    tree = _html(client_for(officer_a).get(url("submission", year.submission_a.pk)))
    visits = _one(tree, f"//*[@name='i{year.library.pk}__user_visits']")
    assert visits.get("type") == "number" and visits.get("min") == "0"
    assert visits.get("step") == "1" and visits.get("inputmode") == "numeric"
    label = _one(tree, f"//label[@for='{visits.get('id')}']")
    assert label.text_content() == "Lượt người sử dụng thư viện"
    help_id = visits.get("aria-describedby").split()[-1]
    assert _one(tree, f"//*[@id='{help_id}']").text_content() == "Năm trước: 1.000"
    lll = _one(tree, f"//*[@name='i{year.library.pk}__lll_services']")
    assert lll.tag == "select" and [o.get("value") for o in lll.xpath("option")] == [
        "",
        "yes",
        "no",
    ]
    fields = tree.xpath(
        "//details[contains(@class, 'figures-block')]//*[self::input or self::select]"
    )
    assert len(fields) == 4 + 5 + 4 + 3 * 2  # the three categories' fields, note and comment
    for field in fields:
        assert tree.xpath(f"//label[@for='{field.get('id')}']"), field.get("name")


def test_a_refused_value_is_marked_invalid_and_described_beside_its_input(year, officer_a):
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk),
        post_data(year, {year.library.pk: {"user_visits": "-4"}}, version=1, save="1"),
    )
    assert response.status_code == 400
    tree = _html(response)
    field = _one(tree, f"//*[@name='i{year.library.pk}__user_visits']")
    assert "is-invalid" in field.classes and field.get("aria-invalid") == "true"
    assert field.get("value") == "-4"  # what the officer typed stays, to be corrected
    error = _one(tree, f"//*[@id='{field.get('aria-describedby').split()[0]}']")
    assert "invalid-feedback" in error.classes
    assert "phải là số nguyên không âm" in error.text_content()
    assert len(tree.xpath("//*[contains(@class, 'is-invalid')]")) == 1


def test_a_post_changes_only_the_inputs_it_carries(year, officer_a):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    year.submission_a.refresh_from_db()
    before = {f.institution_id: values_of(f) for f in Figures.objects.filter(year=2025)}
    audit_rows = AuditEntry.objects.count()
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk),
        post_data(
            year,
            {year.library.pk: {"user_visits": "1300"}},
            version=year.submission_a.version,
            save="1",
        ),
    )
    assert response.status_code == 302
    after = {f.institution_id: values_of(f) for f in Figures.objects.filter(year=2025)}
    expected = {**before, year.library.pk: {**before[year.library.pk], "user_visits": 1300}}
    assert after == expected
    added = AuditEntry.objects.order_by("pk")[audit_rows:]
    assert [a.changes for a in added] == [[{"field": "user_visits", "old": "1200", "new": "1300"}]]


def test_a_refused_submit_marks_every_missing_answer_in_plain_words(year, officer_a):
    rows = {year.library.pk: {"lll_services": "yes", "user_visits": "1100"}}
    response = client_for(officer_a).post(
        url("submission", year.submission_a.pk), post_data(year, rows, version=1, submit="1")
    )
    assert response.status_code == 400
    tree = _html(response)
    participants = _one(tree, f"//*[@name='i{year.library.pk}__participants']")
    assert "is-invalid" in participants.classes
    error = _one(tree, f"//*[@id='{participants.get('aria-describedby').split()[0]}']")
    assert error.text_content() == "Chưa nhập «Lượt người tham gia»."
    marked = {f.get("name") for f in tree.xpath("//*[contains(@class, 'is-invalid')]")}
    problems = response.context["submit_problems"]
    assert marked == {f"i{p.institution_id}__{p.field}" for p in problems}
    assert "(participants)" not in response.content.decode()
    assert Figures.objects.get(institution=year.library, year=2025).user_visits == 1100


def test_the_study_within_total_constraint_reports_on_study_visitors(year):
    figures = Figures(
        institution=year.museum,
        year=2025,
        submission=year.submission_a,
        study_visitors=10,
        total_visitors=9,
    )
    with pytest.raises(ValidationError) as exc:
        figures.validate_constraints()
    assert list(exc.value.error_dict) == ["study_visitors"]
    assert exc.value.error_dict["study_visitors"][0].code == "study_over_total"
