"""Invented but plausible Londoners: names, roles, professions, organisations and boroughs."""

from __future__ import annotations

import random
from dataclasses import dataclass

from crowd.models import Access, OrganisationKind
from crowd.services.boroughs import LONDON_BOROUGHS, OUTSIDE_LONDON

ROLE_WEIGHTS = {"staff": 58, "service_user": 20, "carer": 14, "other": 8}

# (profession, the kind of organisation such a person works for)
STAFF_PROFESSIONS = (
    ("District nurse", OrganisationKind.NHS_TRUST), ("GP", OrganisationKind.GP_PCN),
    ("Social worker", OrganisationKind.LOCAL_AUTHORITY), ("Care coordinator", OrganisationKind.NHS_TRUST),
    ("Pharmacist", OrganisationKind.NHS_TRUST), ("Paramedic", OrganisationKind.NHS_TRUST),
    ("Commissioner", OrganisationKind.LOCAL_AUTHORITY), ("Peer support worker", OrganisationKind.VOLUNTARY),
    ("Practice nurse", OrganisationKind.GP_PCN), ("Occupational therapist", OrganisationKind.NHS_TRUST),
    ("Physiotherapist", OrganisationKind.NHS_TRUST), ("Healthcare assistant", OrganisationKind.NHS_TRUST),
    ("Care worker", OrganisationKind.OTHER), ("Ward manager", OrganisationKind.NHS_TRUST),
    ("Mental health nurse", OrganisationKind.NHS_TRUST), ("Consultant geriatrician", OrganisationKind.NHS_TRUST),
    ("Practice manager", OrganisationKind.GP_PCN), ("Housing officer", OrganisationKind.LOCAL_AUTHORITY),
    ("Health visitor", OrganisationKind.NHS_TRUST), ("Discharge coordinator", OrganisationKind.NHS_TRUST),
    ("Social prescribing link worker", OrganisationKind.GP_PCN), ("Clinical psychologist", OrganisationKind.NHS_TRUST),
    ("Receptionist", OrganisationKind.GP_PCN), ("Reablement support worker", OrganisationKind.LOCAL_AUTHORITY),
    ("Community pharmacist", OrganisationKind.OTHER), ("Service manager", OrganisationKind.VOLUNTARY),
)  # fmt: skip
OTHER_PROFESSIONS = (
    "Councillor", "Researcher", "Student nurse", "Charity worker", "Community volunteer", "Faith leader",
    "Patient representative", None,
)  # fmt: skip
SERVICE_USER_PROFESSIONS = (
    None,
    None,
    None,
    None,
    "Retired teacher",
    "Student",
    "Bus driver",
    "Self-employed",
)
CARER_PROFESSIONS = (None, None, None, "Unpaid carer", "Parent carer", "Retired")

NHS_TRUSTS = (
    ("North Thames Community Health NHS Trust", "Enfield"),
    ("South Thames Hospitals NHS Trust", "Lambeth"),
    ("East London Mind and Body NHS Foundation Trust", "Tower Hamlets"),
    ("Thameside Mental Health NHS Foundation Trust", "Greenwich"),
    ("West London Partnership NHS Trust", "Ealing"),
    ("North Central London Community Services NHS Trust", "Camden"),
    ("Riverside University Hospitals NHS Trust", "Hammersmith and Fulham"),
    ("Kingsway Hospitals NHS Foundation Trust", "Croydon"),
    ("Lea Valley Hospitals NHS Trust", "Waltham Forest"),
    ("South West London Community Care NHS Trust", "Sutton"),
    ("Capital Ambulance Service NHS Trust", "Southwark"),
    ("Brent, Harrow and Hillingdon Community NHS Trust", "Brent"),
    ("St Aldric's Hospital NHS Foundation Trust", "Westminster"),
    ("Redbridge and Havering Hospitals NHS Trust", "Redbridge"),
)
PLACES = (
    ("Dalston", "Hackney"), ("Stratford", "Newham"), ("Peckham", "Southwark"), ("Brixton", "Lambeth"),
    ("Tottenham", "Haringey"), ("Walthamstow", "Waltham Forest"), ("Ilford", "Redbridge"),
    ("Romford", "Havering"), ("Wembley", "Brent"), ("Southall", "Ealing"), ("Feltham", "Hounslow"),
    ("Uxbridge", "Hillingdon"), ("Kingston Hill", "Kingston upon Thames"), ("Mitcham", "Merton"),
    ("Catford", "Lewisham"), ("Woolwich", "Greenwich"), ("Bexleyheath", "Bexley"), ("Orpington", "Bromley"),
    ("Edmonton", "Enfield"), ("Finchley", "Barnet"), ("Kentish Town", "Camden"), ("Archway", "Islington"),
    ("Poplar", "Tower Hamlets"), ("Dagenham", "Barking and Dagenham"), ("Putney", "Wandsworth"),
    ("Twickenham", "Richmond upon Thames"), ("Cheam", "Sutton"), ("Thornton Heath", "Croydon"),
    ("Shepherd's Bush", "Hammersmith and Fulham"), ("North Kensington", "Kensington and Chelsea"),
    ("Pimlico", "Westminster"), ("Harrow on the Hill", "Harrow"),
)  # fmt: skip
GP_PATTERNS = (
    "{} Medical Centre",
    "{} Health Centre",
    "{} Primary Care Network",
    "{} Group Practice",
    "The {} Surgery",
)
VOLUNTARY_PATTERNS = (
    "{b} Carers Network", "{p} Peer Support Collective", "{b} Older People's Forum", "{p} Refugee Health Project",
    "{b} Deaf Community Group", "{p} Food and Friendship Club", "{b} Disability Rights Forum",
    "{b} Mental Health Carers Group", "{p} Women's Health Circle", "{b} Community Wellbeing Trust",
    "{p} Men's Shed", "{b} Young Carers Project",
)  # fmt: skip
OTHER_ORGANISATIONS = (
    ("Thames Gateway Homes", "Barking and Dagenham"), ("Silverbirch Home Care", "Bromley"),
    ("Meadowview Care Homes", "Havering"), ("Capital Home Care Services", "Islington"),
    ("Lighthouse Community Pharmacy", "Lewisham"), ("London School of Health and Care", "City of London"),
    ("City Health Research Institute", "City of London"), ("Greenway Housing Association", "Haringey"),
)  # fmt: skip

