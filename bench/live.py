"""Live event load: 300 phones answer an open-text question within 10 seconds while the presenter polls.

Starts its own server (uvicorn, one worker, on a fresh temporary SQLite database), creates a workshop, a
lead, and a live event with an open question. Each simulated attendee has its own cookie jar: it loads
the join page (session, device id and CSRF token), then posts its answer over htmx at a random moment
in the window. The presenter's results partial is polled every second, as the presenter page does.

Reports answers_per_s (acknowledged answers / time from the first to the last acknowledgement),
p99_ms (answer POST latency), presenter_refresh_ms (p99 response time of the presenter partial under
load), presenter_lag_ms (p99 and max time from an answer's acknowledgement to the first presenter
refresh showing it), lost (acknowledged answers not stored). The last line printed is one JSON object.

    .venv/bin/python bench/live.py [--attendees 300] [--window 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from crowd.db import Database, create_all  # noqa: E402
from crowd.devserver import UVICORN, free_port, launch  # noqa: E402
from crowd.models import Access, CareRole, Contribution, LiveAnswer, OutboxMessage, Participant, Stream  # noqa: E402
from crowd.models._base import utcnow  # noqa: E402
from crowd.services.streams import live  # noqa: E402
from crowd.services.workshop import workshops  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK_TOKEN = re.compile(r'name="token" value="([^"]+)"')  # the sign-in confirm page's form
TOTAL = re.compile(r'data-total="(\d+)"')
LEAD_EMAIL = "lead@example.org"


def prepare(url: str) -> tuple[str, int]:
    """A workshop, a lead with a profile, and an event whose open-text question is open."""
    database = Database(url)
    create_all(database.engine)
    with database.write() as session:
        form = workshops.WorkshopForm(title="Network event workshop", intro="Live answers land here.")
        form.status = "open"
        workshop = workshops.save_workshop(session, actor_id=None, form=form)
        lead = Participant(
            email=LEAD_EMAIL, display_name="Lead", role=CareRole.STAFF, borough="Hackney",
            consent_privacy_at=utcnow(), access=Access.LEAD,
        )  # fmt: skip
        session.add(lead)
        event = live.create_event(session, actor_id=None, workshop_id=workshop.id, title="Bench event")
        question = live.add_question(
            session, actor_id=None, event_id=event.id,
            draft=live.QuestionDraft(prompt="What is the most interesting thing you heard?", kind="open_text"),
        )  # fmt: skip
        live.set_open(session, actor_id=None, event_id=event.id, question_id=question.id)
        code, question_id = event.code, question.id
    database.dispose()
    return code, question_id


def start_server(url: str, port: int, workdir: str, workers: int) -> subprocess.Popen:
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "x" * 40,
        "ENVIRONMENT": "development",
        "EMBEDDINGS_ENABLED": "false",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATA_DIR": workdir,
    }
    command = [*UVICORN, "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    try:
        return launch(env, port=port, log_path=Path(workdir) / "server.log", command=command)
    except RuntimeError as error:
        raise SystemExit(str(error)) from None


def sign_in_lead(base: str, url: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    token = CSRF.search(client.get("/auth/sign-in").text).group(1)
    client.post("/auth/sign-in", data={"email": LEAD_EMAIL, "csrf_token": token})
    database = Database(url)
    with database.read() as session:
        body = session.exec(select(OutboxMessage).where(OutboxMessage.to == LEAD_EMAIL)).all()[-1].body
    database.dispose()
    link = re.search(r"(/auth/verify\?token=\S+)", body).group(1)
    page = client.get(link).text  # the confirm page; its button signs in
    form = {"token": LINK_TOKEN.search(page).group(1), "csrf_token": CSRF.search(page).group(1)}
    assert client.post("/auth/verify", data=form).status_code in (200, 303)
    return client


class Phone:
    """One attendee's browser: its own cookie jar over a shared connection pool (no TLS set-up per phone)."""

    def __init__(self, transport: httpx.AsyncHTTPTransport, base: str) -> None:
        self.transport, self.base, self.cookies = transport, base, httpx.Cookies()

    async def send(self, method: str, path: str, **kwargs) -> httpx.Response:
        request = httpx.Request(method, self.base + path, **kwargs)
        self.cookies.set_cookie_header(request)
        response = await self.transport.handle_async_request(request)
        await response.aread()
        response.request = request
        self.cookies.extract_cookies(response)
        return response


