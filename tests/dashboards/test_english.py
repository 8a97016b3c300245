"""In English, the plan's own texts (indicator titles, target labels) are in
English too: the plan's transcription (fixtures/plan_3632_KH-UBND.json,
name_en/label_en) fills Indicator.name_en and Target.label_en."""

from __future__ import annotations

from django.urls import reverse

from indicators.models import Indicator, Target
from tests.conftest import client_for


def _in_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    return client


def test_the_dashboard_in_english_shows_no_vietnamese_indicator_title(known, reviewer) -> None:
    client = _in_english(client_for(reviewer))
    html = client.get("/dashboard/?year=2024").content.decode()
    assert 'lang="en"' in html
    indicators = list(Indicator.objects.all())
    assert indicators and all(i.name_en for i in indicators)
    for indicator in indicators:
        assert indicator.name not in html, indicator.code
    assert "Libraries providing lifelong-learning services to their users" in html
    for target in Target.objects.exclude(label=""):
        if target.label != target.label_en:
            assert f">{target.label}<" not in html, target.code


def test_the_same_dashboard_in_vietnamese_keeps_the_plans_wording(known, reviewer) -> None:
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    assert (
        "Thư viện có cung cấp dịch vụ phục vụ việc học tập suốt đời cho người sử dụng thư viện"
        in html
    )
