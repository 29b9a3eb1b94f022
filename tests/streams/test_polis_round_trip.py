"""A Pol.is export comes in as a workshop and goes out again as the same conversation; bad exports store nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from crowd import cli
from crowd.models import Access, Contribution, ContributionStatus, Participant, Workshop
from crowd.services.streams import polis

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="the shared Pol.is conversations are not here")


def _files(folder: Path, names=("comments.csv", "votes.csv", "summary.csv")) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _latest_votes(folder: Path) -> dict[tuple[str, str], str]:
    """(voter, comment) -> vote, the latest by time, read straight from Pol.is's votes.csv."""
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for row in _rows((folder / "votes.csv").read_bytes()):
        key, when = (row["voter-id"], row["comment-id"]), int(row["timestamp"])
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, row["vote"])
    return {key: vote for key, (_, vote) in latest.items()}


@needs_data
@pytest.mark.parametrize("conversation", ["london.youth.policing", "brexit-consensus"])
def test_pol_is_conversation_round_trips_through_a_workshop(db, conversation):
    folder = DATA / conversation
    with db.write() as session:
        export = polis.read_export(_files(folder))
        workshop = polis.import_export(session, export=export, slug=conversation, actor_id=None)
        workshop_id = workshop.id
    with db.read() as session:
        workshop = session.get(Workshop, workshop_id)
        out = polis.export_files(session, workshop=workshop)
        accounts = session.exec(select(Participant)).all()
        hidden = session.exec(
            select(func.count()).where(Contribution.status == ContributionStatus.HIDDEN)
        ).one()
    original = _rows((folder / "comments.csv").read_bytes())
    assert workshop.title.strip() and workshop.status.value == "closed"
    assert hidden == sum(1 for c in original if c["moderated"] == "-1")
    # no personal data: anonymous accounts named by their Pol.is number only
    assert all(a.email is None and a.display_name.startswith("Pol.is participant ") for a in accounts)

    # the same comments, in the same order, with the same moderation
    exported = _rows(out["comments.csv"])
    by_time = sorted(original, key=lambda c: (int(c["timestamp"]), int(c["comment-id"])))
    assert [c["moderated"] for c in exported] == [
        c["moderated"] if c["moderated"] != "0" else "0" for c in by_time
    ]
    assert len(exported) == len(original)
    # every latest vote of every person survives, mapped through the comment text
    body_of_new = {c["comment-id"]: " ".join(c["comment-body"].split()) for c in exported}
    body_of_old = {c["comment-id"]: " ".join(c["comment-body"].split()) for c in original}
    old_votes = {(body_of_old[c], v): vote for (v, c), vote in _latest_votes(folder).items()}
    new_rows = _rows(out["votes.csv"])
    assert len(new_rows) == len(old_votes)
    voters_old = sorted({v for (_, v) in old_votes}, key=int)
    voters_new = sorted({r["voter-id"] for r in new_rows}, key=int)
    assert len(voters_old) == len(voters_new)

    # counts per comment and choice are the same (participant numbers are renumbered densely)
    def tally(pairs):
        counts: dict[tuple[str, str], int] = {}
        for body, vote in pairs:
            counts[(body, vote)] = counts.get((body, vote), 0) + 1
        return counts

    assert tally((body_of_new[r["comment-id"]], r["vote"]) for r in new_rows) == tally(
        (body, vote) for (body, _), vote in old_votes.items()
    )
    # and the exported files are a Pol.is export again
    again = polis.read_export({name: out[name] for name in ("comments.csv", "votes.csv")})
    assert len(again.votes) == len(old_votes) and len(again.comments) == len(original)


def test_a_matrix_only_export_with_an_xid_column_is_read(db):
    files = {
        "comments.csv": b"comment-id,comment-body,moderated\n0,More GP appointments,1\n1,Fewer forms,0\n",
        "participants-votes.csv": b"participant,xid,group-id,n-votes,0,1\n0,abc,0,2,1,-1\n1,def,1,1,,0\n",
    }
    export = polis.read_export(files)
    assert export.votes == {(0, 0): (1, None), (0, 1): (-1, None), (1, 1): (0, None)}
    assert not export.has_times
    with db.write() as session:
        workshop = polis.import_export(session, export=export, slug="matrix", actor_id=None)
        ideas = session.exec(select(Contribution).where(Contribution.workshop_id == workshop.id)).all()
    assert sorted((i.text, i.agree_count, i.disagree_count, i.pass_count) for i in ideas) == [
        ("Fewer forms", 0, 1, 1),
        ("More GP appointments", 1, 0, 0),
    ]


