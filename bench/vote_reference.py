"""The reference vote endpoint bench/votes.py measures crowd against: the least a correct vote endpoint does.

Plain Starlette and the standard library's sqlite3 (WAL, synchronous=NORMAL, as crowd's SQLite set-up),
one transaction per vote: read the person's previous choice, upsert the vote, move the item's counts by
the difference, commit. No templates, no session signing, no CSRF, no rate limits, no ORM: whatever crowd
spends beyond this is what its ratio measures. It speaks the bench's client shape: `GET /auth/verify?
token=PID` sets a `pid` cookie, `GET /privacy` shows a csrf_token field, `POST /c/ID/vote` (form field
`choice`) answers a small widget marking the chosen button as crowd's partial does.

    python -m uvicorn --app-dir bench vote_reference:create_app --factory   # REFERENCE_DB=path.db
"""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

CHOICES = ("agree", "disagree", "pass")
SCHEMA = """
CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, agree INTEGER NOT NULL DEFAULT 0,
    disagree INTEGER NOT NULL DEFAULT 0, pass INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS vote (participant_id INTEGER NOT NULL, item_id INTEGER NOT NULL REFERENCES item(id),
    choice TEXT NOT NULL, PRIMARY KEY (participant_id, item_id));
"""


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def seed(path: str, items: int) -> list[int]:
    """A fresh reference database with `items` items; their ids."""
    connection = connect(path)
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO item (id) VALUES (?)", [(n,) for n in range(1, items + 1)])
    connection.close()
    return list(range(1, items + 1))


def stored(path: str) -> tuple[dict[tuple[int, int], str], dict[int, tuple[int, int, int]]]:
    """Every vote row and every item's counts, for the bench's checks."""
    connection = connect(path)
    votes = {(p, i): c for p, i, c in connection.execute("SELECT participant_id, item_id, choice FROM vote")}
    counts = {i: (a, d, p) for i, a, d, p in connection.execute("SELECT id, agree, disagree, pass FROM item")}
    connection.close()
    return votes, counts


def create_app() -> Starlette:
    db = connect(os.environ["REFERENCE_DB"])

    def cast(participant_id: int, item_id: int, choice: str) -> tuple[int, int, int] | None:
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "SELECT i.agree, i.disagree, i.pass, v.choice FROM item i LEFT JOIN vote v"
                " ON v.item_id = i.id AND v.participant_id = ? WHERE i.id = ?",
                (participant_id, item_id),
            ).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                return None
            counts = dict(zip(CHOICES, row[:3], strict=True))
            old = row[3]
            if old != choice:
                db.execute(
                    "INSERT INTO vote (participant_id, item_id, choice) VALUES (?, ?, ?)"
                    " ON CONFLICT (participant_id, item_id) DO UPDATE SET choice = excluded.choice",
                    (participant_id, item_id, choice),
                )
                if old:
                    counts[old] -= 1
                counts[choice] += 1
                db.execute(
                    'UPDATE item SET agree = ?, disagree = ?, "pass" = ? WHERE id = ?',
                    (*(counts[c] for c in CHOICES), item_id),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return counts["agree"], counts["disagree"], counts["pass"]

    async def vote(request: Request) -> Response:
        participant = request.cookies.get("pid")
        form = dict(parse_qsl((await request.body()).decode()))
        choice = form.get("choice", "")
        if not participant or choice not in CHOICES:
            return PlainTextResponse("bad vote", status_code=400)
        item_id = request.path_params["item_id"]
        counts = cast(int(participant), item_id, choice)  # on the loop: sqlite3 on one connection
        if counts is None:
            return PlainTextResponse("no such item", status_code=404)
        buttons = "".join(
            f'<button aria-pressed="{"true" if c == choice else "false"}" data-choice="{c}">{c} {n}</button>'
            for c, n in zip(CHOICES, counts, strict=True)
        )
        return HTMLResponse(f'<div id="votes-{item_id}">{buttons}</div>')

    def verify(request: Request) -> Response:
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("pid", str(int(request.query_params["token"])), httponly=True, samesite="lax")
        return response

    def privacy(request: Request) -> Response:
        return HTMLResponse('<input type="hidden" name="csrf_token" value="reference">')

    def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/c/{item_id:int}/vote", vote, methods=["POST"]),
            Route("/auth/verify", verify),
            Route("/privacy", privacy),
            Route("/healthz", healthz),
        ]
    )
