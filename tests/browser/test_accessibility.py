"""axe-core (vendored in tests/vendor/axe, injected from disk) on the main pages
of every persona: no serious or critical violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.models import Submission
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.dashboards.conftest import build_known_province
from tests.factories import ReportingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe" / "axe.min.js"
BLOCKING = {"serious", "critical"}


AXE_SOURCE = AXE.read_text(encoding="utf-8") + "\n;undefined"


def violations(page) -> list[str]:
    """The page's serious and critical axe violations, one line each."""
    # Evaluated through the DevTools protocol: the portal's CSP refuses any inline
    # <script>, which add_script_tag would insert, and the test must not weaken it.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _visit(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return violations(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_main_pages_have_no_serious_accessibility_violation(
    page, live_server, province, officer_a, reviewer, width
):
    build_known_province(province)
    ReportingPeriodFactory(year=2025)
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    found: list[str] = []

    # Anyone: the home page, the public dashboard, open data.
    for path in ("/", "/dashboard/", "/du-lieu-mo/"):
        found += _visit(page, base + path)

    # The officer: home, the entry page of the open year.
    login(page, live_server, "officer_a", PASSWORD)
    found += violations(page)
    found += _visit(page, f"{base}/so-lieu/2025/{province.unit_a.code}/")
    assert "/bao-cao/" in page.url

    # The reviewer: home, the province dashboard, a submission, the annual report.
    page.context.clear_cookies()
    login(page, live_server, "reviewer", PASSWORD)
    found += violations(page)
    found += _visit(page, f"{base}/dashboard/")
    sent = Submission.objects.filter(period__year=2024).first()
    found += _visit(page, f"{base}/bao-cao/{sent.pk}/")
    found += _visit(page, f"{base}/bao-cao-nam/2024/")
    assert not found, "\n".join(found)
