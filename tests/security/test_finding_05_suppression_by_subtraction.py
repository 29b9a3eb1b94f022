"""Finding 5: anonymised exports could be re-identified. A vote-segment group with one suppressed cell
gave it back by subtraction from the item's totals; role x borough x organisation type singled people
out; the report for a 2-person workshop showed "2 people took part" beside "<5" and a poll "2 (100%)"."""

from __future__ import annotations

import csv
import io
import random
import zipfile

from exports.data import QuasiIdentifiers, write_data_zip_bytes
from exports.report import key_figures, report_sections
from exports.sample import sample_report
from exports.suppression import SUPPRESSED

VOTE_COLUMNS = ["contribution_id", "segment_kind", "segment", "participants", "agree", "disagree", "pass"]
CELLS = ("agree", "disagree", "pass")


def _table(archive: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return list(csv.DictReader(io.StringIO(z.read(f"csv/{name}.csv").decode("utf-8-sig"))))


def _vote_rows(seed: int = 3, items: int = 60) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for item in range(1, items + 1):
        for segment in ("staff", "service_user", "carer", "other"):
            votes = [rng.choice([0, 0, 1, 2, 3, 6, 9, 14]) for _ in CELLS]
            if sum(votes):
                rows.append(dict(zip(VOTE_COLUMNS, [item, "role", segment, sum(votes), *votes], strict=True)))
    return rows


def test_finding_05_no_vote_segment_cell_is_recoverable_from_the_item_totals():
    rows = _vote_rows()
    archive, _ = write_data_zip_bytes(
        snapshot={"votes_by_item_segment": (VOTE_COLUMNS, iter(rows))}, secret="k" * 40, anonymise=True
    )
    shown = _table(archive, "votes_by_item_segment")
    assert len(shown) == len(rows)
    truth = {(r["contribution_id"], r["segment"]): r for r in rows}
    groups: dict[str, list[dict]] = {}
    for row in shown:
        groups.setdefault(row["contribution_id"], []).append(row)
    protected = 0
    for group in groups.values():
        for r in group:
            true = truth[(int(r["contribution_id"]), r["segment"])]
            for cell in (*CELLS, "participants"):
                if not 0 < true[cell] < 5:
                    continue
                protected += 1
                assert r[cell] == SUPPRESSED, r
                # a row's people count is the sum of its cells: not the only hidden one of the row
                assert sum(r[c] == SUPPRESSED for c in (*CELLS, "participants")) >= 2, r
                if cell != "participants":
                    # the item's agree/disagree/pass totals are public (the contributions table): not
                    # the only hidden one of its column either, or it is "total - the rest"
                    assert sum(other[cell] == SUPPRESSED for other in group) >= 2, group
    assert protected > 10  # the data has plenty of small cells to protect


def test_finding_05_every_shown_role_borough_organisation_combination_has_five_people():
    rng = random.Random(5)
    people = [
        (f"p{n}", rng.choice(["staff", "carer", "service_user"]), rng.choice(["Hackney", "Camden", "Sutton"]),
         rng.choice(["nhs_trust", "charity", "not_given"]))
        for n in range(60)
    ]  # fmt: skip
    columns = ["id", "author_id", "author_role", "borough", "organisation_type", "text"]
    rows = [(i, pid, role, borough, org, "An idea") for i, (pid, role, borough, org) in enumerate(people)]
    sizes: dict[tuple, int] = {}
    for _, role, borough, org in people:
        sizes[(org, borough, role)] = sizes.get((org, borough, role), 0) + 1
    assert any(n < 5 for n in sizes.values())
    archive, _ = write_data_zip_bytes(
        snapshot={"contributions": (columns, iter(rows))},
        secret="k" * 40,
        anonymise=True,
        quasi_identifiers={
            "contributions": QuasiIdentifiers(("organisation_type", "borough", "author_role"), sizes)
        },
    )
    shown = _table(archive, "contributions")
    per_combination: dict[tuple, set] = {}
    for row in shown:
        key = (row["author_role"], row["borough"], row["organisation_type"])
        per_combination.setdefault(key, set()).add(row["author_id"])
    assert all(len(who) >= 5 for who in per_combination.values()), per_combination
    assert any(SUPPRESSED not in key for key in per_combination)  # not everything was thrown away


def test_finding_05_a_two_person_workshop_report_shows_no_count_beside_its_suppressed_parts():
    report = sample_report()
    report["participants_by_role"] = {"Staff": 2, "Carer": 0}
    report["participants_by_org_type"] = {"NHS trust": 2}
    report["participants_by_borough"] = {"Hackney": 1, "Camden": 1}
    report["poll"] = {"completely": 2, "mostly": 0, "partly": 0, "not_at_all": 0}
    report["equality"] = []
    figures = {f["label"]: f["value"] for f in key_figures(report)}
    assert figures["people took part"] == SUPPRESSED
    assert figures["agree completely or mostly"] == SUPPRESSED
    sections = {s.title: s for s in report_sections(report)}
    poll_rows = dict(sections["Straw poll"].rows)
    assert poll_rows["Completely"] == SUPPRESSED and "100%" not in " ".join(poll_rows.values())
    roles = dict(sections["Participants by role"].rows)
    assert roles == {"Staff": SUPPRESSED, "Carer": SUPPRESSED}


def test_finding_05_a_single_small_group_beside_a_shown_total_gets_a_complement():
    report = sample_report()
    report["participants_by_role"] = {"Staff": 40, "Service user": 22, "Carer": 3}
    report["equality"] = []
    roles = dict(next(s for s in report_sections(report) if s.title == "Participants by role").rows)
    assert roles["Carer"] == SUPPRESSED and roles["Service user"] == SUPPRESSED and roles["Staff"] == "40"


def test_finding_05_the_report_follows_the_one_threshold_setting(db, settings):
    from crowd.services.exports import run as exports

    assert exports.report_figures(db, workshop_id=None, threshold=10)["small_cell_threshold"] == 10
    report = sample_report()
    report["small_cell_threshold"] = 10
    report["participants_by_role"] = {"Staff": 40, "Service user": 22, "Carer": 7}
    report["equality"] = []
    roles = dict(next(s for s in report_sections(report) if s.title == "Participants by role").rows)
    assert roles["Carer"] == SUPPRESSED
