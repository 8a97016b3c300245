"""Parts of pages that cost much to compute and change only when the data does:
built once per version of the data, then served from the cache.

The version is one row (`DataVersion`) holding a random token. Every statement
that writes a table of the portal's own apps (institutions, indicators,
reports; all but `UNWATCHED`) replaces the token in the same transaction,
whatever the path: a service, the admin, an import, a bulk `QuerySet.update`,
the precomputed attainment's raw SQL. It is done below the ORM, by a hook on
every database connection (`connection.execute_wrappers`) that looks at each
statement's verb and table, so no write path can forget it.

A reader reads the token (one query) and looks the part up under a key made
of the token and everything else the part depends on, which the caller names
(`vary`: year, unit, the viewer's visibility...), plus the active language and
today's date. So:
- a change is seen by the next request: its commit carries a new token;
- a transaction never serves what it has since changed: each of its writes
  replaces the token again;
- a token is random, never a counter: a rolled-back transaction, a restored
  backup or a test's rollback never brings back a token whose cached parts
  described other data;
- `migrate` (every deployment runs it) replaces the token, so new code never
  serves parts rendered by the old.
What the hook cannot see is a write from outside the portal (psql by hand):
`manage.py rebuild_attainment` after one, or wait for PAGE_CACHE_SECONDS.

On PostgreSQL a write to these tables first takes the precomputed
attainment's transaction-level advisory lock, before the rows it writes and
before the token's row: every writer takes its locks in that order, so two
never wait for each other in opposite orders. Writers of these tables
serialise from their first write to their commit, as writers of the
attainment already did.

Settings: PAGE_CACHE_SECONDS (0 turns the cache off) and the `default` cache
(CACHE_URL: Redis shared by every app server in production, memory of each
process otherwise).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation

from indicators.summary import WRITERS_LOCK_KEY as LOCK_KEY
from indicators.summary import lock_writers

T = TypeVar("T")
logger = logging.getLogger(__name__)

WATCHED_APPS = ("institutions", "indicators", "reports")
# Tables no cached part reads and that change often on their own: a build's
# progress, the reminders' log. (The token's own table goes without saying.)
UNWATCHED_MODELS = ("reports.ReportJob", "indicators.ReminderLog", "reports.DataVersion")
WRITES = ("INSERT", "UPDATE", "DELETE")
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"

_MISSING = object()
_active = True  # off while `migrate` runs: the token's table may not exist yet
_watched: frozenset[str] | None = None


def _table() -> str:
    from reports.models import DataVersion

    return DataVersion._meta.db_table


def watched_tables() -> frozenset[str]:
    """Tables whose writes replace the token (computed once)."""
    global _watched
    if _watched is None:
        skip = {apps.get_model(label)._meta.db_table for label in UNWATCHED_MODELS}
        _watched = (
            frozenset(
                model._meta.db_table
                for label in WATCHED_APPS
                for model in apps.get_app_config(label).get_models(include_auto_created=True)
            )
            - skip
        )
    return _watched


def written_table(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, else None."""
    words = sql.lstrip()[:200].split(None, 3)
    if not words or words[0].upper() not in WRITES:
        return None
    verb = words[0].upper()
    index = 1 if verb == "UPDATE" else 2  # INSERT INTO t, DELETE FROM t
    if len(words) <= index:
        return None
    return words[index].split("(", 1)[0].strip('"`[]')


def _upsert_sql(placeholder: str = "%s") -> str:
    return (
        f"INSERT INTO {_table()} (id, token) VALUES (1, {placeholder}) "
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
    )


def _new_token() -> str:
    return secrets.token_hex(16)


def replace_token(using: str = "default") -> None:
    """Give the data a new version (in the caller's transaction, if any)."""
    lock_writers(using)
    with connections[using].cursor() as cursor:
        cursor.execute(_upsert_sql(), [_new_token()])


def _around_writes(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    """The hook: a write to a watched table takes the lock first (PostgreSQL),
    then replaces the token. Its own statements run on a cursor of their own
    (the write's cursor still holds what the write returned), straight on the
    driver's connection, in the same transaction: query captures do not count them."""
    if not _active or written_table(sql) not in watched_tables():
        return execute(sql, params, many, context)
    connection = context["connection"]
    postgresql = connection.vendor == "postgresql"
    raw = connection.connection  # the driver's (psycopg2, sqlite3) connection
    if postgresql:
        with raw.cursor() as cursor:
            cursor.execute(LOCK_SQL, [LOCK_KEY])
    result = execute(sql, params, many, context)
    cursor = raw.cursor()
    try:
        cursor.execute(_upsert_sql("%s" if postgresql else "?"), [_new_token()])
    finally:
        cursor.close()
    return result


def watch_connection(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """`connection_created` receiver: put the hook on the connection (once)."""
    if _around_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_around_writes)


def pause_for_migrate(**_kwargs: Any) -> None:
    global _active
    _active = False


def resume_after_migrate(using: str = "default", **_kwargs: Any) -> None:
    """`post_migrate` receiver: hook on again, and a new token (the new code
    may render differently), once the token's table exists."""
    global _active
    _active = True
    if _table() in connections[using].introspection.table_names():
        replace_token(using)


def data_version(using: str = "default") -> str | None:
    """The current token, or None before there is one. One query."""
    from reports.models import DataVersion

    return DataVersion.objects.using(using).filter(pk=1).values_list("token", flat=True).first()


def _part_key(name: str, token: str, vary: Sequence[object]) -> str:
    parts = [translation.get_language() or "", timezone.localdate().isoformat(), *map(_text, vary)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"part:{name}:{token}:{digest}"


def _text(value: object) -> str:
    """A stable spelling of one `vary` value (sets sorted, so that two
    processes write the same key)."""
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(_text(v) for v in value)) + "}"
    if isinstance(value, tuple | list):
        return "(" + ",".join(_text(v) for v in value) + ")"
    if value is None or isinstance(value, str | int | bool):
        return repr(value)
    raise TypeError(f"vary takes str, int, bool, None, tuples and sets, not {type(value)!r}")


def cached_part(name: str, vary: Iterable[object], build: Callable[[], T]) -> T:
    """`build()`, or what it returned for the same `name` and `vary` on the same
    data, language and day. One query (the token) on a hit; the token and
    `build`'s own on a miss. A cache that does not answer (Redis down) costs
    the build, never the page."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return build()
    token = data_version()
    if token is None:
        return build()
    key = _part_key(name, token, list(vary))
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # the backend's own errors differ (redis, memcached...)
        logger.warning("Bộ nhớ đệm không trả lời / cache unavailable: %s", name, exc_info=True)
        return build()
    if value is _MISSING:
        value = build()
        # Under the token read first: had the data changed meanwhile, that key
        # is already one nobody asks for.
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("Bộ nhớ đệm không nhận / cache unavailable: %s", name, exc_info=True)
    return value
