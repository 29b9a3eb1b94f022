"""Build the demo: workshops, people, ideas and comments through the services, then votes and the poll.

Everything happens in one write transaction, so a failed build leaves nothing behind. Posts go through
`crowd.services` (validation, masking, comment counts) while the workshop is open; their times are then
moved onto a realistic timeline (most activity in the first hours after launch, a tail over the days
after). Votes are bulk inserted and the denormalised counts set from the same rows.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update
from sqlmodel import Session, select

from crowd.db import Database
from crowd.demo import draft, people
from crowd.demo.leanings import choose_vote
from crowd.demo.texts import Written, with_personal_data, write_comment, write_idea, write_off_topic
from crowd.demo.topics import SECTION_KEYS, TOPICS, Subtopic
from crowd.models import (
    Contribution,
    ContributionKind,
    Organisation,
    Participant,
    PollChoice,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)
from crowd.models._base import LONDON, utcnow
from crowd.services.errors import DomainError
from crowd.services.people import participants
from crowd.services.workshop import contributions, polls, workshops
from crowd.services.workshop.contributions import wilson_lower_bound

Progress = Callable[[str, int, int], None]

POSTS_PER_PARTICIPANT = 7.5
IDEA_SHARE = 0.4
SECTION_WEIGHTS = {"preamble": 10, "personal": 25, "boundaries": 24, "leaders": 21, "outcomes": 20}
POLL_SHARES = {
    PollChoice.COMPLETELY: 0.37,
    PollChoice.MOSTLY: 0.54,
    PollChoice.PARTLY: 0.07,
    PollChoice.NOT_AT_ALL: 0.02,
}
PERSONAL_DATA = ("nhs_number", "phone", "nhs_number", "phone")
HOUR = 3600.0
DAY = 24 * HOUR
VISIBILITY_SPREAD = 1.4  # log-normal sigma of how much attention a post gets
SPAN = timedelta(days=3, hours=12)  # from launch to the last post or vote


@dataclass
class DemoSummary:
    """What the build did; str() is the few lines `crowd demo` prints."""

    created: bool
    title: str = draft.TITLE
    slug: str = draft.SLUG
    participants: int = 0
    organisations: int = 0
    boroughs: int = 0
    ideas: int = 0
    comments: int = 0
    votes: int = 0
    poll_answers: int = 0
    support_share: float = 0.0
    masked: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.created:
            return (
                f'The demo workshop "{self.title}" is already in this database (at /w/{self.slug}).\n'
                "Nothing was added. To rebuild it, point DATABASE_URL at an empty database and run `crowd demo` again."
            )
        return "\n".join(
            (
                f'Built the demo workshop "{self.title}" in {self.seconds:.1f} s.',
                f"  {self.participants:,} participants from {self.organisations} organisations in {self.boroughs} boroughs",
                f"  {self.ideas:,} ideas and {self.comments:,} comments ({self.masked} with personal data masked)",
                f"  {self.votes:,} votes; {self.poll_answers:,} straw-poll answers, "
                f"{self.support_share:.0%} support the draft completely or mostly",
                "  Sign in as lead@example.org, moderator@example.org or admin@example.org: the magic link is",
                "  printed to the console and kept in the outbox at /admin/outbox.",
            )
        )


@dataclass
class Event:
    """A post to make: who, when (seconds after launch), where, and for comments which idea."""

    at: float
    author: int
    kind: ContributionKind
    section: str
    topic: Subtopic
    parent: Event | None = None
    off_topic: bool = False
    personal: str | None = None
    written: Written | None = None
    contribution: Contribution | None = None
    quality: float = 0.0
    counts: dict = field(default_factory=dict)


@dataclass
class Crowd:
    """The people of the demo, as specs and as saved rows, with when each arrived."""

    specs: list[people.PersonSpec]
    rows: list[Participant] = field(default_factory=list)
    arrival: list[float] = field(default_factory=list)


def build_demo(
    database: Database, *, participants: int = 300, seed: int = 2016, progress: Progress | None = None
) -> DemoSummary:
    """Fill a migrated database with the demo workshop; refuse (and change nothing) if it is there already."""
    if participants < 10:
        raise ValueError("The demo needs at least 10 participants.")
    started = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    with database.write() as session:
        if session.exec(select(Workshop).where(Workshop.slug == draft.SLUG)).first() is not None:
            return DemoSummary(created=False)
        summary = _build(session, count=participants, seed=seed, report=report)
        report("Saving", 0, 1)
    report("Saving", 1, 1)
    summary.seconds = time.perf_counter() - started
    return summary


def _build(session: Session, *, count: int, seed: int, report: Progress) -> DemoSummary:
    launch = _launch(utcnow())
    horizon = SPAN.total_seconds()

    workshop, sections = _workshops(session, launch=launch)
    crowd = _people(session, random.Random(f"{seed}:people"), count=count, horizon=horizon, report=report)
    events = _plan_posts(random.Random(f"{seed}:plan"), crowd=crowd, horizon=horizon)
    _post(session, random.Random(f"{seed}:texts"), workshop, sections, crowd, events, report=report)
    _flag_off_topic(session, random.Random(f"{seed}:flags"), crowd, events)
    votes = _vote(
        session, random.Random(f"{seed}:votes"), crowd, events, horizon=horizon, launch=launch, report=report
    )
    answers = _poll(
        session, random.Random(f"{seed}:poll"), workshop, crowd, horizon=horizon, launch=launch, report=report
    )
    _settle(session, crowd, events, launch=launch)
    _earlier_workshop(session, random.Random(f"{seed}:earlier"), crowd, launch=launch)

    ideas = sum(1 for e in events if e.kind == ContributionKind.IDEA)
    supportive = answers[PollChoice.COMPLETELY] + answers[PollChoice.MOSTLY]
    total_answers = sum(answers.values())
    return DemoSummary(
        created=True,
        participants=len(crowd.rows),
        organisations=len({p.organisation for p in crowd.specs if p.organisation}),
        boroughs=len({p.borough for p in crowd.specs}),
        ideas=ideas,
        comments=len(events) - ideas,
        votes=votes,
        poll_answers=total_answers,
        support_share=supportive / total_answers if total_answers else 0.0,
        masked=sum(1 for e in events if e.contribution is not None and e.contribution.masked),
    )


def _launch(now: datetime) -> datetime:
    """09:30 London time on the latest day that leaves the whole demo timeline (SPAN) in the past.

    The timeline is measured from launch and never from now, so a seed gives the same demo whenever it runs.
    """
    local = (now - SPAN).astimezone(LONDON)
    launch = local.replace(hour=9, minute=30, second=0, microsecond=0)
    if launch > local:
        launch -= timedelta(days=1)
    return launch.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _workshops(session: Session, *, launch: datetime) -> tuple[Workshop, dict[str, int]]:
    form = workshops.WorkshopForm(
        title=draft.TITLE,
        slug=draft.SLUG,
        intro=draft.INTRO,
        status=WorkshopStatus.OPEN.value,
        opens_at=_iso(launch),
        closes_at=_iso(launch + timedelta(days=25)),
        poll_question=draft.POLL_QUESTION,
    )
    workshop = workshops.save_workshop(session, actor_id=None, form=form)
    workshop.created_at = launch - timedelta(days=3)
    bodies = {"preamble": (draft.PREAMBLE_TITLE, draft.PREAMBLE_BODY)}
    bodies |= {f.key: (f.title, f.body) for f in draft.FOUNDATIONS}
    sections = {}
    for key in SECTION_KEYS:
        title, body = bodies[key]
        sections[key] = workshops.save_section(
            session, actor_id=None, workshop_id=workshop.id, title=title, body=body
        ).id
    return workshop, sections


def _people(session: Session, rng: random.Random, *, count: int, horizon: float, report: Progress) -> Crowd:
    org_specs = people.organisations(rng)
    specs = people.participants(rng, count, org_specs)
    taken = set(session.exec(select(Participant.email)).all())
    for spec in specs:
        if spec.email in taken:
            spec.email = spec.email.replace("@", ".demo@")
    orgs: dict[str, Organisation] = {}
    for org in [*org_specs, people.STAFF_ORGANISATION]:
        orgs[org.name] = participants.find_or_create_organisation(
            session, name=org.name, kind=org.kind, borough=org.borough
        )
    step, total = "Participants", count + len(people.STAFF_ACCOUNTS)
    for account in people.STAFF_ACCOUNTS:
        row = participants.set_access(session, actor_id=None, email=account.email, access=account.access)
        if not row.has_profile:
            _save_profile(session, row, account, orgs)
    crowd = Crowd(specs)
    for i, spec in enumerate(specs, start=1):
        row = Participant(email=spec.email)
        session.add(row)
        session.flush()
        _save_profile(session, row, spec, orgs)
        crowd.rows.append(row)
        crowd.arrival.append(_arrival(rng, horizon))
        if i % 50 == 0 or i == count:
            report(step, i + len(people.STAFF_ACCOUNTS), total)
    return crowd


def _save_profile(session: Session, row: Participant, spec: people.PersonSpec, orgs: dict) -> None:
    organisation = orgs.get(spec.organisation) if spec.organisation else None
    form = participants.ProfileForm(
        display_name=spec.display_name,
        role=spec.role,
        profession=spec.profession or "",
        organisation_id=str(organisation.id) if organisation else "",
        borough=spec.borough,
        consent_privacy=True,
        consent_quote=spec.consent_quote,
    )
    participants.save_profile(session, participant_id=row.id, form=form)


def _arrival(rng: random.Random, horizon: float) -> float:
    """Seconds after launch a person first turns up: most in the first hours, a tail over the days after."""
    if rng.random() < 0.62:
        return min(rng.expovariate(1 / (1.6 * HOUR)), 12 * HOUR)
    return min(2 * HOUR + rng.expovariate(1 / (1.3 * DAY)), horizon - HOUR)


def _pick_topic(rng: random.Random, section: str, role: str) -> Subtopic:
    topics = TOPICS[section]
    return rng.choices(topics, [math.exp(4 * t.lean.get(role, 0.0)) for t in topics])[0]


def _post_time(rng: random.Random, arrival: float, horizon: float) -> float:
    at = arrival + rng.expovariate(1 / (20 * 60))
    if rng.random() < 0.25:  # came back later
        at += rng.uniform(0, max(0.0, horizon - at))
    return min(at, horizon)


def _plan_posts(rng: random.Random, *, crowd: Crowd, horizon: float) -> list[Event]:
    """Decide who posts what, where and when; comments answer ideas that already exist."""
    n = len(crowd.specs)
    total = round(n * POSTS_PER_PARTICIPANT)
    n_ideas = round(total * IDEA_SHARE)
    activity = [0.0 if rng.random() < 0.22 else rng.lognormvariate(0, 1) for _ in range(n)]
    sections, weights = list(SECTION_WEIGHTS), list(SECTION_WEIGHTS.values())
    ideas: list[Event] = []
    for author in rng.choices(range(n), activity, k=n_ideas):
        role = crowd.specs[author].role
        section = rng.choices(sections, weights)[0]
        ideas.append(
            Event(
                at=_post_time(rng, crowd.arrival[author], horizon),
                author=author,
                kind=ContributionKind.IDEA,
                section=section,
                topic=_pick_topic(rng, section, role),
                off_topic=rng.random() < 0.025,
                quality=rng.gauss(0, 0.1),
            )
        )
    ideas.sort(key=lambda e: e.at)
    times = [e.at for e in ideas]
    comments: list[Event] = []
    for author in rng.choices(range(n), activity, k=total - n_ideas):
        at = _post_time(rng, crowd.arrival[author], horizon)
        upto = bisect.bisect_left(times, at)
        if upto == 0:
            at, upto = min(times[0] + rng.expovariate(1 / 600), horizon), 1
        candidates = ideas[:upto]
        weights_now = [(0.6 + e.quality) / (1 + (at - e.at) / (6 * HOUR)) for e in candidates]
        idea = rng.choices(candidates, weights_now)[0]
        comments.append(
            Event(
                at=max(at, idea.at + 30),
                author=author,
                kind=ContributionKind.COMMENT,
                section=idea.section,
                topic=idea.topic,
                parent=idea,
                off_topic=rng.random() < 0.015,
                quality=rng.gauss(0, 0.1),
            )
        )
    events = ideas + comments
    lay = [e for e in events if crowd.specs[e.author].role != "staff" and not e.off_topic]
    for event, kind in zip(rng.sample(lay, min(len(lay), len(PERSONAL_DATA))), PERSONAL_DATA, strict=False):
        event.personal = kind
    events.sort(key=lambda e: (e.at, e.kind != ContributionKind.IDEA))
    return events


def _write(rng: random.Random, event: Event, spec: people.PersonSpec) -> Written:
    if event.off_topic:
        return write_off_topic(rng, role=spec.role)
    writer = write_idea if event.kind == ContributionKind.IDEA else write_comment
    return writer(rng, topic=event.topic, role=spec.role, profession=spec.profession)


def _post(
    session: Session,
    rng: random.Random,
    workshop: Workshop,
    sections: dict[str, int],
    crowd: Crowd,
    events: list[Event],
    *,
    report: Progress,
) -> None:
    step = "Ideas and comments"
    for i, event in enumerate(events, start=1):
        author, spec = crowd.rows[event.author], crowd.specs[event.author]
        for _attempt in range(5):
            written = _write(rng, event, spec)
            text = (
                with_personal_data(rng, written.text, kind=event.personal) if event.personal else written.text
            )
            try:
                if event.kind == ContributionKind.IDEA:
                    posted = contributions.post_idea(
                        session,
                        workshop=workshop,
                        section_id=sections[event.section],
                        author=author,
                        text=text,
                    )
                elif event.parent is not None and event.parent.contribution is not None:
                    parent = event.parent.contribution
                    posted = contributions.post_comment(
                        session, workshop=workshop, parent_id=parent.id, author=author, text=text
                    )
                else:
                    break
            except DomainError:  # the same words twice in a row: write something else
                continue
            event.written, event.contribution = written, posted.contribution
            _forget(session, posted.contribution)
            break
        if i % 100 == 0 or i == len(events):
            report(step, i, len(events))
    events[:] = [e for e in events if e.contribution is not None]


def _flag_off_topic(session: Session, rng: random.Random, crowd: Crowd, events: list[Event]) -> None:
    """Someone reports a few of the off-topic posts, so moderators have something to look at."""
    off = [e for e in events if e.off_topic]
    for event in rng.sample(off, min(3, len(off))):
        reporter = rng.choice([i for i in range(len(crowd.rows)) if i != event.author])
        contributions.flag(
            session,
            contribution_id=event.contribution.id,
            participant_id=crowd.rows[reporter].id,
            reason=rng.choice(("Off topic", "Not about the declaration", "This isn't about the draft")),
        )


def _vote(
    session: Session,
    rng: random.Random,
    crowd: Crowd,
    events: list[Event],
    *,
    horizon: float,
    launch: datetime,
    report: Progress,
) -> int:
    """Each person votes on a heavy-tailed number of posts, favouring ideas and early posts; counts follow."""
    # Ideas, early posts and a few posts near the top of the list get most of the votes.
    weights = [
        (2.0 if e.kind == ContributionKind.IDEA else 1.0)
        * (1 + 3 * math.exp(-e.at / DAY))
        * rng.lognormvariate(0, VISIBILITY_SPREAD)
        for e in events
    ]
    cumulative = list(_accumulate(weights))
    counts: dict[int, dict[str, int]] = {
        i: {"agree": 0, "disagree": 0, "pass": 0} for i in range(len(events))
    }
    rows: list[dict] = []
    step = "Votes"
    # "important to me" marks draw from a stream of their own, so the votes stay exactly as they were
    marks = random.Random(f"important:{len(events)}:{len(crowd.specs)}")
    for person, spec in enumerate(crowd.specs):
        wanted = min(len(events) - 1, int(rng.lognormvariate(math.log(55), 0.8)))
        chosen: dict[int, None] = {}
        for index in rng.choices(range(len(events)), cum_weights=cumulative, k=int(wanted * 1.4) + 5):
            if events[index].author != person:
                chosen.setdefault(index)
            if len(chosen) >= wanted:
                break
        for index in chosen:
            event = events[index]
            choice = choose_vote(
                rng,
                topic=event.topic,
                role=spec.role,
                camp=spec.camp,
                stance=event.written.stance,
                quality=event.quality,
            )
            counts[index][choice.value] += 1
            at = launch + timedelta(
                seconds=min(max(event.at, crowd.arrival[person]) + rng.expovariate(1 / (2 * HOUR)), horizon)
            )
            rows.append(
                {
                    "participant_id": crowd.rows[person].id,
                    "contribution_id": event.contribution.id,
                    "choice": choice,
                    # about one agree or disagree in eight is "important to me" (one-at-a-time view)
                    "important": choice != VoteChoice.PASS and marks.random() < 0.125,
                    "created_at": at,
                    "updated_at": at,
                }
            )
        if (person + 1) % 50 == 0 or person + 1 == len(crowd.specs):
            report(step, person + 1, len(crowd.specs))
    for start in range(0, len(rows), 5000):
        session.execute(insert(Vote), rows[start : start + 5000])
    comment_counts: dict[int, int] = {}
    for event in events:
        if event.kind == ContributionKind.COMMENT:
            parent_id = event.contribution.parent_id
            comment_counts[parent_id] = comment_counts.get(parent_id, 0) + 1
    for index, event in enumerate(events):
        tally = counts[index]
        event.counts = {
            "agree_count": tally["agree"],
            "disagree_count": tally["disagree"],
            "pass_count": tally["pass"],
            "support": wilson_lower_bound(tally["agree"], tally["disagree"]),
            "comment_count": comment_counts.get(event.contribution.id, 0),
        }
    return len(rows)


def _accumulate(values: list[float]):
    total = 0.0
    for value in values:
        total += value
        yield total


def _poll(
    session: Session,
    rng: random.Random,
    workshop: Workshop,
    crowd: Crowd,
    *,
    horizon: float,
    launch: datetime,
    report: Progress,
) -> dict[PollChoice, int]:
    """About 70% answer; shares are set by quota so even a small demo lands near 91% support, with
    service users and carers a little more often among the partly and not-at-all answers."""
    respondents = [
        i for i, spec in enumerate(crowd.specs) if rng.random() < (0.72 if spec.role == "staff" else 0.66)
    ]
    bias = {"service_user": 0.25, "carer": 0.15}
    respondents.sort(key=lambda i: rng.random() + bias.get(crowd.specs[i].role, 0.0))
    quotas = {choice: round(share * len(respondents)) for choice, share in POLL_SHARES.items()}
    quotas[PollChoice.MOSTLY] += len(respondents) - sum(quotas.values())
    choices = [choice for choice, n in quotas.items() for _ in range(n)]
    step = "Straw poll"
    for done, (person, choice) in enumerate(zip(respondents, choices, strict=True), start=1):
        answer = polls.answer(session, workshop=workshop, participant_id=crowd.rows[person].id, choice=choice)
        at = launch + timedelta(seconds=min(crowd.arrival[person] + rng.expovariate(1 / (40 * 60)), horizon))
        answer.created_at = answer.updated_at = at
        session.add(answer)
        if done % 50 == 0 or done == len(respondents):
            report(step, done, len(respondents))
    return {choice: quotas[choice] for choice in PollChoice}


def _forget(session: Session, contribution: Contribution) -> None:
    """Detach a post (and the idea a comment loaded) once saved: the services' UPDATEs check every
    contribution held by the session, so holding thousands would make posting quadratic."""
    parent = session.get(Contribution, contribution.parent_id) if contribution.parent_id else None
    for row in (contribution, parent):
        if row is not None and row in session:
            session.expunge(row)


def _settle(session: Session, crowd: Crowd, events: list[Event], *, launch: datetime) -> None:
    """Write the vote counts, and move posts and people from 'just now' onto the demo's timeline."""
    changes = []
    for event in events:
        at = launch + timedelta(seconds=event.at)
        changes.append({"id": event.contribution.id, "created_at": at, "updated_at": at, **event.counts})
    for start in range(0, len(changes), 2000):
        session.execute(update(Contribution), changes[start : start + 2000])
    for row, arrival in zip(crowd.rows, crowd.arrival, strict=True):
        at = launch + timedelta(seconds=arrival - 120)
        row.created_at = row.consent_privacy_at = at