BAD_EXPORTS = [
    ({"comments.csv": b"comment-id,text\n0,Hi\n", "votes.csv": b"timestamp,comment-id,voter-id,vote\n"},
     "comments.csv line 1: missing column(s): comment-body"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n", "votes.csv": b"timestamp,comment-id,voter-id,vote\n1,7,0,1\n"},
     "votes.csv line 2: comment-id '7' is not in comments.csv"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n", "votes.csv": b"timestamp,comment-id,voter-id,vote\n1,0,0,1\n1,0,1,2\n"},
     "votes.csv line 3: vote must be 1, -1 or 0, not '2'"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n", "votes.csv": b"timestamp,comment-id,voter-id,vote\n5,0,0,1\n5,0,0,-1\n"},
     "votes.csv line 3: voter 0 on comment 0 at the same time as line 2, with another vote"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n0,Again\n", "votes.csv": b"timestamp,comment-id,voter-id,vote\n"},
     "comments.csv line 3: comment-id 0 appears twice"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n", "participants-votes.csv": b"participant,group-id,0,9\n0,0,1,1\n"},
     "participants-votes.csv line 1: column '9' is not a comment id in comments.csv"),
    ({"comments.csv": b"comment-id,comment-body\n0,Hi\n"}, "the export needs votes.csv or participants-votes.csv"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "message"), BAD_EXPORTS)
def test_a_broken_pol_is_export_is_refused_whole_with_line_numbers(db, files, message):
    with pytest.raises(polis.PolisExportError) as refused:
        polis.read_export(files)
    assert message in refused.value.message
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Workshop)).one() == 0


def test_repeated_identical_vote_lines_count_once():
    files = {
        "comments.csv": b"comment-id,comment-body\n0,Hi\n",
        "votes.csv": b"timestamp,comment-id,voter-id,vote\n5,0,0,1\n5,0,0,1\n9,0,0,-1\n",
    }
    export = polis.read_export(files)
    assert export.repeated_lines == 1 and export.votes[(0, 0)][0] == -1  # the later vote counts


def test_lead_imports_and_exports_a_conversation_from_the_command_line(
    tmp_path, settings, monkeypatch, capsys, db
):
    source = tmp_path / "conv"
    source.mkdir()
    (source / "comments.csv").write_bytes(b"timestamp,comment-id,author-id,moderated,comment-body\n"
                                          b"1500000000000,0,0,1,=HYPERLINK(\"x\") more nurses\n1500000001000,1,1,-1,spam\n")  # fmt: skip
    (source / "votes.csv").write_bytes(
        b"timestamp,datetime,comment-id,voter-id,vote\n1500000002000,x,0,1,1\n"
    )
    monkeypatch.setattr(cli, "_database", lambda _settings: type(db)(settings.database_url))
    monkeypatch.setattr(cli.Settings, "from_env", classmethod(lambda cls: settings))
    assert cli.main(["import-polis", str(source), "--workshop", "old-conversation"]) == 0
    assert (
        "Imported 2 comments, 2 participants and 1 votes as /w/old-conversation." in capsys.readouterr().out
    )
    assert cli.main(["import-polis", str(source), "--workshop", "old-conversation"]) == 1
    assert "exists already" in capsys.readouterr().err
    out = tmp_path / "out"
    assert cli.main(["export", "polis", "--workshop", "old-conversation", "--out", str(out)]) == 0
    comments = _rows((out / "comments.csv").read_bytes())
    assert [(c["moderated"], c["comment-body"]) for c in comments] == [
        ("1", '\'=HYPERLINK("x") more nurses'),  # a spreadsheet would run it: neutralised
        ("-1", "spam"),
    ]
    assert _rows((out / "votes.csv").read_bytes())[0]["vote"] == "1"
    assert cli.main(["export", "polis", "--workshop", "nope", "--out", str(out)]) == 1


def _upload_polis(who, files: dict[str, bytes], slug: str = "old-conversation"):
    token = who.csrf("/manage/polis")
    return who.client.post(
        "/manage/polis",
        data={"csrf_token": token, "slug": slug, "title": ""},
        files={name: (name, body, "text/csv") for name, body in files.items()},
    )


def test_lead_uploads_a_pol_is_export_and_lands_on_the_new_workshop(person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    files = {
        "comments.csv": b"comment-id,comment-body,moderated\n0,Share records between GP and hospital,1\n",
        "votes.csv": b"timestamp,comment-id,voter-id,vote\n1500000000000,0,3,1\n1500000000001,0,4,-1\n",
        "summary.csv": b"topic,Joined-up care\n",
    }
    page = _upload_polis(lead, files)
    assert page.status_code == 200 and page.url.path == "/w/old-conversation"
    assert "Imported 1 comments and 2 votes from Pol.is." in page.text
    assert "Joined-up care" in page.text


def test_a_broken_upload_lists_its_problems_by_line_and_stores_nothing(person, db):
    lead = person("lead@example.org", access=Access.LEAD)
    files = {
        "comments.csv": b"comment-id,comment-body\n0,Hi\n",
        "votes.csv": b"timestamp,comment-id,voter-id,vote\n1,0,0,7\n",
    }
    page = _upload_polis(lead, files)
    assert page.status_code == 400
    assert "votes.csv line 2: vote must be 1, -1 or 0, not &#39;7&#39;" in page.text
    with db.read() as session:
        assert session.exec(select(func.count()).select_from(Workshop)).one() == 0


def test_only_leads_may_import_pol_is(person, client):
    participant = person("p@example.org")
    assert participant.client.get("/manage/polis").status_code == 403
    assert client.get("/manage/polis", follow_redirects=False).status_code in (303, 401, 403)
