"""Writes for administrative units, reporting units, categories and institutions.

- reference.py: `reference_load` (load_reference), `categories_load`, `roles_ensure`
- institution_import.py: `institutions_import` (seed_demo), `InstitutionsImportStream`
  and `institutions_read` (import_institutions, by chunks)
- registry.py: `registry_change_propose`, `registry_change_approve`,
  `registry_change_reject` (the registry under review)
"""

from __future__ import annotations

from institutions.services.institution_import import (
    IMPORT_COLUMNS,
    REQUIRED_COLUMNS,
    VALID_ON_COLUMN,
    ImportResult,
    InstitutionsImportStream,
    InstitutionsInvalid,
    institutions_import,
    institutions_read,
    problem_text,
)
from institutions.services.reference import (
    REFERENCE_DIR,
    REORGANISATION_DAY,
    _rows,
    categories_load,
    reference_load,
    roles_ensure,
)
from institutions.services.registry import (
    registry_change_approve,
    registry_change_propose,
    registry_change_reject,
)

__all__ = [
    "IMPORT_COLUMNS",
    "REFERENCE_DIR",
    "REORGANISATION_DAY",
    "REQUIRED_COLUMNS",
    "VALID_ON_COLUMN",
    "ImportResult",
    "InstitutionsImportStream",
    "InstitutionsInvalid",
    "_rows",
    "categories_load",
    "institutions_import",
    "institutions_read",
    "reference_load",
    "registry_change_approve",
    "registry_change_propose",
    "registry_change_reject",
    "problem_text",
    "roles_ensure",
]
