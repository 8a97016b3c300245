"""Every URL of the URLconf × every persona: what each may reach, from an explicit
table. The URLs are walked from `get_resolver()`, so a new URL without a rule in
ACCESS fails the suite, and so does a rule left for a URL that is gone.

Personas (tests/conftest.py): anonymous; officer = officer A, a district officer of
UBND-622; other_officer = officer B of UBND-623; sector = the sector reporter of
SGDDT; reviewer = the provincial reviewer; admin = the administrator (staff).
Each URL is asked with GET, filled with objects of officer A's unit (its submission,
activity, report files, commune dashboard). The answer each persona gets is one of:

- ok: 200; login: 302 to the portal's sign-in; admin_login: 302 to the admin's;
- hidden: 404 (the page does not announce itself); forbidden: 403;
- method: 405 (allowed in, but the URL takes POST only); redirect: another 302.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import Activity, TaskGroup
from indicators.services import figures_save, plan_load, submission_open
from institutions.models import Institution, UnitSuccession
from reports.models import IssuedReport, ReportJob
from reports.services import report_draft_for_year
from tests.conftest import Province, client_for
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db

YEAR = 2025
PERSONAS = ("anonymous", "officer", "other_officer", "sector", "reviewer", "admin")

OK, LOGIN, ADMIN_LOGIN = "ok", "login", "admin_login"
HIDDEN, FORBIDDEN, METHOD, REDIRECT = "hidden", "forbidden", "method", "redirect"


def rule(anonymous, officer, other_officer, sector, reviewer, admin) -> dict[str, str]:
    return dict(
        zip(PERSONAS, (anonymous, officer, other_officer, sector, reviewer, admin), strict=True)
    )


# --- the rules, one per kind of access -------------------------------------------
# rule(anonymous, officer, other_officer, sector, reviewer, admin)
PUBLIC = rule(OK, OK, OK, OK, OK, OK)
ANY_LOGGED_IN = rule(LOGIN, OK, OK, OK, OK, OK)
# The page of officer A's unit: other units' officers cannot tell it exists;
# reviewers read it.
OFFICER_OWN_UNIT = rule(LOGIN, OK, HIDDEN, HIDDEN, OK, OK)
# Writing for officer A's unit: its own reporters only; reviewers read, never write.
OFFICER_OWN_UNIT_WRITE = rule(LOGIN, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
# A commune's dashboard: officers whose unit covers it and reviewers; to anyone
# else, signed in or not, it does not exist (district-level units are public).
OWN_TERRITORY = rule(HIDDEN, OK, HIDDEN, HIDDEN, OK, OK)
REVIEWER_ONLY = rule(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
REVIEWER_HIDDEN = rule(LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, OK)
# The Django admin: staff (the administrator) only, everyone else to its sign-in.
ADMIN_ONLY = rule(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK)
# Admin pages refused to the administrator too: what the portal's own pages write
# (submissions, figures, activities) and the audit trail are never added or
# deleted through the admin.
ADMIN_REFUSED = rule(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, FORBIDDEN)


def post_only(of: dict[str, str]) -> dict[str, str]:
    """A POST-only URL: those let in get 405 to a GET."""
    return {p: METHOD if outcome == OK else outcome for p, outcome in of.items()}


def redirects(of: dict[str, str]) -> dict[str, str]:
    """A URL that sends those let in elsewhere (the latest year, the docs…)."""
    return {p: REDIRECT if outcome == OK else outcome for p, outcome in of.items()}


ACCESS: dict[str, dict[str, str]] = {
    # Public: anyone, signed in or not.
    "home": PUBLIC,
    "login": PUBLIC,
    "healthz": PUBLIC,
    "favicon.ico": redirects(PUBLIC),
    "set_language": redirects(PUBLIC),  # a GET changes nothing, back to the page
    "logout": post_only(PUBLIC),
    "reports:dashboard": PUBLIC,
    "reports:status_css": PUBLIC,
    "reports:open_data": PUBLIC,
    "reports:open_data_file": PUBLIC,
    # A locked year's issued PDF; the world's year is still open, so there is none
    # to publish yet (tests/dashboards/test_open_data.py downloads a locked one).
    "reports:open_data_report": rule(HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "api:root": redirects(PUBLIC),
    "api:institutions": PUBLIC,
    "api:institution": PUBLIC,
    "api:indicators": PUBLIC,
    "api:attainment": PUBLIC,
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    # Any signed-in user.
    "indicators:entry_index": ANY_LOGGED_IN,
    # To the user's own dashboard; a sector reporter's units stand in no district
    # or commune, so the page itself says where to look.
    "reports:my_dashboard": rule(LOGIN, REDIRECT, REDIRECT, OK, REDIRECT, REDIRECT),
    # A GET of a POST-only URL is refused before anything is looked up: it tells
    # nobody whether the activity exists.
    "indicators:activity_delete": post_only(ANY_LOGGED_IN),
    # Officer A's own unit.
    "indicators:entry_open": redirects(OFFICER_OWN_UNIT),  # to the year's submission
    "indicators:submission": OFFICER_OWN_UNIT,
    "indicators:upload_download": OFFICER_OWN_UNIT,  # a kept upload, byte for byte
    # The registry under review: a unit's page and proposals, the reviewer's queue.
    "institutions:registry_index": redirects(ANY_LOGGED_IN),  # to one's unit, or the queue
    "institutions:registry_unit": OFFICER_OWN_UNIT,
    "institutions:registry_queue": REVIEWER_ONLY,
    "institutions:registry_decide": post_only(REVIEWER_ONLY),
    "indicators:template": OFFICER_OWN_UNIT,
    "indicators:upload": OFFICER_OWN_UNIT_WRITE,
    "indicators:activity_create": OFFICER_OWN_UNIT_WRITE,
    "indicators:activity_edit": OFFICER_OWN_UNIT_WRITE,
    "reports:unit_dashboard": OWN_TERRITORY,
    "reports:institutions_behind": OFFICER_OWN_UNIT,  # a number of officer A's commune
    # Reviewers (and administrators) only.
    "indicators:review_action": post_only(REVIEWER_ONLY),
    "indicators:review_latest": redirects(REVIEWER_ONLY),
    "indicators:review_queue": REVIEWER_ONLY,
    "indicators:completeness_latest": redirects(REVIEWER_ONLY),
    "indicators:completeness": REVIEWER_ONLY,
    "indicators:periods": REVIEWER_ONLY,
    "indicators:period_action": post_only(REVIEWER_ONLY),
    "reports:accountability": REVIEWER_ONLY,
    "reports:annual_report_index": redirects(REVIEWER_HIDDEN),  # to the latest year
    "reports:annual_report": REVIEWER_HIDDEN,
    "reports:annual_report_preview": REVIEWER_HIDDEN,
    "reports:annual_report_job_start": post_only(REVIEWER_HIDDEN),
    "reports:annual_report_job": REVIEWER_HIDDEN,
    "reports:annual_report_job_download": REVIEWER_HIDDEN,
    "reports:annual_report_issue": post_only(REVIEWER_HIDDEN),
    "reports:annual_report_issued": REVIEWER_HIDDEN,
    # The Django admin, every page of it (its URLs are generated per model:
    # ADMIN_PAGES below lists the exceptions).
    "admin:*": ADMIN_ONLY,
}

# Admin URLs whose answers differ from ADMIN_ONLY.
ADMIN_PAGES: dict[str, dict[str, str]] = {
    "admin:login": rule(OK, OK, OK, OK, OK, REDIRECT),
    "admin:logout": rule(*[REDIRECT] * 5, METHOD),  # to /admin/, then its sign-in
    "admin:autocomplete": ADMIN_REFUSED,  # asked without the field it completes
    "admin:view_on_site": rule(*[ADMIN_LOGIN] * 5, HIDDEN),  # institutions have no page
    "admin/(?P<url>.*)$": rule(*[ADMIN_LOGIN] * 5, HIDDEN),  # no such admin page
    **{
        f"admin:indicators_{model}_{action}": ADMIN_REFUSED
        for model in ("submission", "figures", "activity", "auditentry")
        for action in ("add", "delete")
    },
    # django-axes: lock-outs are read, and lifted by deleting the attempt; nobody
    # types one in, and the logs of sign-ins and failures are kept.
    **{
        f"admin:axes_{model}_add": ADMIN_REFUSED
        for model in ("accessattempt", "accesslog", "accessfailurelog")
    },
    "admin:axes_accesslog_delete": ADMIN_REFUSED,
    # The registry's proposals are decided on the reviewer's page, never typed here.
    "admin:institutions_registrychange_add": ADMIN_REFUSED,
    "admin:institutions_registrychange_delete": ADMIN_REFUSED,
    "admin:axes_accessfailurelog_delete": ADMIN_REFUSED,
}
# admin/<app>/<model>/<id>/ (unnamed) sends the administrator to the change page.
ADMIN_OBJECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")


@dataclass(frozen=True)
class Route:
    key: str  # the URL's name with its namespace, or its route when unnamed
    name: str | None
    route: str


def routes() -> Iterator[Route]:
    def walk(patterns, prefix: str, namespace: str | None) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                route = prefix + str(p.pattern)
                yield Route(key=name or route, name=name, route=route)

    yield from walk(get_resolver().url_patterns, "", None)


def expected_for(route: Route) -> dict[str, str] | None:
    if route.key in ACCESS:
        return ACCESS[route.key]
    if route.key.startswith("admin:") or route.route.startswith("admin/"):
        if ADMIN_OBJECT.match(route.route):
            return redirects(ADMIN_ONLY)
        return ADMIN_PAGES.get(route.key, ACCESS["admin:*"])
    return None


def test_every_url_has_an_access_rule() -> None:
    keys = {r.key for r in routes()}
    missing = sorted(r.key for r in routes() if expected_for(r) is None)
    assert not missing, (
        f"URL(s) without an access rule: {missing}. Add each to ACCESS in "
        "tests/test_access_matrix.py under the rule it follows (public, any signed-in "
        "user, officer's own unit, reviewers only, admin), and its path parameters to params()."
    )
    stale = sorted(set(ACCESS) - keys - {"admin:*"})
    assert not stale, f"ACCESS names URL(s) that no longer exist: {stale}"


# --- concrete URLs --------------------------------------------------------------


@dataclass
class World:
    province: Province
    submission_pk: int
    activity_pk: int
    job_pk: int
    institution: Institution
    upload_pk: int
    registry_change_pk: int


@pytest.fixture
def world(province, officer_a, officer_b, sector_reporter, reviewer, administrator) -> World:
    plan_load()
    period = ReportingPeriodFactory(year=YEAR)
    library = InstitutionFactory(
        code="TV-YD",
        name="Thư viện phường Yên Đỗ",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    submission = submission_open(reporting_unit=province.unit_a, period=period, user=officer_a)
    figures_save(
        submission=submission,
        user=officer_a,
        rows={library.pk: {"lll_services": "yes", "user_visits": "1200"}},
    )
    # One object of every model the admin lists, for its change, history and delete pages.
    UnitSuccession.objects.create(
        predecessor=province.commune_b,
        successor=province.commune_a,
        effective_on=dt.date(2025, 7, 1),
    )
    activity = Activity.objects.create(
        submission=submission,
        date=dt.date(YEAR, 4, 21),
        title="Ngày Sách và Văn hóa đọc Việt Nam",
        task_group=TaskGroup.COMMUNICATION,
        institution=library,
        participants=100,
        funding_state_budget=Decimal(0),
        funding_programmes=Decimal(0),
        funding_contributions=Decimal(0),
    )
    # One of each of django-axes' records, so that its admin pages open on a row.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "officer_a"}
    seen.update(http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen, session_hash="")
    AccessFailureLog.objects.create(**seen, locked_out=False)
    draft = report_draft_for_year(year=YEAR)
    job = ReportJob.objects.create(
        draft=draft, kind="pdf", requested_by=reviewer, state="done", result=b"%PDF-1.7", size=8
    )
    IssuedReport.objects.create(
        period=period,
        version=1,
        number_and_symbol="125/BC-SVHTTDL",
        report_date=dt.date(YEAR, 11, 28),
        signer_name="Nguyễn Thị Hạnh",
        data_cutoff=dt.date(YEAR, 11, 27),
        issued_at=dt.datetime(YEAR, 11, 28, tzinfo=dt.UTC),
        issued_by=reviewer,
        pdf=b"%PDF-1.7",
        pdf_sha256="0" * 64,
        xlsx=b"PK",
        xlsx_sha256="0" * 64,
    )
    from indicators.models import UploadedFile
    from institutions.models import RegistryChange, RegistryChangeKind

    upload = UploadedFile.objects.create(
        submission=submission,
        uploaded_by=officer_a,
        filename="so-lieu.csv",
        size=2,
        sha256="0" * 64,
        content=b"x\n",
        accepted=False,
    )
    change = RegistryChange.objects.create(
        kind=RegistryChangeKind.RENAME,
        reporting_unit=province.unit_a,
        institution=library,
        year=YEAR + 1,
        name="Thư viện phường Yên Đỗ (mới)",
        proposed_by=officer_a,
    )
    return World(province, submission.pk, activity.pk, job.pk, library, upload.pk, change.pk)


def params(route: Route, w: World) -> dict[str, object]:
    """The path parameters of each URL that has some, from `world`."""
    by_name: dict[str, dict[str, object]] = {
        "indicators:entry_open": {"year": YEAR, "unit_code": w.province.unit_a.code},
        "indicators:submission": {"pk": w.submission_pk},
        "indicators:upload_download": {"pk": w.upload_pk},
        "institutions:registry_unit": {"unit_code": w.province.unit_a.code},
        "institutions:registry_decide": {"pk": w.registry_change_pk},
        "indicators:template": {"pk": w.submission_pk},
        "indicators:upload": {"pk": w.submission_pk},
        "indicators:activity_create": {"pk": w.submission_pk},
        "indicators:activity_edit": {"pk": w.activity_pk},
        "indicators:activity_delete": {"pk": w.activity_pk},
        "indicators:review_action": {"pk": w.submission_pk},
        "indicators:review_queue": {"year": YEAR},
        "indicators:completeness": {"year": YEAR},
        "indicators:period_action": {"year": YEAR},
        "reports:unit_dashboard": {"pk": w.province.commune_a.pk},
        "reports:annual_report": {"year": YEAR},
        "reports:annual_report_preview": {"year": YEAR},
        "reports:annual_report_job_start": {"year": YEAR, "fmt": "pdf"},
        "reports:annual_report_job": {"year": YEAR, "pk": w.job_pk},
        "reports:annual_report_job_download": {"year": YEAR, "pk": w.job_pk},
        "reports:annual_report_issue": {"year": YEAR},
        "reports:annual_report_issued": {"year": YEAR, "version": 1, "fmt": "pdf"},
        "reports:open_data_file": {"year": YEAR, "dataset": "so-lieu", "fmt": "csv"},
        "reports:open_data_report": {"year": YEAR},
        "api:institution": {"code": w.institution.code},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(Institution).pk,
            "object_id": w.institution.pk,
        },
        "admin:app_list": {"app_label": "institutions"},
    }
    if route.name in by_name:
        return by_name[route.name]
    if "object_id" in route.route or "<id>" in route.route:
        return {"object_id": _admin_object(route).pk}
    return {}


def _admin_object(route: Route):
    """The first object of the model an admin URL is about (admin/<app>/<model>/…)."""
    app_label, model_name = route.route.split("/")[1:3]
    model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    found = model._default_manager.order_by("pk").first()
    assert found is not None, f"no {app_label}.{model_name} to open {route.key} with"
    return found


def query(route: Route, w: World) -> str:
    """The query string of URLs that need one to answer."""
    return {
        "reports:institutions_behind": (
            f"?target=LIB_LLL_SERVICE:LIB_COMM&year={YEAR}&unit={w.province.commune_a.pk}"
        ),
        "api:attainment": f"?year={YEAR}",
    }.get(route.key, "")


def url_of(route: Route, w: World) -> str:
    kwargs = params(route, w)
    if route.name:
        if "<id>" in route.route:  # the admin's password change names its parameter id
            kwargs = {"id": kwargs["object_id"]}
        return reverse(route.name, kwargs=kwargs) + query(route, w)
    if route.route == "admin/(?P<url>.*)$":  # the admin's catch-all
        return "/admin/khong-co-trang-nay/"
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)
    return "/" + path


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302):
        target = urlsplit(response["Location"]).path
        if target == reverse("admin:login"):
            return ADMIN_LOGIN
        if target == reverse("login"):
            return LOGIN
        return REDIRECT
    return {200: OK, 403: FORBIDDEN, 404: HIDDEN, 405: METHOD}.get(code, str(code))


def test_each_persona_reaches_exactly_what_its_rule_says(
    world: World, officer_a, officer_b, sector_reporter, reviewer, administrator
) -> None:
    users = {
        "anonymous": None,
        "officer": officer_a,
        "other_officer": officer_b,
        "sector": sector_reporter,
        "reviewer": reviewer,
        "admin": administrator,
    }
    clients = {persona: client_for(user) for persona, user in users.items()}
    wrong = []
    asked = 0
    for route in routes():
        expected = expected_for(route)
        if expected is None:
            continue  # test_every_url_has_an_access_rule says which
        url = url_of(route, world)
        for persona, client in clients.items():
            response = client.get(url)
            got = outcome(response)
            asked += 1
            if got != expected[persona]:
                where = f" to {response['Location']}" if got == REDIRECT else ""
                wrong.append(
                    f"{route.key} {url} as {persona}: {got}{where}, expected {expected[persona]}"
                )
    assert not wrong, f"{len(wrong)} of {asked} answers differ:\n" + "\n".join(wrong)
