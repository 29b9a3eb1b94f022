"""The demo declaration: TransformLDN's four foundations, published as version 1, with signatories
and two periods of self-assessment (some green, some amber, some red). `crowd demo` calls
`build_demo_declaration` after it has built a workshop and its contributions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from crowd.models import Access, DeclarationVersion, Participant
from crowd.services.declaration import foundations, outcomes, signatories
from crowd.services.declaration import versions as declarations
from crowd.services.declaration.snapshot import outcomes_by_key

PREAMBLE = (
    "We are staff, people who use services and carers from across London. Over many conversations we "
    "asked what would make health and care feel like it was built around people, not organisations.\n\n"
    "This declaration sets out four foundations we must build together. Each one says what it should "
    "look like, how it can be achieved, and how we will know it is working. Organisations that sign up "
    "commit to measuring themselves against these outcomes and sharing what they find."
)

FOUNDATIONS = [
    {
        "title": "Get Personal",
        "statement": "We must know the person in front of us: what matters to them, not only what is the matter with them.",
        "looks_like": "People tell their story once. Plans are written with them, in their words, and follow them between services.",
        "how_to_achieve": "Start every first contact with 'what matters to you?'; share one personal plan across teams; give staff time to listen.",
        "case_study": (
            "What matters to you, Tower Hamlets",
            "A community health team added one question to every first visit and cut repeat assessments by a third.",
            "https://example.org/case-studies/what-matters",
        ),
        "literature": (
            "Barry MJ, Edgman-Levitan S. Shared decision making: the pinnacle of patient-centered care. NEJM 2012.",
            "Shared decisions improve adherence and satisfaction.",
        ),
        "outcomes": [
            (
                "Percentage of people who say staff asked what matters to them",
                "percentage",
                "higher",
                "41",
                "75",
                "by March 2028",
                "Local patient survey",
            ),
            (
                "Percentage of people with a shared personal plan",
                "percentage",
                "higher",
                "12",
                "50",
                "by March 2028",
                "Care record audit",
            ),
        ],
    },
    {
        "title": "Make Boundaries Invisible",
        "statement": "We must make the joins between services invisible to the people who use them.",
        "looks_like": "One referral reaches the right team. Records travel with the person. Nobody is discharged into a gap.",
        "how_to_achieve": "Joint teams across health, social care and the voluntary sector; shared records; one number to call.",
        "case_study": (
            "One front door, Lambeth",
            "A single referral point shared by the NHS trust, council and charities halved hand-offs.",
            "https://example.org/case-studies/one-front-door",
        ),
        "literature": (
            "The King's Fund. Making sense of integrated care systems. 2022.",
            "Integration works where teams share goals and budgets.",
        ),
        "outcomes": [
            (
                "Average number of hand-offs before care starts",
                "rate",
                "lower",
                "4",
                "2",
                "by March 2028",
                "Referral system data",
            ),
            (
                "Shared care record in use",
                "yes_no",
                "higher",
                "no",
                "yes",
                "by March 2027",
                "Organisation self-report",
            ),
        ],
    },
    {
        "title": "Real Leaders, Happy Workers",
        "statement": "We must lead with kindness and give staff the time, trust and tools to care well.",
        "looks_like": "Leaders are visible and listen. Staff feel safe to speak up and have time for the people they care for.",
        "how_to_achieve": "Protected reflective time, leadership development for all grades, and acting on what staff say.",
        "case_study": (
            "Listening leaders, Camden",
            "Monthly open sessions with the board led to 20 changes suggested by frontline staff.",
            "https://example.org/case-studies/listening-leaders",
        ),
        "literature": (
            "West M. Compassionate Leadership. The Swirling Leaf Press, 2021.",
            "Compassionate leadership improves staff wellbeing and patient care.",
        ),
        "outcomes": [
            (
                "Percentage of staff who would recommend their organisation as a place to work",
                "percentage",
                "higher",
                "58",
                "70",
                "by March 2028",
                "NHS Staff Survey",
            ),
            (
                "Staff wellbeing score",
                "scale",
                "higher",
                "2.8",
                "4",
                "by March 2028",
                "Annual wellbeing pulse (1 to 5)",
            ),
        ],
    },
    {
        "title": "Focus on Outcomes",
        "statement": "We must measure what matters to people, and use it to improve.",
        "looks_like": "Every service knows the outcomes that matter to the people it serves and reports them openly.",
        "how_to_achieve": "Agree a small set of shared outcomes; publish them; review them with people who use services.",
        "case_study": (
            "Outcomes that matter, Newham",
            "Co-produced outcome measures reviewed quarterly with a residents' panel.",
            "https://example.org/case-studies/outcomes-that-matter",
        ),
        "literature": (
            "Porter ME. What is value in health care? NEJM 2010.",
            "Value is health outcomes achieved per pound spent.",
        ),
        "outcomes": [
            (
                "Number of outcome reviews held with residents each year",
                "count",
                "higher",
                "0",
                "4",
                "per year",
                "Organisation self-report",
            ),
            (
                "Percentage of services publishing outcomes",
                "percentage",
                "higher",
                "20",
                "80",
                "by March 2028",
                "Published reports",
            ),
        ],
    },
]

SIGNATORIES = [
    (
        "North East London NHS Foundation Trust",
        "nhs_trust",
        "Tower Hamlets",
        "Dr Amara Okafor",
        "Chief Executive",
    ),
    ("Lambeth Council", "local_authority", "Lambeth", "Tom Fielding", "Director of Adult Social Care"),
    ("Hackney Central PCN", "gp_pcn", "Hackney", "Dr Priya Shah", "Clinical Director"),
    ("Age UK Camden", "voluntary", "Camden", "Joanna Kowalska", "Chief Officer"),
    ("Newham Carers Network", "voluntary", "Newham", "Abdul Rahman", "Manager"),
]
# per signatory, per period: a value for each of the eight outcomes (None = not recorded)
ASSESSMENTS = {
    "2026 Q3": [
        ["50", "15", "3.5", "no", "60", "3", "1", "30"],
        ["45", "20", "3", "no", "62", "3.2", "2", "40"],
        ["40", "10", "4", "no", "55", "2.5", "0", "20"],
        ["70", "30", "2.5", "yes", "72", "4", "3", "50"],
        ["35", "12", "4", "no", "50", "2.6", "1", "25"],
    ],
    "2026 Q4": [
        ["62", "28", "3", "yes", "66", "3.6", "2", "55"],
        ["58", "35", "2.5", "yes", "68", "3.8", "4", "60"],
        ["43", "12", "3.8", "no", "57", "2.7", "1", "22"],
        ["78", "52", "2", "yes", "74", "4.2", "4", "85"],
        ["40", "14", "3.6", "no", "52", "2.7", "2", "30"],
    ],
}


@dataclass(frozen=True)
class DemoDeclaration:
    declaration_id: int
    number: int
    foundation_ids: list[int]
    signatory_ids: list[int]


def build_demo_declaration(
    session: Session,
    *,
    lead_id: int,
    moderator_id: int,
    workshop_id: int,
    quotes: list[int],
    base_url: str = "",
) -> DemoDeclaration:
    """Draft the four foundations (quotes from `quotes`, spread round-robin), publish version 1,
    sign up five organisations and record two periods of assessments. `workshop_id` is the workshop
    the quotes come from (kept for the audit note)."""
    made = []
    for i, spec in enumerate(FOUNDATIONS):
        foundation = foundations.create_foundation(
            session,
            actor_id=moderator_id,
            title=spec["title"],
            statement=spec["statement"],
            looks_like=spec["looks_like"],
            how_to_achieve=spec["how_to_achieve"],
        )
        for contribution_id in quotes[i :: len(FOUNDATIONS)][:3]:
            foundations.add_evidence(
                session,
                actor_id=moderator_id,
                foundation_id=foundation.id,
                kind="quote",
                contribution_id=contribution_id,
            )
        title, text, url = spec["case_study"]
        foundations.add_evidence(
            session,
            actor_id=moderator_id,
            foundation_id=foundation.id,
            kind="case_study",
            title=title,
            text=text,
            url=url,
        )
        citation, summary = spec["literature"]
        foundations.add_evidence(
            session,
            actor_id=moderator_id,
            foundation_id=foundation.id,
            kind="literature",
            citation=citation,
            text=summary,
        )
        for name, unit, direction, baseline, target, period, source in spec["outcomes"]:
            outcomes.save_outcome(
                session,
                actor_id=moderator_id,
                foundation_id=foundation.id,
                form=outcomes.OutcomeForm(
                    name=name,
                    definition=f"{name}, measured from {source.lower()}.",
                    unit=unit,
                    direction=direction,
                    baseline=baseline,
                    target=target,
                    period=period,
                    data_source=source,
                ),
            )
        made.append(foundation)
    draft = declarations.start_draft(session, actor_id=moderator_id)
    declarations.save_draft(
        session,
        actor_id=moderator_id,
        declaration_id=draft.id,
        title="Our Declaration",
        preamble=PREAMBLE,
        foundation_ids=[f.id for f in made],
    )
    version = declarations.publish(
        session,
        actor_id=lead_id,
        declaration_id=draft.id,
        change_note=f"First published version, from the workshop's contributions (workshop {workshop_id}).",
        base_url=base_url,
    )
    return DemoDeclaration(
        version.id, version.number or 1, [f.id for f in made], _sign_up_and_assess(session, version, lead_id)
    )


def _sign_up_and_assess(session: Session, version: DeclarationVersion, lead_id: int) -> list[int]:
    lead = session.get(Participant, lead_id)
    assert lead is not None and lead.access.allows(Access.LEAD), "the demo's lead must have the lead role"
    keys = list(declarations_outcome_keys(version))
    ids = []
    for row, (name, kind, borough, signer, role) in enumerate(SIGNATORIES):
        signatory = signatories.sign_up(
            session,
            declaration=version,
            participant_id=lead_id,
            form=signatories.SignUpForm(
                organisation_name=name, kind=kind, borough=borough, signer_name=signer, signer_role=role
            ),
        )
        for period, table in ASSESSMENTS.items():
            entries = [
                signatories.Entry(
                    outcome_key=key, value=value, evidence="Demo figure from the quarterly return."
                )
                for key, value in zip(keys, table[row], strict=True)
                if value is not None
            ]
            signatories.record_assessments(
                session,
                actor=lead,
                signatory_id=signatory.id,
                version_number=version.number or 1,
                period=period,
                entries=entries,
            )
        ids.append(signatory.id)
    return ids


def declarations_outcome_keys(version: DeclarationVersion) -> list[str]:
    assert version.snapshot is not None
    return list(outcomes_by_key(version.snapshot))
