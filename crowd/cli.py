"""The `crowd` command: serve, demo, users, backup, restore, migrate (and more as areas are added)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crowd.settings import Settings


def _database(settings: Settings):
    from crowd.db import Database

    database = Database(settings.database_url)
    database.migrate()
    return database


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    _database(settings).dispose()
    uvicorn.run(
        "crowd.app:from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    _database(settings).dispose()
    print("The database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.demo import build_demo

    database = _database(settings)
    summary = build_demo(
        database, participants=args.participants, seed=args.seed, progress=_progress_printer()
    )
    print(summary)
    return 0


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.models import Access
    from crowd.services import participants

    database = _database(settings)
    if args.email:
        try:
            level = Access(args.access)
        except ValueError:
            print(f"Access must be one of: {', '.join(a.value for a in Access)}", file=sys.stderr)
            return 2
        with database.write() as session:
            participants.set_access(session, actor_id=None, email=args.email, access=level)
        print(f"{args.email} is now {level.value}.")
    with database.read() as session:
        for account in participants.staff_accounts(session):
            print(f"{account.access.value:12} {account.email}")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.services.backup import backup

    database = _database(settings)
    counts = backup(database.engine, Path(args.out))
    print(f"Wrote {sum(counts.values())} rows from {len(counts)} tables to {args.out}")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.services.backup import restore

    database = _database(settings)
    try:
        counts = restore(database.write_engine, Path(args.file))
    except (ValueError, OSError) as error:
        print(f"Restore refused: {error}", file=sys.stderr)
        return 1
    print(f"Restored {sum(counts.values())} rows into {len(counts)} tables.")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import select

    from crowd.models import Stream, Workshop
    from crowd.services import imports
    from crowd.services.errors import DomainError
    from crowd.services.import_readers import MAX_BYTES, too_large_message

    path = Path(args.file)
    if not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return 2
    if path.stat().st_size > MAX_BYTES:
        print(f"Import refused: {too_large_message(path.stat().st_size)}", file=sys.stderr)
        return 1
    database = _database(settings)
    try:
        with database.write() as session:
            workshop = session.exec(select(Workshop).where(Workshop.slug == args.workshop)).first()
            if workshop is None:
                raise DomainError(f"No workshop with the slug {args.workshop!r}.")
            batch = imports.prepare(
                session,
                workshop_id=workshop.id,
                filename=path.name,
                data=path.read_bytes(),
                default_stream=Stream(args.stream),
                actor_id=None,
            )
            print(f"{path.name}: {batch.file_format}, {batch.encoding or 'binary'}; {batch.note_count} notes")
            for problem in batch.problems:
                print(f"  line {problem['line']}: {problem['message']}", file=sys.stderr)
            if batch.problems:
                raise DomainError(f"{len(batch.problems)} problem(s): nothing was imported.")
            if args.dry_run:
                session.rollback()
                print("Dry run: nothing was imported.")
                return 0
            imports.confirm(session, batch_id=batch.id, actor_id=None)
            print(f"Imported {batch.note_count} notes as batch #{batch.id}.")
    except DomainError as error:
        print(f"Import refused: {error.message}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def _progress_printer():
    from rich.progress import Progress

    state: dict[str, object] = {}

    def report(step: str, done: int, total: int) -> None:
        if "bar" not in state:
            progress = Progress(transient=False)
            progress.start()
            state["bar"] = progress
        progress = state["bar"]
        task = state.get(step)
        if task is None:
            task = progress.add_task(step, total=total)
            state[step] = task
        progress.update(task, completed=done, total=total)
        if done >= total:
            progress.refresh()

    report.close = lambda: state.get("bar") and state["bar"].stop()  # type: ignore[attr-defined]
    return report


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="crowd", description="Co-create a declaration with the crowd.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(run=cmd_migrate)

    demo = commands.add_parser("demo", help="fill the database with a realistic demo workshop")
    demo.add_argument("--participants", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2016)
    demo.set_defaults(run=cmd_demo)

    users = commands.add_parser("users", help="list staff accounts, or give EMAIL an access level")
    users.add_argument("email", nargs="?")
    users.add_argument("access", nargs="?", default="moderator")
    users.set_defaults(run=cmd_users)

    backup = commands.add_parser("backup", help="write every table to a gzipped JSON-lines file")
    backup.add_argument("--out", default="crowd-backup.jsonl.gz")
    backup.set_defaults(run=cmd_backup)

    restore = commands.add_parser("restore", help="load a backup into an empty database")
    restore.add_argument("file")
    restore.set_defaults(run=cmd_restore)

    # streams
    importer = commands.add_parser("import", help="import focus group notes or literature excerpts")
    importer.add_argument("file", help="a .csv, .xlsx, .txt or .md file")
    importer.add_argument("--workshop", required=True, help="the workshop's slug")
    importer.add_argument("--stream", required=True, choices=["focus_group", "literature"])
    importer.add_argument("--dry-run", action="store_true", help="check the file and store nothing")
    importer.set_defaults(run=cmd_import)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
