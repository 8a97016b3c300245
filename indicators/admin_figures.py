"""Admin for periods, submissions, figures, activities and the audit trail."""

from __future__ import annotations
