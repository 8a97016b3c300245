"""Every uploaded file is kept (issue 13, item 3): accepted or refused, listed on
the unit's page with who, when and the result, downloadable byte for byte by the
unit's officer and the reviewer, by nobody else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Figures, UploadedFile
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

GOOD = b"institution_code,lll_services,user_visits,participants\nTV-PLK,yes,1100,220\n"
BAD = b"institution_code,lll_services,user_visits,participants\nTV-PLK,maybe,1100,220\n"


def _upload(client, submission, name: str, content: bytes):
    return client.post(
        reverse("indicators:upload", args=[submission.pk]),
        {"version": submission.version, "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def two_uploads(year, officer_a):
    client = client_for(officer_a)
    assert _upload(client, year.submission_a, "sai.csv", BAD).status_code == 400
    year.submission_a.refresh_from_db()
    assert _upload(client, year.submission_a, "dung.csv", GOOD).status_code == 302
    refused, accepted = UploadedFile.objects.order_by("pk")
    return refused, accepted


def test_an_accepted_and_a_refused_upload_are_both_kept_with_their_result(two_uploads, officer_a):
    refused, accepted = two_uploads
    assert (refused.filename, refused.accepted, accepted.filename, accepted.accepted) == (
        "sai.csv",
        False,
        "dung.csv",
        True,
    )
    assert bytes(refused.content) == BAD and bytes(accepted.content) == GOOD
    assert refused.uploaded_by == officer_a == accepted.uploaded_by
    [problem] = refused.problems
    assert problem["row"] == 2 and "lll_services" in problem["column"]
    assert accepted.problems == []
    # The refused file saved no figure; the accepted one did.
    assert Figures.objects.get(year=2025).user_visits == 1100


def test_the_entry_page_lists_both_with_date_who_and_result(two_uploads, year, officer_a):
    response = client_for(officer_a).get(
        reverse("indicators:submission", args=[year.submission_a.pk])
    )
    uploads = response.context["uploads"]
    assert [u.filename for u in uploads] == ["dung.csv", "sai.csv"]
    html = response.content.decode()
    assert "Các tệp đã tải lên" in html
    assert "Đã nhận" in html and "Bị từ chối" in html
    for u in uploads:
        assert reverse("indicators:upload_download", args=[u.pk]) in html


@pytest.mark.parametrize("who", ["officer_a", "reviewer"])
def test_the_units_officer_and_the_reviewer_download_both_files_byte_for_byte(
    two_uploads, who, request
):
    client = client_for(request.getfixturevalue(who))
    for upload, content in zip(two_uploads, (BAD, GOOD), strict=True):
        response = client.get(reverse("indicators:upload_download", args=[upload.pk]))
        assert response.status_code == 200
        assert response.content == content
        assert upload.filename in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["officer_b", "sector_reporter", None])
def test_another_units_officer_or_a_visitor_cannot_download(two_uploads, who, request):
    client = client_for(request.getfixturevalue(who) if who else None)
    for upload in two_uploads:
        response = client.get(reverse("indicators:upload_download", args=[upload.pk]))
        assert response.status_code in (302, 404)
        assert response.content not in (BAD, GOOD)


def test_a_kept_file_is_never_changed_or_deleted(two_uploads):
    refused, _ = two_uploads
    refused.filename = "khac.csv"
    with pytest.raises(ValidationError):
        refused.save()
    with pytest.raises(ValidationError):
        refused.delete()
