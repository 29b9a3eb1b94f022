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
        proxy_headers=False,  # the app believes X-Forwarded-* only from TRUSTED_PROXIES (crowd.proxies)
        log_level="info",
        # a line per request costs the server CPU on every request (a reverse proxy usually logs them)
        access_log=getattr(args, "access_log", False),
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    _database(settings).dispose()
    print("The database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.demo import build_demo

    database = _database(settings)
    progress = _progress_printer()
    try:
        summary = build_demo(database, participants=args.participants, seed=args.seed, progress=progress)
    except ValueError as error:
        print(f"crowd demo: {error}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    print(summary)
    if summary.created:
        from crowd.demo.journey import build_demo_journey

        print(build_demo_journey(database, base_url=settings.base_url))
        from crowd.demo.integrations import build_demo_integrations

        print(build_demo_integrations(database))
        from crowd.demo.participation import build_demo_participation

        print(build_demo_participation(database, seed=args.seed))
    return 0


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from crowd.models import Access
    from crowd.services.people import participants

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
    from crowd.services.errors import DomainError
    from crowd.services.streams import imports
    from crowd.services.streams.readers import MAX_BYTES, too_large_message

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


def cmd_themes_run(args: argparse.Namespace, settings: Settings) -> int:
    """Queue and execute a theme run here, with a terminal progress bar (no web server needed)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
    from sqlmodel import select

    from crowd.models import Workshop
    from crowd.services.errors import DomainError
    from crowd.services.themes import runs as theme_runs

    database = _database(settings)
    try:
        with database.read() as session:
            statement = select(Workshop).order_by(Workshop.id)
            if args.workshop:
                statement = statement.where(Workshop.slug == args.workshop)
            targets = [(w.id, w.slug) for w in session.exec(statement)]
        if not targets:
            missing = f"No workshop with the slug {args.workshop!r}." if args.workshop else "No workshops."
            print(missing, file=sys.stderr)
            return 2
        params = theme_runs.parse_params(min_cluster_size=args.min_cluster_size or "")
        worst = 0
        for workshop_id, slug in targets:
            try:
                with database.write() as session:
                    run = theme_runs.start_run(session, workshop_id=workshop_id, actor_id=None, params=params)
            except DomainError as error:  # e.g. a run of this workshop is already queued or running
                print(f"{slug}: refused: {error.message}", file=sys.stderr)
                worst = 1
                continue
            columns = (
                TextColumn(f"[bold]{slug}[/] run {run.id}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
            )
            with Progress(*columns) as bar:
                task = bar.add_task("Queued", total=100)

                def show(percent: int, step: str, bar=bar, task=task) -> None:
                    bar.update(task, completed=percent, description=step)

                if theme_runs.claim(database, run_id=run.id):
                    done = theme_runs.execute_run(database, run_id=run.id, on_progress=show)
                else:  # a worker process took it first: follow its progress
                    done = theme_runs.wait_for(database, run_id=run.id, on_progress=show)
            print(f"{slug}: run {done.id} {done.status.value}: {done.message}")
            if done.counts:
                print("  counts: " + ", ".join(f"{k} {v}" for k, v in done.counts.items()))
            if done.timings:
                print("  seconds: " + ", ".join(f"{k} {v}" for k, v in done.timings.items()))
            worst = max(worst, 1 if done.status.value == "failed" else 0)
        return worst
    except DomainError as error:
        print(f"Theme run refused: {error.message}", file=sys.stderr)
        return 1
    finally:
        database.dispose()


def cmd_themes_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from clustering.evaluate import main as evaluate

    extra = ["--vectors", args.vectors] if args.vectors else []
    extra += ["--reference"] if args.reference else []
    return evaluate([args.csv, "--embedder", args.embedder, *extra])


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """The long-lived worker: theme runs and embeddings, with the model and UMAP kept warm."""
    import logging

    from crowd.worker import Worker, warm_up_umap

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    database = _database(settings)
    worker = Worker(database, poll_seconds=args.poll, settings=settings)
    print(f"Loading the embedding model ({worker.model.name})...", flush=True)
    if not args.no_warm_up:
        print("Compiling UMAP once (about a minute)...", flush=True)
        print(f"UMAP ready in {warm_up_umap():.0f} s. Waiting for work.", flush=True)
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        worker.stop()
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

    report.close = lambda: state.get("bar") and state["bar"].stop()
    return report


def cmd_opinions_run(args: argparse.Namespace, settings: Settings) -> int:
    """Analyse the votes of one workshop (or every workshop) now and store each result as a run."""
    from sqlmodel import select

    from crowd.models import OpinionRunStatus, Workshop
    from crowd.services.errors import DomainError
    from crowd.services.opinions import runs as opinions

    database = _database(settings)
    try:
        with database.read() as session:
            statement = select(Workshop).order_by(Workshop.id)
            if args.workshop:
                statement = statement.where(Workshop.slug == args.workshop)
            targets = [(w.id, w.slug) for w in session.exec(statement)]
        if not targets:
            print(
                f"No workshop with the slug {args.workshop!r}." if args.workshop else "No workshops.",
                file=sys.stderr,
            )
            return 2
        failed = False
        for workshop_id, slug in targets:
            try:
                run = opinions.start_run(database, workshop_id=workshop_id, actor_id=None, background=False)
            except DomainError as error:
                print(f"{slug}: refused: {error.message}", file=sys.stderr)
                failed = True
                continue
            failed = failed or run.status == OpinionRunStatus.FAILED
            seconds = run.timings.get("total", 0.0)
            print(f"{slug}: run {run.id}: {run.status.value}: {run.message} ({seconds:.2f} s)")
        return 1 if failed else 0
    finally:
        database.dispose()


def cmd_opinions_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from opinions.evaluate import run

    return run(args)


def cmd_import_polis(args: argparse.Namespace, settings: Settings) -> int:
    """crowd import-polis DIR --workshop SLUG: a Pol.is export as a new closed workshop, all or nothing."""
    from crowd.services.errors import DomainError
    from crowd.services.streams import polis

    folder = Path(args.dir)
    files = {name: (folder / name).read_bytes() for name in polis.FILES if (folder / name).is_file()}
    if not folder.is_dir() or "comments.csv" not in files:
        print(f"{folder} is not a Pol.is export: it needs comments.csv and votes.csv", file=sys.stderr)
        return 2
    database = _database(settings)
    try:
        export = polis.read_export(files)
        with database.write() as session:
            workshop = polis.import_export(
                session, export=export, slug=args.workshop, title=args.title or "", actor_id=None
            )
            slug, ideas = workshop.slug, len(export.comments)
        people = len(export.people)
        print(f"Imported {ideas} comments, {people} participants and {len(export.votes)} votes as /w/{slug}.")
        if not export.has_times:
            print("The votes have no times: they are dated now.")
    except polis.PolisExportError as error:
        for name, line, message in error.problems:
            print(f"  {name} line {line}: {message}", file=sys.stderr)
        print("Import refused: nothing was imported.", file=sys.stderr)
        return 1
    except DomainError as error:
        print(f"Import refused: {error.message}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def _export_polis(database, args: argparse.Namespace) -> int:
    from crowd.services.streams import polis
    from crowd.services.workshop.workshops import get_workshop

    if not args.workshop:
        print("--workshop SLUG is needed for a Pol.is export.", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"--out must be a folder for a Pol.is export: {out} is a file.", file=sys.stderr)
        return 2
    with database.read() as session:
        files = polis.export_files(
            session, workshop=get_workshop(session, args.workshop, include_drafts=True)
        )
    out.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (out / name).write_bytes(body)
    print(f"Wrote {', '.join(files)} to {out}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """crowd export poster|document|data|report --out FILE: the same exports as the web, audited."""
    from crowd.services.errors import DomainError
    from crowd.services.exports import run as exports
    from exports.errors import ExportError

    out = Path(args.out)
    suffix = out.suffix.lower().lstrip(".")
    allowed = {"poster": exports.POSTER_FORMATS, "document": exports.DOCUMENT_FORMATS, "data": ("zip",),
               "report": exports.REPORT_FORMATS, "polis": (suffix,)}[args.what]  # fmt: skip
    if suffix not in allowed:
        print(f"--out must end in .{' or .'.join(allowed)} for a {args.what} export.", file=sys.stderr)
        return 2
    database = _database(settings)
    try:
        if args.what == "polis":
            return _export_polis(database, args)
        if args.what == "data":
            summary = _export_data(database, settings, args, out)
            print(f"Wrote {out}: " + ", ".join(f"{n:,} {table}" for table, n in summary.rows.items()))
            return 0
        if args.what == "poster":
            options = exports.PosterOptions(version=args.version, paper=args.paper, theme=args.theme, fmt=suffix,
                                            draft=args.draft)  # fmt: skip
            export = exports.export_poster(
                database, settings=settings, actor=None, options=options, via="cli"
            )
        elif args.what == "document":
            options = exports.DocumentOptions(version=args.version, fmt=suffix)
            export = exports.export_document(database, actor=None, options=options, via="cli")
        else:
            from rich.console import Console

            workshop_id = _workshop_id(database, args.workshop)
            with Console(stderr=True).status("Drawing the charts..."):
                options = exports.ReportOptions(workshop_id=workshop_id, fmt=suffix)
                export = exports.export_report(
                    database, actor=None, options=options, via="cli", threshold=settings.small_cell_threshold
                )
        out.write_bytes(export.body or b"")
        print(f"Wrote {out} ({export.size:,} bytes)")
        return 0
    except (DomainError, ExportError) as error:
        print(f"Export refused: {getattr(error, 'message', error)}", file=sys.stderr)
        return 1
    finally:
        database.dispose()


def _workshop_id(database, slug: str | None) -> int | None:
    from sqlmodel import select

    from crowd.models import Workshop
    from crowd.services.errors import DomainError

    if not slug:
        return None
    with database.read() as session:
        found = session.exec(select(Workshop.id).where(Workshop.slug == slug)).first()
    if found is None:
        raise DomainError(f"No workshop with the slug {slug!r}.")
    return found


def _export_data(database, settings: Settings, args: argparse.Namespace, out: Path):
    """The data zip with a rich progress bar per table (rows written of rows expected)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from crowd.services.exports import data as export_data
    from crowd.services.exports import run as exports

    workshop_id = _workshop_id(database, args.workshop)
    with database.read() as session:
        totals = export_data.table_totals(session, workshop_id=workshop_id)
    columns = (TextColumn("{task.description:24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as bar:
        tasks: dict[str, int] = {}

        def show(table: str, rows: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=totals.get(table) or None)
            bar.update(tasks[table], completed=rows, total=max(rows, totals.get(table) or rows))

        options = exports.DataOptions(workshop_id=workshop_id, full=args.full)
        _, summary = exports.export_data(database, settings=settings, actor=None, options=options, out=out,
                                         progress=show, via="cli")  # fmt: skip
    return summary


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="crowd", description="Co-create a declaration with the crowd.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log a line for every request (off: errors and start-up only)",
    )
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
    themes = commands.add_parser("themes", help="theme runs: run the pipeline, or evaluate it on a CSV")
    themes_commands = themes.add_subparsers(dest="themes_command", required=True)
    themes_run = themes_commands.add_parser("run", help="run the theme pipeline now, with a progress bar")
    themes_run.add_argument("--workshop", metavar="SLUG", help="one workshop (default: every workshop)")
    themes_run.add_argument("--min-cluster-size", default="", help="smallest theme size (default: automatic)")
    themes_run.set_defaults(run=cmd_themes_run)
    themes_evaluate = themes_commands.add_parser(
        "evaluate", help="score the pipeline on a labelled CSV (text,label)"
    )
    themes_evaluate.add_argument("csv", metavar="FILE.csv")
    themes_evaluate.add_argument("--embedder", choices=["onnx", "torch"], default="onnx")
    themes_evaluate.add_argument("--vectors", help="precomputed embeddings (.npy, one row per CSV row)")
    themes_evaluate.add_argument(
        "--reference", action="store_true", help="also score k-means told the number of classes"
    )
    themes_evaluate.set_defaults(run=cmd_themes_evaluate)

    worker = commands.add_parser("worker", help="run the long-lived theme and embedding worker")
    worker.add_argument("--poll", type=float, default=2.0, help="seconds between polls when idle")
    worker.add_argument("--no-warm-up", action="store_true", help="skip compiling UMAP at start")
    worker.set_defaults(run=cmd_worker)
    # opinions
    opinions_parser = commands.add_parser(
        "opinions", help="opinion map: analyse votes, or evaluate on a Pol.is export"
    )
    opinions_commands = opinions_parser.add_subparsers(dest="opinions_command", required=True)
    opinions_run = opinions_commands.add_parser("run", help="analyse the votes now and store the run")
    opinions_run.add_argument("--workshop", metavar="SLUG", help="one workshop (default: every workshop)")
    opinions_run.set_defaults(run=cmd_opinions_run)
    opinions_evaluate = opinions_commands.add_parser(
        "evaluate", help="reproduce Pol.is's groups on its export and compare with its group-id"
    )
    opinions_evaluate.add_argument(
        "file", type=Path, help="a Pol.is export folder, or its participants-votes.csv or votes.csv"
    )
    opinions_evaluate.add_argument(
        "--comments", type=Path, help="Pol.is comments.csv: moderated-out (and is-meta) comments are zeroed"
    )
    opinions_evaluate.add_argument("--votes", type=Path, help="Pol.is votes.csv, for vote times")
    opinions_evaluate.add_argument(
        "--meta", default="", metavar="IDS", help="meta comment ids, comma-separated (older exports)"
    )
    opinions_evaluate.add_argument("--replay", action="store_true", help="replay votes.csv by timestamp")
    opinions_evaluate.add_argument("--poll-seconds", type=float, default=1.0, help="replay batch (default 1)")
    opinions_evaluate.add_argument(
        "--restart-hours", type=float, default=24.0, help="replay: worker restarts every H hours (0: never)"
    )
    opinions_evaluate.add_argument("--seed", type=int, default=0, help="seed of the random PCA start")
    opinions_evaluate.set_defaults(run=cmd_opinions_evaluate)
    import_polis = commands.add_parser("import-polis", help="bring a Pol.is export in as a new workshop")
    import_polis.add_argument(
        "dir", help="the export's folder: comments.csv, votes.csv or participants-votes.csv"
    )
    import_polis.add_argument("--workshop", required=True, help="the new workshop's slug")
    import_polis.add_argument("--title", help="the workshop's title (default: the conversation's topic)")
    import_polis.set_defaults(run=cmd_import_polis)
    export = commands.add_parser(
        "export", help="export the poster, document, data, engagement report or Pol.is files"
    )
    export.add_argument("what", choices=["poster", "document", "data", "report", "polis"])
    export.add_argument(
        "--out", required=True, help="the file to write (its suffix picks the format), or for polis a folder"
    )
    export.add_argument("--version", type=int, help="published version (default: the latest)")
    export.add_argument("--paper", choices=["a3", "a4"], default="a3", help="poster paper size")
    export.add_argument("--theme", choices=["nhs-blue", "warm", "high-contrast"], default="nhs-blue")
    export.add_argument("--draft", action="store_true", help="poster of the current draft, marked DRAFT")
    export.add_argument("--workshop", help="data or report of one workshop (its slug); default: all")
    export.add_argument("--full", action="store_true", help="data with names and emails (audited)")
    export.set_defaults(run=cmd_export)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
