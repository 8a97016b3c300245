"""Benchmark of the yearly figures entry page on the demo province at scale 1 and 10.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_entry.py [--scales 1 10] [--repeat 3]

For each scale, in a fresh process: a scratch SQLite file in /tmp (or
BENCH_DATABASE_URL), `migrate`, `load_reference`, `seed_demo --scale N`, then the
best of `--repeat` full requests through Django's test Client, with the number
of queries and the response size:

- the 2026 entry page of Phường Pleiku's officer and of Sở GD&ĐT (the demo's
  largest unit), and one draft save of a single field;
- a unit of 500 institutions built here (`BENCH-500`: 200 school, 150
  community libraries, 150 village culture houses; last year's figures for
  all, this year's for half), the size issue 11 asks to stay fast: its first
  page, a category's page, a search, the reviewer's first page, the save of
  a page as the browser posts it (every input of its 50 institutions, one
  value changed), and a full save of every field of the unit at once.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import child_report, child_setup  # noqa: E402
from harness import main as harness_main  # noqa: E402


def measure(label: str, client, url: str, repeat: int, data: dict | None = None) -> dict:
    from django.db import connection, reset_queries

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.post(url, data()) if data else client.get(url)
        best = min(best, time.perf_counter() - started)
        assert response.status_code in (200, 302), (url, response.status_code)
    reset_queries()
    response = client.post(url, data()) if data else client.get(url)
    return {
        "what": label,
        "best_ms": round(best * 1000, 1),
        "queries": len(connection.queries),
        "kib": round(len(response.content) / 1024),
    }


def page_inputs(html: str) -> dict[str, str]:
    """What the browser posts from the entry form: every named input and select."""
    import lxml.html

    (form,) = lxml.html.fromstring(html).xpath("//form[@data-entry]")
    data = {}
    for el in form.xpath(".//input[@name] | .//select[@name]"):
        if el.tag == "select":
            chosen = el.xpath("option[@selected]/@value")
            data[el.get("name")] = chosen[0] if chosen else ""
        else:
            data[el.get("name")] = el.get("value") or ""
    return data


def build_unit_of_500():
    """A reporting unit of 500 institutions with an officer: last year's figures
    for all of them, this year's draft with half of them entered."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from indicators import services
    from indicators.fields import FieldType, fields_for
    from indicators.models import Figures, ReportingPeriod, Submission, SubmissionState
    from institutions.models import Category, Institution, ReportingUnit, ReportingUnitKind

    pleiku = ReportingUnit.objects.get(code="UBND-23575")
    unit = ReportingUnit.objects.create(
        code="BENCH-500",
        name="Đơn vị thử tải 500 thiết chế",
        kind=ReportingUnitKind.COMMUNE_COMMITTEE,
        admin_unit=pleiku.admin_unit,
        valid_from=pleiku.valid_from,
    )
    mix = [("LIB_EDU", "Thư viện Trường THCS số", 200)]
    mix += [("LIB_COMMUNITY", "Thư viện cộng đồng thôn", 150)]
    mix += [("CC_VILL", "Nhà văn hóa làng", 150)]
    Institution.objects.bulk_create(
        Institution(
            code=f"B500-{code}-{n:03d}",
            name=f"{name} {n}",
            category=Category.objects.get(code=code),
            admin_unit=unit.admin_unit,
            reporting_unit=unit,
            opened_year=2015,
        )
        for code, name, count in mix
        for n in range(1, count + 1)
    )
    officer = get_user_model().objects.create_user("bench500", password="x")
    officer.groups.add(Group.objects.get(name="district_officer"))
    unit.members.add(officer)
    institutions = list(Institution.objects.filter(reporting_unit=unit).select_related("category"))

    def answers(inst, base: int) -> dict[str, str]:
        return {
            spec.code: "yes" if spec.type == FieldType.YES_NO else str(base)
            for spec in fields_for(inst.category.code)
            if spec.type != FieldType.TEXT
        }

    last = Submission.objects.create(
        reporting_unit=unit,
        period=ReportingPeriod.objects.get(year=2025),
        state=SubmissionState.APPROVED,
    )
    Figures.objects.bulk_create(
        Figures(
            institution=inst,
            year=2025,
            submission=last,
            **{
                code: True if value == "yes" else int(value)
                for code, value in answers(inst, 90).items()
            },
        )
        for inst in institutions
    )
    submission = services.submission_open(
        reporting_unit=unit, period=ReportingPeriod.objects.get(year=2026), user=officer
    )
    services.figures_save(
        submission=submission,
        user=officer,
        rows={inst.pk: answers(inst, 100) for inst in institutions[::2]},
    )
    return officer, submission, institutions, answers