FIRST_NAMES = (
    "Aisha", "Olu", "Priya", "Tomasz", "Siobhan", "Mehmet", "Grace", "Kwame", "Fatima", "Jack", "Chloe",
    "Ravi", "Mei", "Bogdan", "Nadia", "Samuel", "Amina", "Declan", "Sophie", "Yusuf", "Hannah", "Chidi",
    "Rosa", "Imran", "Ellie", "Kofi", "Zara", "Gareth", "Lucia", "Tunde", "Beatriz", "Dev", "Margaret",
    "Ahmed", "Joanne", "Femi", "Agnieszka", "Sunil", "Bernadette", "Kemal", "Ruth", "Jamal", "Niamh",
    "Hyun", "Patrick", "Shanice", "Ibrahim", "Joyce", "Marcus", "Anjali", "Pete", "Ama", "Colin", "Leyla",
    "Winston", "Farah", "Trevor", "Esi", "Dorota", "Liam", "Rukhsana", "Mohammed", "Sandra", "Adebayo",
    "Katie", "Roberto", "Halima", "Gary", "Thi", "Deborah",
)  # fmt: skip
SURNAMES = (
    "Khan", "Adeyemi", "Shah", "Kowalski", "O'Brien", "Yilmaz", "Mensah", "Ahmed", "Smith", "Okafor", "Patel",
    "Chen", "Popescu", "Hussain", "Williams", "Begum", "Murphy", "Jones", "Ali", "Nowak", "Osei", "Brown",
    "Singh", "Da Silva", "Taylor", "Rahman", "Kelly", "Nguyen", "Campbell", "Mahmood", "Evans", "Owusu",
    "Kaur", "Santos", "Walsh", "Demir", "Thompson", "Ibrahim", "Okonkwo", "Green", "Hassan", "Lewis",
    "Bello", "Park", "Robinson", "Islam", "Wright", "Asante", "Costa", "Clarke", "Uddin", "Morris",
    "Achterberg", "Reid", "Bangura", "Wood", "Farah", "Hughes", "Lin", "Francis",
)  # fmt: skip


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: OrganisationKind
    borough: str


@dataclass
class PersonSpec:
    email: str
    display_name: str
    role: str
    profession: str | None
    organisation: str | None
    borough: str
    consent_quote: bool
    camp: str = "people_first"
    access: Access = Access.PARTICIPANT


