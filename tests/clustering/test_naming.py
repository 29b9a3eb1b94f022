"""Theme names, descriptions and drafted foundations with the real model (loaded once per session).

Groups are given (labels known), so these tests check the naming and drafting, not the clustering.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from clustering import Pipeline, PipelineParams
from clustering.cluster import centroids
from clustering.foundations import NO_STATEMENT, candidate_foundations
from clustering.naming import name_themes
from clustering.reduce import PcaReducer
from clustering.results import Theme
from clustering.sentences import FILLER, we_must

GROUPS = {
    "records": [
        "Sharing records between hospital and GP would stop me repeating my story.",
        "My GP never sees my hospital records, so I explain everything again.",
        "We need to share records between the hospital and the GP surgery.",
        "Shared records would mean the ambulance crew knows my medication.",
        "Every clinic asks the same questions because records are not shared.",
        "Hospital and GP records should be joined up for every patient.",
        "I carry paper copies of my records between the hospital and the GP.",
        "Give patients access to their own shared records online.",
        "Without shared records my discharge letter took three weeks to reach my GP.",
        "Social workers cannot see health records, which slows everything down.",
    ],
    "coordinator": [
        "I want a named care coordinator who knows my whole situation.",
        "A named care coordinator would save me calling five different teams.",
        "Every family should have a named care coordinator to call.",
        "Nobody was my care coordinator after my stroke, so nothing was joined up.",
        "My named care coordinator left and no one replaced her.",
        "Give every person with complex needs a named care coordinator.",
        "The care coordinator should ring us before and after discharge.",
        "Having one named coordinator made my dad's care so much easier.",
        "We need a named care coordinator for people leaving hospital.",
        "A single care coordinator would stop things falling through the gaps.",
    ],
    "housing": [
        "Damp in our flat keeps making my son's asthma worse.",
        "The council leaves families in damp temporary housing for years.",
        "Damp and mould in temporary housing are making children ill.",
        "We need to fix damp homes before people end up in hospital.",
        "My GP says the damp flat is the cause of my chest infections.",
        "Temporary housing should never be damp or cold.",
        "Landlords should be made to fix damp and mould quickly.",
        "Our temporary housing has black mould on every wall.",
        "Damp housing is a health problem, not only a housing problem.",
        "Move families out of damp temporary housing when a child is ill.",
    ],
    "respite": [
        "Unpaid carers need regular respite breaks.",
        "I have cared for my husband for ten years without any respite.",
        "Respite care for carers is impossible to arrange in our borough.",
        "Carers should get respite at least once a month.",
        "Without respite breaks carers like me burn out.",
        "Give carers respite so they can look after their own health.",
        "The council cut my respite hours and I am exhausted.",
        "Respite for young carers would let them go to school.",
        "Please fund overnight respite so carers can sleep.",
        "Carers need respite care they can book easily.",
    ],
}
EXPECTED = {
    "records": "record",
    "coordinator": "care coordinator",
    "housing": "housing",
    "respite": "respite",
}
SHORT = ["+1", "Agree.", "Yes!", "This.", "Totally agree with this list.", "Agree with every word.",
         "Same here.", "Yes, agree.", "Spot on.", "+1 agree", "So true.", "Well said."]  # fmt: skip


def _named(embedder, groups: dict[str, list[str]], authors: list[str] | None = None):
    texts = [t for g in groups.values() for t in g]
    labels = np.array([i for i, g in enumerate(groups.values()) for _ in g])
    ids = [f"c{i}" for i in range(len(texts))]
    vectors = embedder.embed(texts)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cents = centroids(vectors, labels)
    namings, pool = name_themes(
        texts=texts, ids=ids, labels=labels, vectors=vectors, centroids=cents, keywords={}, authors=authors,
        embedder=embedder,
    )  # fmt: skip
    names = {key: namings[i] for i, key in enumerate(groups)}
    return names, pool, ids, labels, cents, texts


@pytest.fixture(scope="module")
def named(embedder):
    return _named(embedder, GROUPS)


def test_each_known_group_is_named_by_its_own_phrase(named):
    names = named[0]
    for key, expected in EXPECTED.items():
        name = names[key].name
        assert expected in name.lower(), (key, name, names[key].options)
        assert 2 <= len(name.split()) <= 7, name
        assert "," not in name  # never a comma list of words


def test_a_description_is_sentences_of_the_group_citing_where_they_came_from(named):
    names, _, ids, labels, _, texts = named
    for i, key in enumerate(GROUPS):
        naming = names[key]
        assert naming.description
        members = {ids[r] for r in np.flatnonzero(labels == i)}
        assert 1 <= len(naming.description_ids) <= 2
        for cited in naming.description_ids:
            assert cited and set(cited) <= members
            source = texts[ids.index(cited[0])]
            # extractive: each sentence's words are the contribution's own
            assert any(
                w.lower() in source.lower() for w in re.findall(r"[a-z]{5,}", naming.description, re.I)
            )


def test_a_theme_is_named_with_the_word_most_of_its_people_use(embedder):
    # four write of bin collections; six, on six other problems, name the borough no other theme names
    hackney = [
        "Bin collections are missed every other week.",
        "Missed bin collections leave rubbish on the pavement.",
        "Bin collections should not stop over Christmas.",
        "Bin collections near the estate keep being cancelled.",
        "Hackney council takes months to answer about the damp flat.",
        "Parking permits for carers in Hackney are far too expensive.",
        "In Hackney the youth club funding was cut.",
        "Hackney libraries stopped the digital help sessions.",
        "The Hackney food bank cannot keep up with demand.",
        "Leisure centre prices in Hackney went up again.",
    ]
    others = {key: GROUPS[key] for key in ("records", "respite", "housing")}
    names = _named(embedder, {"hackney": hackney, **others})[0]
    name = names["hackney"].name
    assert "hackney" in name.lower(), names["hackney"]
    assert not name.lower().endswith(("stopped", "cut", "expensive")), name  # a heading, not a clause
    assert "record" in names["records"].name.lower()  # a theme whose name holds its anchor keeps it


def test_filler_and_short_replies_never_become_a_name(embedder):
    groups = {
        "short": SHORT,
        "agreeing": [f"I agree with this point, {t[0].lower()}{t[1:]}" for t in GROUPS["respite"]],
    }
    names = _named(embedder, {**groups, "records": GROUPS["records"]})[0]
    assert names["short"].name == f"Unnamed theme ({len(SHORT)} short replies)"
    agreeing = names["agreeing"].name.lower()
    assert "respite" in agreeing
    assert not set(re.findall(r"[\w+]+", agreeing)) & FILLER, agreeing


def test_replies_with_no_topic_in_common_stay_unnamed(embedder):
    mixed = SHORT[:5] + [
        "Who is going to pay for the extra nurses and porters?",
        "Promises about waiting rooms were made before and never delivered.",
        "Rural boroughs have different problems from inner London estates.",
        "Without more receptionists nothing will change at the front desk.",
        "Everything depends on how managers introduce the new rota.",
        "We tried a pilot in Croydon libraries and it did not stick.",
        "Extra forms become another box to tick for busy pharmacists.",
    ]
    names = _named(embedder, {"mixed": mixed, "records": GROUPS["records"]})[0]
    assert names["mixed"].name == "Unnamed theme (12 replies, 5 of them short)"


def test_masked_personal_data_never_reaches_a_name_or_description(embedder):
    masked = [
        f"Call me on [phone number removed] about the parking charges at the hospital {i}" for i in range(6)
    ] + [
        "Hospital parking charges are unfair, email me at [email removed].",
        "My NHS number is [NHS number removed] and I paid hospital parking charges every day.",
        "Ring 020 7946 0958 to complain about hospital parking charges.",
        "Hospital parking charges cost me a fortune, my postcode is [postcode removed].",
    ]
    naming = _named(embedder, {"masked": masked, "records": GROUPS["records"]})[0]["masked"]
    for text in (naming.name, naming.description, *naming.options):
        assert "removed" not in text.lower() and "[" not in text
        assert not re.search(r"\d{3}", text), text
    assert "parking" in naming.name.lower()


def test_one_person_writing_forty_percent_does_not_name_the_theme(embedder):
    loud = ["The parking meters at the clinic swallow my coins again."] * 6
    others = [
        "The bus to the hospital only runs once an hour.",
        "I take three buses to the hospital for a ten minute appointment.",
        "A direct bus to the hospital would help older people.",
        "The bus to the hospital was cut last year.",
        "Wheelchair users cannot get on the bus to the hospital.",
        "There is no evening bus to the hospital for visitors.",
        "The bus to the hospital is always late.",
        "Getting the bus to the hospital takes over an hour.",
        "My mum misses appointments because the bus to the hospital is unreliable.",
    ]
    authors = ["loud"] * len(loud) + [f"p{i}" for i in range(len(others))] + [f"r{i}" for i in range(10)]
    names = _named(embedder, {"transport": loud + others, "records": GROUPS["records"]}, authors=authors)[0]
    assert "bus" in names["transport"].name.lower(), names["transport"]
    assert "meter" not in names["transport"].name.lower()


def test_duplicates_and_other_languages_get_a_sensible_name_and_no_crash(embedder):
    groups = {
        "duplicates": ["Longer opening hours for the pharmacy please."] * 8,
        "spanish": [
            "Necesitamos más citas con el médico de cabecera.",
            "Las citas con el médico tardan semanas.",
            "No hay citas con el médico por la mañana.",
            "Quiero citas con el médico en mi idioma.",
            "Las citas con el médico deberían ser más largas.",
            "Pedir citas con el médico por teléfono es imposible.",
        ],
        "records": GROUPS["records"],
    }
    names = _named(embedder, groups)[0]
    assert (
        "pharmacy" in names["duplicates"].name.lower() or "opening hours" in names["duplicates"].name.lower()
    )
    spanish = names["spanish"].name.lower()
    assert "citas" in spanish or "médico" in spanish, names["spanish"]


def test_each_draft_sentence_cites_contributions_of_the_foundations_own_themes(named):
    names, pool, ids, labels, cents, texts = named
    themes = [
        Theme(
            index=i,
            label=names[key].name,
            keywords=[],
            member_ids=[ids[r] for r in np.flatnonzero(labels == i)],
            representative_ids=[ids[np.flatnonzero(labels == i)[0]]],
            centroid=cents[i],
        )
        for i, key in enumerate(GROUPS)
    ]
    drafts = candidate_foundations(themes=themes, texts_by_id=dict(zip(ids, texts, strict=True)), pool=pool)
    assert 1 <= len(drafts) <= 4
    for draft in drafts:
        members = {m for t in themes if t.index in draft.theme_indices for m in t.member_ids}
        assert set(draft.citations) == {"statement", "looks_like", "how_to_achieve"}
        for part, sentences in draft.citations.items():
            for sentence in sentences:
                assert set(sentence.ids) <= members, (part, sentence)
                if part == "statement" and sentence.ids:
                    assert sentence.text.startswith("We must ")
        assert draft.statement.startswith("We must ") or draft.statement == NO_STATEMENT
        assert draft.n_contributions == sum(t.size for t in themes if t.index in draft.theme_indices)
        # the statement opens with an ask of the theme that titles the draft: title and statement agree
        (titled,) = [t for t in themes if t.index == draft.title_index]
        asks = [s for s in pool.sentences if s.theme == titled.index and we_must(s.text)]
        if asks:
            assert draft.citations["statement"][0].ids[0] in titled.member_ids, (draft.title, draft.statement)
    assert any(c.ids for d in drafts for c in d.citations["statement"])


def test_a_group_that_asks_for_nothing_says_so_instead_of_filling_a_template(embedder):
    stories = {
        "stories": [
            "My mum waited nine hours in the corridor at the hospital.",
            "The nurses on the ward were kind to my dad in his last days.",
            "I was sent home from the hospital at midnight without a lift.",
            "The ward was so short of staff that nobody answered the bell.",
            "My daughter was born at the hospital during the snow.",
            "I remember the night porter at the hospital who sat with me.",
        ]
    }
    names, pool, ids, labels, cents, texts = _named(embedder, stories)
    theme = Theme(0, names["stories"].name, [], ids, ids[:1], cents[0])
    (draft,) = candidate_foundations(themes=[theme], texts_by_id={}, pool=pool)
    assert draft.statement == NO_STATEMENT
    assert draft.citations["statement"][0].ids == []


def test_asks_are_turned_into_we_must_statements():
    assert we_must("Honestly, we need to share records between hospital and GP") == (
        "We must share records between hospital and GP."
    )
    assert we_must("The surgery should let us book appointments online.") == (
        "We must make sure the surgery lets us book appointments online."
    )
    assert we_must("Letters from the hospital should be translated into my language.") == (
        "We must make sure letters from the hospital are translated into their language."
    )
    assert we_must("There should be one number to call.") == "We must make sure there is one number to call."
    assert we_must("Give carers a named contact.") == "We must give carers a named contact."
    assert we_must("My mum waited nine hours in the corridor.") is None


@pytest.mark.slow
def test_the_pipeline_names_the_groups_it_finds(embedder):
    texts = [t for g in GROUPS.values() for t in g]
    ids = [f"c{i}" for i in range(len(texts))]
    result = Pipeline(
        embedder=embedder, reducer=PcaReducer(n_components=5), params=PipelineParams(min_cluster_size=5)
    ).run(texts=texts, ids=ids, authors=[f"p{i}" for i in range(len(texts))])
    names = " | ".join(t.label for t in result.themes).lower()
    for expected in EXPECTED.values():
        assert expected in names, names
    assert all(t.description for t in result.themes)
    assert 1 <= len(result.foundations) <= 7


def test_a_statement_joins_a_second_ask_only_when_it_is_about_the_same_thing(embedder):
    """Records and damp housing drafted as one group: the statement keeps to one of them, never
    "share records ..., and fix damp homes ..."; records alone join two of their own asks."""
    names, pool, ids, _, cents, _ = _named(embedder, {"both": GROUPS["records"] + GROUPS["housing"]})
    (draft,) = candidate_foundations(
        themes=[Theme(0, names["both"].name, [], ids, ids[:1], cents[0])], texts_by_id={}, pool=pool
    )
    (statement,) = draft.citations["statement"]
    group_of = {f"c{i}": "records" if i < len(GROUPS["records"]) else "housing" for i in range(len(ids))}
    assert statement.ids and len({group_of[c] for c in statement.ids}) == 1, statement

    names, pool, ids, _, cents, _ = _named(embedder, {"records": GROUPS["records"]})
    (draft,) = candidate_foundations(
        themes=[Theme(0, names["records"].name, [], ids, ids[:1], cents[0])], texts_by_id={}, pool=pool
    )
    (statement,) = draft.citations["statement"]
    assert len(statement.ids) == 2 and ", and " in statement.text, statement


def test_a_noun_that_ends_sentences_or_starts_a_clause_can_end_a_name(embedder):
    """The word "English" ends sentences ("... in plain English. The ...") and starts clauses ("... English
    that anyone can read"); neither makes it a verb, so the name is not cut to "Letters in plain"."""
    plain = [
        "Write every letter in plain English that anyone can read.",
        "Letters in plain English. The last one I got was full of jargon.",
        "Please send letters in plain English that my mum can follow.",
        "My appointment letter was not in plain English. The words meant nothing to me.",
        "Letters in plain English that explain what happens next.",
        "Put hospital letters in plain English. The jargon frightens people.",
        "Every letter should be in plain English that a child could read.",
        "I want letters in plain English. The forms too.",
    ]
    names = _named(embedder, {"plain": plain, "respite": GROUPS["respite"]})[0]
    assert "plain english" in names["plain"].name.lower(), names["plain"]
