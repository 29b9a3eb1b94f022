"""The demo's workshops: the draft declaration on show, and an earlier listening round that has closed."""

from __future__ import annotations

from dataclasses import dataclass

SLUG = "our-declaration"
TITLE = "Our Declaration: help shape health and care in London"
POLL_QUESTION = "Do you support the draft declaration?"

INTRO = """\
London is a city of nine million people, and every one of them will need health or care at some point.
Most of the time that care is good, and often it is brilliant. But too many Londoners still fall through
the gaps between services: they repeat their story to every new professional, wait in hospital for a care
package that never seems to arrive, or find that the help they need sits in another borough's budget.

This draft declaration sets out what Londoners, and the people who care for them, have told us matters
most. It has a short preamble and four foundations. Each foundation starts with "We must ...": a promise
that health and care organisations across London can sign up to and be held to.

This is a draft, not a finished document. Read each part, post your ideas, comment on other people's,
and vote on the ones you agree or disagree with. At the end, tell us whether you support the draft as it
stands. The design group will read every contribution and publish a revised declaration in the spring,
with a record of how your ideas changed it."""

PREAMBLE_TITLE = "Preamble: one London, one promise"
PREAMBLE_BODY = """\
We believe that every Londoner should be able to live a healthy, independent life for as long as
possible, and get the right care, in the right place, at the right time when they need it. We, the
NHS, local government, the voluntary sector and the people of London, commit to working as one system
around the person, not around our organisations. We must earn back trust by doing what we say, and by
measuring ourselves against what matters to the people we serve."""


@dataclass(frozen=True)
class Foundation:
    key: str
    title: str
    body: str


FOUNDATIONS = (
    Foundation(
        "personal",
        "Get Personal",
        "We must plan care with people, not for them: one conversation about what matters to you, one plan "
        "that you own, a named person to call, and carers treated as partners in care.",
    ),
    Foundation(
        "boundaries",
        "Make Boundaries Invisible",
        "We must make the join between GP, hospital, community and social care invisible to the person: "
        "shared records, one point of access, and money that follows the person rather than the organisation.",
    ),
    Foundation(
        "leaders",
        "Real Leaders, Happy Workers",
        "We must look after the people who provide care: leaders who listen to the front line, teams that "
        "train and work together across organisations, and fair pay and recognition for care workers.",
    ),
    Foundation(
        "outcomes",
        "Focus on Outcomes",
        "We must measure what matters to people, not only what is easy to count: outcomes that people "
        "report themselves, shorter waits, and open data so that boroughs and services can learn from each other.",
    ),
)

EARLIER_SLUG = "what-matters-to-you"
EARLIER_TITLE = "What matters to you? The first listening round"
EARLIER_INTRO = """\
Before we wrote a single word of the declaration we asked Londoners one question: what matters most to
you about health and care in London? This listening round has closed; its ideas shaped the draft
declaration that is now open for comment."""
EARLIER_SECTIONS = (
    ("What matters most to you about health and care in London?", "Tell us in your own words."),
)
