"""The demo's participants-first content, on top of the workshop and the published declaration: themes
the design group grouped under each foundation ("You said, we did"), Easy Read texts (one foundation left
without, to show the fallback), equality monitoring answers for most participants with London's 2021
census shares as reference, a safeguarding case, paper and phone responses, and some people who asked
for the "new version" email."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlmodel import Session, col, select

from crowd.db import Database
from crowd.demo import draft
from crowd.demo.topics import SECTION_KEYS, TOPICS
from crowd.models import (
    Access,
    CareRole,
    Contribution,
    ContributionStatus,
    DeclarationVersion,
    Foundation,
    FoundationTheme,
    MemberRank,
    MemberSource,
    MonitoringAnswer,
    Participant,
    Section,
    Theme,
    ThemeMember,
    Workshop,
)
from crowd.models._base import utcnow
from crowd.services.declaration import easy_read
from crowd.services.people import monitoring, notifications
from crowd.services.streams import paper
from crowd.services.workshop import contributions, safeguarding

FOUNDATION_SECTIONS = {
    "Get Personal": "personal",
    "Make Boundaries Invisible": "boundaries",
    "Real Leaders, Happy Workers": "leaders",
    "Focus on Outcomes": "outcomes",
}
THEME_LABELS = {
    "care_plans": "Care plans people can read and change",
    "named_coordinator": "One named person to call",
    "tell_story_once": "Telling my story once",
    "carers_partners": "Carers as partners",
    "accessible_info": "Information I can understand",
    "shared_records": "One shared record",
    "discharge_delays": "Leaving hospital without delays",
    "single_access": "One front door",
    "joint_budgets": "Pooled budgets",
    "housing_health": "Housing is health",
    "burnout": "Staff burnout",
    "agency_continuity": "The same faces, not agency staff",
    "training_together": "Training together across teams",
    "leaders_listening": "Leaders who listen",
    "care_pay": "Fair pay for care workers",
    "what_matters": "Measuring what matters to people",
    "waiting_times": "Waiting times",
    "outcome_commissioning": "Paying for outcomes",
    "patient_reported": "Asking people how it went",
    "benchmarking": "Comparing areas fairly",
}
EASY_READ_SECTIONS = {
    "preamble": [
        ("This is a promise from health and care in London.", "heart", "A heart"),
        ("We wrote it with people who use services, carers and staff.", "people", "Two people"),
        ("Tell us what you think.", "speech", "A speech bubble"),
    ],
    "personal": [
        ("We want to know you as a person.", "people", "Two people talking"),
        ("You should tell your story once.", "speech", "A speech bubble"),
        ("You help make your own care plan.", "tick", "A tick"),
    ],
    "boundaries": [
        ("Services should work together.", "people", "Two people"),
        ("You should not get lost between services.", "home", "A house"),
    ],
    "leaders": [
        ("Staff need good leaders.", "people", "Two people"),
        ("Happy staff give better care.", "heart", "A heart"),
    ],
    # "outcomes" is left without Easy Read: the pages show the standard text with a note
}
EASY_READ_FOUNDATIONS = {
    "Get Personal": EASY_READ_SECTIONS["personal"],
    "Make Boundaries Invisible": EASY_READ_SECTIONS["boundaries"],
    "Real Leaders, Happy Workers": EASY_READ_SECTIONS["leaders"],
}
# London, 2021 census (ONS), rounded: shares of usual residents (age: of residents 16 and over).
REFERENCE = {
    "age_band": {"18 to 24": 10.5, "25 to 34": 22.0, "35 to 44": 19.0, "45 to 54": 15.5, "55 to 64": 12.5,
                 "65 to 74": 8.0, "75 or over": 7.0},
    "sex": {"Female": 51.5, "Male": 48.5},
    "ethnic_group": {"Asian, Asian British or Asian Welsh": 20.7,
                     "Black, Black British, Black Welsh, Caribbean or African": 13.5,
                     "Mixed or Multiple ethnic groups": 5.7, "White": 53.8, "Other ethnic group": 6.3},
    "religion": {"No religion": 27.1, "Christian": 40.7, "Muslim": 15.0, "Hindu": 5.1, "Jewish": 1.7,
                 "Sikh": 1.6, "Buddhist": 1.0, "Any other religion": 1.0},
    "disability": {"Yes, a lot": 6.5, "Yes, a little": 7.5, "No": 86.0},
}  # fmt: skip
REFERENCE_SOURCE = "ONS Census 2021, London (rounded)"
PAPER = [
    ("paper", "personal", "carer", "Lambeth", "My mum has three different care plans and none of them say the same thing."),
    ("paper", "personal", "service_user", "Hackney", "I want one person who knows me. Please put that in writing."),
    ("paper", "boundaries", "service_user", "Newham", "I was sent home from hospital and nobody told my GP for two weeks."),
    ("paper", "boundaries", "carer", "Croydon", "The council and the NHS should use one form, not five."),
    ("paper", "leaders", "staff", "Camden", "We need time to talk to people, not only to fill in screens."),
    ("paper", "outcomes", "service_user", "Tower Hamlets", "Ask us whether things got better, not how many appointments we had."),
    ("paper", "preamble", "other", "Outside London", "Letters should be in plain English and large print."),
    ("paper", None, "service_user", "Brent", "I do not use the internet. Thank you for the paper form."),
    ("phone", "personal", "carer", "Barnet", "Call me back on 07700 900456, I look after my husband and nobody asks me."),
    ("phone", "boundaries", "service_user", "Haringey", "I told my story four times in one week to four services."),
    ("phone", "outcomes", "carer", "Ealing", "Measure whether carers get a break, that is what matters to us."),
    ("phone", "leaders", "staff", "Southwark", "Agency staff change every week; residents do not know who we are."),
]  # fmt: skip
WORRY = (
    "Since my support worker left I stay in bed for days, and some nights I wonder what the point of "
    "anything is. I do not know who to ring any more."
)


@dataclass
class Participation:
    themes: int
    monitored: int
    paper: int
    case_id: int

    def __str__(self) -> str:
        return (
            f"  You said, we did: {self.themes} themes, up to three under each foundation (see /declaration#you-said)\n"
            f"  Equality monitoring: {self.monitored} participants answered (see /manage/monitoring)\n"
            f"  {self.paper} paper and phone responses; Easy Read texts (switch with 'Easy Read' in the menu)\n"
            f"  Safeguarding case {self.case_id}: sign in as safeguarding@example.org (see /safeguarding)"
        )


def build_demo_participation(database: Database, *, seed: int = 2016) -> Participation:
    rng = random.Random(f"{seed}:participation")
    with database.write() as session:
        workshop = session.exec(select(Workshop).where(Workshop.slug == draft.SLUG)).one()
        sections = list(
            session.exec(select(Section).where(Section.workshop_id == workshop.id).order_by(col(Section.id)))
        )
        by_key = dict(zip(SECTION_KEYS, sections, strict=True))
        moderator = session.exec(
            select(Participant).where(Participant.email == "moderator@example.org")
        ).one()
        themes = _themes(session, workshop, by_key, moderator.id)
        _easy_read(session, by_key)
        monitored = _monitoring(session, rng)
        made = _paper(session, workshop, by_key, moderator.id)
        case_id = _safeguarding(session, workshop, by_key, rng)
        for person in rng.sample(_people(session), k=min(25, len(_people(session)))):
            notifications.set_subscription(session, participant_id=person.id, on=True)
    return Participation(themes=themes, monitored=monitored, paper=made, case_id=case_id)


def _people(session: Session) -> list[Participant]:
    return list(
        session.exec(
            select(Participant)
            .where(Participant.access == Access.PARTICIPANT, col(Participant.role).is_not(None))
            .order_by(col(Participant.id))
        )
    )


def _themes(session: Session, workshop: Workshop, by_key: dict, actor_id: int) -> int:
    """Themes per subtopic (the contributions written from its phrases), three under each foundation."""
    made = 0
    foundations = {f.title: f for f in session.exec(select(Foundation))}
    for title, key in FOUNDATION_SECTIONS.items():
        foundation = foundations.get(title)
        rows = list(
            session.exec(
                select(Contribution).where(
                    Contribution.section_id == by_key[key].id,
                    Contribution.status != ContributionStatus.HIDDEN,
                )
            )
        )
        found = []
        for topic in TOPICS[key]:
            fragments = [f.lower()[1:36] for name in ("claim", "problem", "story", "staff", "suggestion", "question")
                         for f in topic.bank(name) if len(f) > 12]  # fmt: skip
            members = [c for c in rows if any(f in c.text.lower() for f in fragments)]
            if len(members) >= 3:
                found.append((topic.key, members))
        found.sort(key=lambda item: -len(item[1]))
        for position, (topic_key, members) in enumerate(found):
            theme = Theme(workshop_id=workshop.id, label=THEME_LABELS.get(topic_key, topic_key), size=len(members),
                          curated=True, reviewed=True, keywords=[])  # fmt: skip
            session.add(theme)
            session.flush()
            for c in members:
                session.add(ThemeMember(theme_id=theme.id, contribution_id=c.id, rank=MemberRank.PRIMARY,
                                        source=MemberSource.MODERATOR))  # fmt: skip
            if foundation is not None and position < 3:
                session.add(
                    FoundationTheme(foundation_id=foundation.id, theme_id=theme.id, created_by=actor_id)
                )
            made += 1
    return made


def _easy_read(session: Session, by_key: dict) -> None:
    def points(items):
        return [{"text": t, "picture": p, "alt": a} for t, p, a in items]

    for key, items in EASY_READ_SECTIONS.items():
        easy_read.save(
            session, actor_id=None, target_type="section", target_id=by_key[key].id, points=points(items)
        )
    foundations = {f.title: f for f in session.exec(select(Foundation))}
    for title, items in EASY_READ_FOUNDATIONS.items():
        if title in foundations:
            easy_read.save(session, actor_id=None, target_type="foundation", target_id=foundations[title].id,
                           points=points(items))  # fmt: skip
    version = session.exec(
        select(DeclarationVersion).where(col(DeclarationVersion.number).is_not(None))
    ).first()
    if version is not None:
        easy_read.save(session, actor_id=None, target_type="preamble", target_id=version.id,
                       points=points(EASY_READ_SECTIONS["preamble"]))  # fmt: skip
        # as if written before publishing: the frozen version carries them
        chosen = [
            foundations[f["title"]] for f in version.snapshot["foundations"] if f["title"] in foundations
        ]
        version.snapshot = {
            **version.snapshot,
            "easy_read": easy_read.snapshot_part(session, version, chosen),
        }
        session.add(version)


def _monitoring(session: Session, rng: random.Random) -> int:
    """Answers for about 85% of the participants, drawn near London's shares (older and disabled people a
    little over-represented, as in health engagement; young men under-represented)."""
    weights = {
        "age_band": {"18 to 24": 4, "25 to 34": 17, "35 to 44": 20, "45 to 54": 21, "55 to 64": 18, "65 to 74": 11,
                     "75 or over": 5, monitoring.PREFER_NOT: 4},
        "sex": {"Female": 62, "Male": 34, monitoring.PREFER_NOT: 4},
        "gender_identity": {"Yes": 93, "No": 2, monitoring.PREFER_NOT: 5},
        "disability": {"Yes, a lot": 12, "Yes, a little": 16, "No": 66, monitoring.PREFER_NOT: 6},
        "religion": {"No religion": 33, "Christian": 38, "Muslim": 10, "Hindu": 4, "Jewish": 3, "Sikh": 1,
                     "Buddhist": 1, "Any other religion": 2, monitoring.PREFER_NOT: 8},
        "sexual_orientation": {"Straight or heterosexual": 84, "Gay or lesbian": 4, "Bisexual": 3,
                               "Other sexual orientation": 1, monitoring.PREFER_NOT: 8},
    }  # fmt: skip
    ethnic = {"White: English, Welsh, Scottish, Northern Irish or British": 42, "White: Irish": 3,
              "White: Any other White background": 12, "White: Roma": 1, "White: Gypsy or Irish Traveller": 1,
              "Asian, Asian British or Asian Welsh: Indian": 6, "Asian, Asian British or Asian Welsh: Bangladeshi": 3,
              "Asian, Asian British or Asian Welsh: Pakistani": 2, "Asian, Asian British or Asian Welsh: Chinese": 1,
              "Black, Black British, Black Welsh, Caribbean or African: Caribbean": 6,
              "Black, Black British, Black Welsh, Caribbean or African: African": 6,
              "Mixed or Multiple ethnic groups: White and Black Caribbean": 3,
              "Mixed or Multiple ethnic groups: White and Asian": 2, "Other ethnic group: Arab": 2,
              "Other ethnic group: Any other ethnic group": 2, monitoring.PREFER_NOT: 8}  # fmt: skip
    weights["ethnic_group"] = ethnic
    count = 0
    for person in _people(session):
        if rng.random() > 0.85:
            continue
        answers = {}
        for question in monitoring.QUESTIONS:
            options = weights[question.key]
            if rng.random() < 0.93:  # a few questions left unanswered
                answers[question.key] = rng.choices(list(options), list(options.values()))[0]
        monitoring.save_answers(session, participant_id=person.id, form=answers)
        count += 1
    for category, shares in REFERENCE.items():
        monitoring.save_reference(session, actor_id=None, category=category, shares={g: str(v) for g, v in shares.items()},
                                  source=REFERENCE_SOURCE)  # fmt: skip
    assert session.exec(select(MonitoringAnswer)).first() is not None
    return count


def _paper(session: Session, workshop: Workshop, by_key: dict, actor_id: int) -> int:
    made = 0
    for channel in paper.CHANNELS:
        rows = [
            paper.PaperRow(by_key[key].id if key else None, role, borough, text)
            for kind, key, role, borough, text in PAPER
            if kind == channel
        ]
        made += len(paper.record(session, workshop=workshop, actor_id=actor_id, channel=channel, rows=rows))
    return made


def _safeguarding(session: Session, workshop: Workshop, by_key: dict, rng: random.Random) -> int:
    """A service user's worrying idea, flagged 'someone may be at risk', looked at once by the
    safeguarding lead (safeguarding@example.org, who has the role)."""
    everyone = _people(session)
    people = [p for p in everyone if p.role == CareRole.SERVICE_USER] + [
        p for p in everyone if p.role != CareRole.SERVICE_USER
    ]  # a service user writes it where the demo has one; a tiny demo has few
    if len(people) < 2:
        return 0
    author, reporter = people[0], people[1]
    idea = contributions.post_idea(
        session, workshop=workshop, section_id=by_key["personal"].id, author=author, text=WORRY
    ).contribution
    reason = f"{safeguarding.AT_RISK}: they sound very low and alone"
    contributions.flag(session, contribution_id=idea.id, participant_id=reporter.id, reason=reason)
    case = safeguarding.escalate(
        session, contribution_id=idea.id, raised_by=reporter.id, source="flag", reason=reason
    )
    lead = session.exec(select(Participant).where(Participant.email == "safeguarding@example.org")).first()
    if lead is None:
        lead = Participant(email="safeguarding@example.org", display_name="Sade Safeguarding Lead", role=CareRole.STAFF,
                           profession="Safeguarding adults lead", borough="Islington", consent_privacy_at=utcnow(),
                           access=Access.MODERATOR)  # fmt: skip
        session.add(lead)
        session.flush()
    safeguarding.grant(session, actor_id=None, participant_id=lead.id, on=True)
    safeguarding.record(
        session, case_id=case.id, actor_id=lead.id, checked=["read", "identify"], close=False,
        action="Read the idea and the flag. The author has an account; checking with the borough's adult "
        "safeguarding team before contacting them.",
    )  # fmt: skip
    return case.id
