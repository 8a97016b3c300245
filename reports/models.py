"""The yearly report's human-written parts (figures always come from the engine)."""

from __future__ import annotations