def _earlier_workshop(session: Session, rng: random.Random, crowd: Crowd, *, launch: datetime) -> None:
    """A closed first listening round with a handful of ideas, so the workshop list has history."""
    opened, closed = launch - timedelta(days=70), launch - timedelta(days=40)
    form = workshops.WorkshopForm(
        title=draft.EARLIER_TITLE,
        slug=draft.EARLIER_SLUG,
        intro=draft.EARLIER_INTRO,
        status=WorkshopStatus.OPEN.value,
        opens_at=_iso(opened),
    )
    workshop = workshops.save_workshop(session, actor_id=None, form=form)
    workshop.created_at = opened - timedelta(days=2)
    title, body = draft.EARLIER_SECTIONS[0]
    section = workshops.save_section(session, actor_id=None, workshop_id=workshop.id, title=title, body=body)
    all_topics = [t for key in SECTION_KEYS for t in TOPICS[key]]
    authors = rng.sample(range(len(crowd.rows)), min(len(crowd.rows), 15))
    for author in authors:
        spec, row = crowd.specs[author], crowd.rows[author]
        written = write_idea(rng, topic=rng.choice(all_topics), role=spec.role, profession=spec.profession)
        posted = contributions.post_idea(
            session, workshop=workshop, section_id=section.id, author=row, text=written.text
        )
        at = opened + timedelta(seconds=rng.uniform(0, (closed - opened).total_seconds()))
        posted.contribution.created_at = posted.contribution.updated_at = at
        row.created_at = min(row.created_at, at - timedelta(minutes=5))
    workshop.status, workshop.closes_at = WorkshopStatus.CLOSED, closed
    session.add(workshop)