async def attendee(
    transport, base: str, code: str, question_id: int, delay: float, n: int, acks: list, fails: list
) -> None:
    """One phone: load the join page (session, device id, CSRF token), then answer over htmx."""
    phone = Phone(transport, base)
    await asyncio.sleep(delay)
    try:
        page = await phone.send("GET", f"/live/{code}")
        token = CSRF.search(page.text).group(1)
        started = time.perf_counter()
        response = await phone.send(
            "POST",
            f"/live/{code}/answer",
            data={
                "csrf_token": token,
                "question_id": str(question_id),
                "answer": f"Attendee {n} heard about care",
            },
            headers={"HX-Request": "true"},
        )
    except (httpx.HTTPError, AttributeError) as error:
        fails.append(type(error).__name__)
        return
    done = time.perf_counter()
    if response.status_code == 200 and "your answer is in" in response.text:
        acks.append((done, (done - started) * 1000))
    else:
        fails.append(str(response.status_code))


async def presenter(base: str, code: str, cookies, stop: asyncio.Event, polls: list) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120, cookies=cookies) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = await client.get(f"/live/{code}/results", headers={"HX-Request": "true"})
            done = time.perf_counter()
            polls.append((started, done, int(TOTAL.search(response.text).group(1))))
            await asyncio.sleep(max(0.0, 1.0 - (done - started)))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_load(base: str, code: str, question_id: int, cookies, attendees: int, window: float) -> dict:
    acks: list[tuple[float, float]] = []
    fails: list[int] = []
    polls: list[tuple[float, float, int]] = []
    stop = asyncio.Event()
    rng = random.Random(7)
    poller = asyncio.create_task(presenter(base, code, cookies, stop, polls))
    began = time.perf_counter()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncHTTPTransport(limits=limits) as transport:
        await asyncio.gather(
            *(
                attendee(transport, base, code, question_id, rng.uniform(0, window - 1.5), n, acks, fails)
                for n in range(attendees)
            )
        )
    finished = time.perf_counter()
    await asyncio.sleep(2.2)  # let the presenter show the last answers
    stop.set()
    await poller
    ack_times = sorted(t for t, _ in acks)
    lags = []
    for rank, acked_at in enumerate(ack_times, start=1):
        shown = next((done for started, done, total in polls if started >= acked_at and total >= rank), None)
        if shown is not None:
            lags.append((shown - acked_at) * 1000)
    span = (ack_times[-1] - ack_times[0]) if len(ack_times) > 1 else 1.0
    return {
        "acks": len(acks),
        "fails": fails,
        "elapsed_s": round(finished - began, 2),
        "answers_per_s": round(len(acks) / span, 1),
        "p50_ms": round(percentile([ms for _, ms in acks], 0.5), 1),
        "p99_ms": round(percentile([ms for _, ms in acks], 0.99), 1),
        "presenter_refresh_ms": round(percentile([(d - s) * 1000 for s, d, _ in polls], 0.99), 1),
        "presenter_polls": len(polls),
        "presenter_lag_ms_p99": round(percentile(lags, 0.99), 1),
        "presenter_lag_ms_max": round(max(lags, default=0.0), 1),
        "answers_never_shown": len(ack_times) - len(lags),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--window", type=float, default=10.0, help="seconds in which everyone answers")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.db'}"
        code, question_id = prepare(url)
        port = free_port()
        server = start_server(url, port, workdir, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            lead = sign_in_lead(base, url)
            cpu_before = cpu_seconds(server.pid)
            figures = asyncio.run(
                run_load(base, code, question_id, lead.cookies, args.attendees, args.window)
            )
            server_cpu = cpu_seconds(server.pid) - cpu_before
            lead.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        database = Database(url)
        with database.read() as session:
            stored = session.exec(select(func.count()).where(LiveAnswer.question_id == question_id)).one()
            notes = session.exec(select(func.count()).where(Contribution.stream == Stream.EVENT)).one()
        database.dispose()
    result = {
        "attendees": args.attendees,
        "window_s": args.window,
        **{k: v for k, v in figures.items() if k != "fails"},
        "refused": len(figures["fails"]),
        "refusals": sorted(set(figures["fails"])),
        "stored": stored,
        "event_notes": notes,
        "lost": max(0, figures["acks"] - stored),
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_ms_per_attendee": round(server_cpu * 1000 / max(1, figures["acks"]), 1),
        "server": f"uvicorn, {args.workers} worker(s), SQLite (WAL)",
        "load_average_1m": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
