"""The small reporting year of tests/figures (unit A's library, museum and
centre; unit B's library), shared with the history tests."""

from tests.figures.conftest import plan, year  # noqa: F401