def organisations(rng: random.Random) -> list[OrganisationSpec]:
    """About ninety London organisations: trusts, practices and PCNs, councils, voluntary groups, others."""
    specs = [OrganisationSpec(name, OrganisationKind.NHS_TRUST, borough) for name, borough in NHS_TRUSTS]
    for place, borough in PLACES[:28]:
        specs.append(
            OrganisationSpec(rng.choice(GP_PATTERNS).format(place), OrganisationKind.GP_PCN, borough)
        )
    for borough in rng.sample([b for b in LONDON_BOROUGHS if b != "City of London"], 18):
        specs.append(OrganisationSpec(f"{borough} Council", OrganisationKind.LOCAL_AUTHORITY, borough))
    for pattern in VOLUNTARY_PATTERNS + VOLUNTARY_PATTERNS[:10]:
        place, borough = rng.choice(PLACES)
        name = pattern.format(b=borough, p=place)
        if all(spec.name != name for spec in specs):
            specs.append(OrganisationSpec(name, OrganisationKind.VOLUNTARY, borough))
    specs += [
        OrganisationSpec(name, OrganisationKind.OTHER, borough) for name, borough in OTHER_ORGANISATIONS
    ]
    return specs


def _borough_order(rng: random.Random) -> list[str]:
    """Every borough once (so even a small demo covers London), then a weighted draw for the rest."""
    first = [*LONDON_BOROUGHS, OUTSIDE_LONDON]
    rng.shuffle(first)
    return first


def _pick_borough(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return OUTSIDE_LONDON
    inner = ("Hackney", "Tower Hamlets", "Southwark", "Lambeth", "Camden", "Islington", "Newham", "Lewisham")
    return rng.choice(inner) if rng.random() < 0.3 else rng.choice(LONDON_BOROUGHS[:6] + LONDON_BOROUGHS[7:])


def _camp(rng: random.Random, role: str) -> str:
    """A latent outlook, correlated with role, that makes opinion groups real in the votes."""
    weights = {
        "staff": (20, 40, 40),
        "service_user": (70, 20, 10),
        "carer": (70, 15, 15),
        "other": (40, 45, 15),
    }[role]
    return rng.choices(("people_first", "system_change", "workforce"), weights)[0]


def participants(rng: random.Random, count: int, orgs: list[OrganisationSpec]) -> list[PersonSpec]:
    by_kind: dict[OrganisationKind, list[OrganisationSpec]] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, []).append(org)
    boroughs = _borough_order(rng)
    used_emails: set[str] = set()
    people: list[PersonSpec] = []
    for i in range(count):
        role = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        base = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email, n = f"{base}@example.org", 1
        while email in used_emails:
            n += 1
            email = f"{base}{n}@example.org"
        used_emails.add(email)
        organisation: OrganisationSpec | None = None
        if role == "staff":
            profession, kind = rng.choice(STAFF_PROFESSIONS)
            organisation = rng.choice(by_kind[kind])
        elif role == "carer":
            profession = rng.choice(CARER_PROFESSIONS)
            organisation = rng.choice(by_kind[OrganisationKind.VOLUNTARY]) if rng.random() < 0.45 else None
        elif role == "service_user":
            profession = rng.choice(SERVICE_USER_PROFESSIONS)
            organisation = rng.choice(by_kind[OrganisationKind.VOLUNTARY]) if rng.random() < 0.25 else None
        else:
            profession = rng.choice(OTHER_PROFESSIONS)
            pool = by_kind[OrganisationKind.VOLUNTARY] + by_kind[OrganisationKind.OTHER]
            organisation = rng.choice(pool) if rng.random() < 0.7 else None
        if i < len(boroughs):
            borough = boroughs[i]
        elif organisation is not None and rng.random() < 0.6:
            borough = organisation.borough
        else:
            borough = _pick_borough(rng)
        style = rng.random()
        display = f"{first} {last[0]}." if style < 0.55 else f"{first} {last}" if style < 0.85 else first
        people.append(
            PersonSpec(
                email=email,
                display_name=display,
                role=role,
                profession=profession,
                organisation=organisation.name if organisation else None,
                borough=borough,
                consent_quote=rng.random() < 0.85,
                camp=_camp(rng, role),
            )
        )
    return people


STAFF_ACCOUNTS = (
    PersonSpec(
        "lead@example.org", "Priya Shah (programme lead)", "staff", "Programme lead",
        "London Health and Care Partnership", "City of London", True, access=Access.LEAD,
    ),
    PersonSpec(
        "moderator@example.org", "Tom Reilly (design group)", "staff", "Engagement manager",
        "London Health and Care Partnership", "Southwark", True, access=Access.MODERATOR,
    ),
    PersonSpec(
        "admin@example.org", "Sam Okoye (admin)", "other", "Digital officer",
        "London Health and Care Partnership", "Camden", False, access=Access.ADMIN,
    ),
)  # fmt: skip
STAFF_ORGANISATION = OrganisationSpec(
    "London Health and Care Partnership", OrganisationKind.OTHER, "City of London"
)
