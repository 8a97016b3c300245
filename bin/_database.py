"""bin/backup and bin/restore: the whole portal is its database (issued reports and
built files are kept in it, bin/serve's machines share no disk), so a backup is one
file of the database that DATABASE_URL names (the same default as the settings):

- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore` in one
  transaction into an empty database (made if it does not exist yet);
- SQLite: a copy made with SQLite's online backup API, consistent even while the
  portal writes (copying the file could catch half a transaction).

Neither holds SECRET_KEY nor the signing certificate (REPORT_SIGNING_P12): keep
those with the deployment's other secrets. Reads no Django settings, so it needs no
SECRET_KEY. Messages in Vietnamese, then English."""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import environ

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'db.sqlite3'}"
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class Refused(Exception):
    """A clear reason to stop, shown as is, exit status 1."""


def database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    config = environ.Env.db_url_config(url)
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        config["kind"] = "sqlite"
    elif "postgresql" in engine:
        config["kind"] = "postgresql"
    else:
        raise Refused(
            "DATABASE_URL phải là sqlite:///đường/dẫn hoặc postgres://… "
            "/ DATABASE_URL must be sqlite:///path or postgres://…"
        )
    return config


def pg_environment(config: dict[str, Any], name: str | None = None) -> dict[str, str]:
    """libpq's variables: the password never appears in a process list."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if config.get(key):
            env[variable] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    env["PGDATABASE"] = name or config["NAME"]
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise Refused(
            f"{command[0]} không thành công / failed ({done.returncode}):\n{done.stderr.strip()}"
        )


def default_target(kind: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if kind == "postgresql" else "sqlite3"
    return ROOT / "backups" / f"gialai-{stamp}.{suffix}"


# --- backup -------------------------------------------------------------------


def backup(target: Path | None) -> Path:
    config = database()
    target = target or default_target(config["kind"])
    if target.exists():
        raise Refused(f"Tệp {target} đã có, không ghi đè / {target} exists, not overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if config["kind"] == "postgresql":
            run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(partial)],
                pg_environment(config),
            )
        else:
            sqlite_copy(Path(config["NAME"]), partial, source_must_exist=True)
        # Renamed only once complete: a file named like a backup is a whole one.
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def sqlite_copy(source: Path, target: Path, *, source_must_exist: bool) -> None:
    if not source.is_file():
        raise Refused(f"Không có cơ sở dữ liệu SQLite {source} / no SQLite database at {source}.")
    if source_must_exist and _head(source) != SQLITE_MAGIC:
        raise Refused(f"{source} không phải tệp SQLite / is not an SQLite file.")
    # Read-only: a backup never changes what it copies.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages copied under SQLite's own locking: one consistent state
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise Refused(f"Bản sao hỏng / the copy is damaged: {verdict}")
    finally:
        dst.close()
        src.close()


# --- restore ------------------------------------------------------------------


def restore(source: Path, *, replace: bool) -> str:
    config = database()
    if not source.is_file():
        raise Refused(f"Không có tệp {source} / no such file.")
    head = _head(source)
    expected = PG_MAGIC if config["kind"] == "postgresql" else SQLITE_MAGIC
    if not head.startswith(expected):
        other = "SQLite" if config["kind"] == "postgresql" else "PostgreSQL (pg_dump -Fc)"
        raise Refused(
            f"{source} không phải bản sao lưu {config['kind']} mà DATABASE_URL chỉ tới "
            f"(cần tệp {other}?) / {source} is not a backup of the kind DATABASE_URL names."
        )
    if config["kind"] == "postgresql":
        return pg_restore(config, source, replace=replace)
    return sqlite_restore(Path(config["NAME"]), source, replace=replace)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(16)


def pg_restore(config: dict[str, Any], source: Path, *, replace: bool) -> str:
    import psycopg2
    from psycopg2 import sql

    name = config["NAME"]
    params = {
        k: v
        for k, v in {
            "host": config.get("HOST"),
            "port": config.get("PORT"),
            "user": config.get("USER"),
            "password": config.get("PASSWORD"),
        }.items()
        if v
    }
    try:
        admin = psycopg2.connect(dbname="postgres", **params)
    except psycopg2.Error as exc:
        raise Refused(f"Không kết nối được PostgreSQL / cannot connect: {exc}".strip()) from exc
    admin.autocommit = True  # CREATE DATABASE runs outside a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    conn = psycopg2.connect(dbname=name, **params)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            (tables,) = cursor.fetchone()
    finally:
        conn.close()
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",  # all or nothing
        "-d",
        name,
    ]
    if tables:
        if not replace:
            raise Refused(
                f"Cơ sở dữ liệu {name} đã có {tables} bảng: không ghi đè. Khôi phục vào một "
                f"cơ sở dữ liệu mới, hoặc thêm --replace để thay toàn bộ nội dung. / Database "
                f"{name} has {tables} tables: restore into a new database, or pass --replace."
            )
        command += ["--clean", "--if-exists"]
    run([*command, str(source)], pg_environment(config, name))
    return f"PostgreSQL {name}"


def sqlite_restore(target: Path, source: Path, *, replace: bool) -> str:
    if target.exists() and target.stat().st_size and not replace:
        raise Refused(
            f"{target} đã có dữ liệu: không ghi đè. Khôi phục vào một tệp mới (DATABASE_URL), "
            f"hoặc dừng cổng rồi thêm --replace. / {target} holds data: restore into a new "
            f"file, or stop the portal and pass --replace."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copied beside the target, checked, then renamed over it in one step.
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    partial = Path(name)
    try:
        sqlite_copy(source, partial, source_must_exist=True)
        umask = os.umask(0)
        os.umask(umask)
        partial.chmod(0o666 & ~umask)  # as a file SQLite makes, not mkstemp's 0600
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    return f"SQLite {target}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"bin/{argv[0]}")
    if argv[0] == "backup":
        parser.add_argument("file", nargs="?", type=Path, help="default: backups/gialai-<time>.*")
    else:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="replace a database that holds data"
        )
    args = parser.parse_args(argv[1:])
    try:
        if argv[0] == "backup":
            done = backup(args.file)
            print(f"→ Đã sao lưu vào / backed up to {done} ({done.stat().st_size:,} bytes)")
            print("  SECRET_KEY và chứng thư ký số không có trong bản sao: giữ riêng.")
            print("  SECRET_KEY and the signing certificate are not in it: keep them apart.")
        else:
            where = restore(args.file, replace=args.replace)
            print(f"→ Đã khôi phục vào / restored into {where}")
            print("  Tiếp theo / next: python manage.py migrate (a backup of an older release)")
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