def child(scale: int, repeat: int) -> None:
    """Runs inside the fresh process whose DATABASE_URL points at the scratch DB."""
    setup_s = child_setup(scale)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from indicators import selectors
    from indicators.forms import field_name
    from indicators.models import Submission

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    users = get_user_model().objects
    results = []
    for username in ("canbo_pleiku", "sogddt"):
        user = users.get(username=username)
        client = Client()
        client.force_login(user)
        submission = (
            selectors.submissions_for_user(user)
            .filter(period__year=2026, reporting_unit__members=user)
            .first()
        )
        url = f"/bao-cao/{submission.pk}/"
        n = len(list(selectors.institutions_for_submission(submission)))
        label = f"{submission.reporting_unit.name} ({n} institutions)"
        results.append(measure(f"GET {label}", client, url, repeat))
        first = selectors.institutions_for_submission(submission).first()

        def one_field(pk=submission.pk, inst=first) -> dict:
            # A new value each time, so that every save writes one change.
            version = Submission.objects.get(pk=pk).version
            return {
                "version": version,
                "save": "1",
                field_name(inst.pk, "participants"): str(100 + version),
            }

        results.append(measure(f"POST one field, {label}", client, url, repeat, one_field))

    officer, submission, institutions, answers = build_unit_of_500()
    client = Client()
    client.force_login(officer)
    reviewer = Client()
    reviewer.force_login(users.get(username="sovhttdl"))
    url = f"/bao-cao/{submission.pk}/"
    label = "unit of 500"
    results.append(measure(f"GET {label}, page 1 of 10", client, url, repeat))
    results.append(
        measure(
            f"GET {label}, ?category=CC_VILL&page=3",
            client,
            url + "?category=CC_VILL&page=3",
            repeat,
        )
    )
    results.append(
        measure(
            f"GET {label}, ?q=thu vien truong thcs so 123",
            client,
            url + "?q=thu+vien+truong+thcs+so+123",
            repeat,
        )
    )
    results.append(measure(f"GET {label}, page 1, reviewer", reviewer, url, repeat))
    page_one = page_inputs(client.get(url).content.decode())
    changed = next(name for name in page_one if name.endswith("__participants"))

    def page_save(pk=submission.pk) -> dict:
        version = Submission.objects.get(pk=pk).version
        return {**page_one, "version": version, "save": "1", changed: str(200 + version)}

    results.append(
        measure(
            f"POST page 1 as the browser does ({len(page_one)} fields), {label}",
            client,
            url,
            repeat,
            page_save,
        )
    )

    def full_save(pk=submission.pk) -> dict:
        version = Submission.objects.get(pk=pk).version
        data = {"version": version, "save": "1"}
        for inst in institutions:
            # Every input of the page: the answers, the note and the explanation.
            row = {**answers(inst, 100 + version % 50), "note": "", "change_comment": ""}
            for code, value in row.items():
                data[field_name(inst.pk, code)] = value
        return data

    fields = len(full_save()) - 2
    results.append(
        measure(
            f"POST every field of the unit ({fields} fields), {label}",
            client,
            url,
            repeat,
            full_save,
        )
    )
    child_report(scale, setup_s, results)


def main() -> None:
    harness_main(
        __file__,
        doc=__doc__,
        child=child,
        columns=[
            ("page", "what"),
            ("best (ms)", "best_ms"),
            ("queries", "queries"),
            ("size (KiB)", "kib"),
        ],
    )


if __name__ == "__main__":
    main()
