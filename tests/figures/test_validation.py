from __future__ import annotations

import pytest

from indicators.validation import (
    missing_for_submit,
    parse_count,
    parse_yes_no,
    submit_problems,
    validate_row,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("No", False),
        ("CÓ", True),
        ("không", False),
        ("1", True),
        (0, False),
        (True, True),
        (1.0, True),
        ("", None),
        (None, None),
    ],
)
def test_yes_no_accepts_yes_no_co_khong_and_one_zero_in_any_case(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 2, "y e s"])
def test_yes_no_refuses_anything_else(raw):
    with pytest.raises(ValueError):
        parse_yes_no(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), (12, 12), (12.0, 12), ("1.234", 1234), ("0", 0), ("", None)]
)
def test_counts_are_whole_numbers(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["-1", -3, "1,5", 2.5, "abc", True])
def test_counts_refuse_negatives_fractions_and_text(raw):
    with pytest.raises(ValueError):
        parse_count(raw)


def test_a_field_that_does_not_apply_must_be_empty_and_the_message_names_it():
    result = validate_row("LIB_DIST", {"user_visits": "5", "total_visitors": "7"})
    assert [e.field for e in result.errors] == ["total_visitors"]
    assert "«Tổng lượt khách tham quan»" in result.errors[0].message
    assert "total_visitors" not in result.errors[0].message  # the label, never the code
    assert "phải để trống" in result.errors[0].message


def test_study_visitors_may_not_exceed_total_visitors():
    result = validate_row("MUS", {"study_visitors": "10", "total_visitors": "9"})
    assert [e.field for e in result.errors] == ["study_visitors"]


def test_study_within_total_is_checked_against_the_stored_total_too():
    result = validate_row("MUS", {"study_visitors": "10"}, current={"total_visitors": 5})
    assert result.errors


def test_a_draft_may_be_partial_but_submit_asks_every_required_answer():
    result = validate_row("CC_COMM", {"clubs_count": "3"})
    assert result.ok
    missing = {s.code for s in missing_for_submit("CC_COMM", result.values)}
    # note is optional; everything else asked of a commune centre is required.
    assert missing == {"clubs_or_classes", "regular_activities", "participants"}


def test_a_threefold_move_from_last_year_is_a_warning_not_an_error():
    result = validate_row("LIB_DIST", {"user_visits": "3001"}, last_year={"user_visits": 1000})
    assert result.ok
    assert [w.field for w in result.warnings] == ["user_visits"]
    # exactly three times is still within bounds
    assert not validate_row(
        "LIB_DIST", {"user_visits": "3000"}, last_year={"user_visits": 1000}
    ).warnings
    # falling to less than a third warns too
    assert validate_row(
        "LIB_DIST", {"user_visits": "333"}, last_year={"user_visits": 1000}
    ).warnings


def test_an_unexplained_large_move_blocks_submit_until_commented():
    values = {
        "lll_services": True,
        "digital_transformation": True,
        "user_visits": 5000,
        "participants": 1,
    }
    last = {"user_visits": 1000}
    blocked = submit_problems("LIB_DIST", values, last_year=last, change_comment="")
    assert [p.field for p in blocked] == ["change_comment"]
    assert not submit_problems(
        "LIB_DIST", values, last_year=last, change_comment="Mở thêm phòng đọc"
    )
