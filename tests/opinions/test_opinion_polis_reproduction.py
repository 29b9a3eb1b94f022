"""Pol.is's own groups, reproduced on real Pol.is conversations (../shared/data/polis/) and bad exports.

The meta comments of these older exports (no is-meta column) are the statements that describe the
participant (how they voted, their age, class, ethnicity, ...), read from comments.csv; see
docs/opinions.md.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from opinions.evaluate import NO_TIMES, evaluate_export, main
from opinions.polis import PolisMethod, PolisState, update
from opinions.polis_csv import CsvFormatError, read_comments, read_polis_export

POLIS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis"
LONDON_META = "1,4,5,6,7,8,9,10,11,12,13,14"  # age, gender, language, ethnicity, met the police
BREXIT_META = "0,1,3,10,11,15"  # how they voted, changed their vote, class, speaks a European language
WIDE = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]

needs_data = pytest.mark.skipif(not POLIS.is_dir(), reason="the shared Pol.is exports are not here")


def _report(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@needs_data
def test_london_youth_policing_groups_are_polis_groups(capsys) -> None:
    """A 2022 export with an xid column; hiding its meta questions is what makes the groups match."""
    assert main([str(POLIS / "london.youth.policing"), "--meta", LONDON_META]) == 0
    report = _report(capsys)
    assert report["format"] == "participants-votes"
    assert report["groups"] == report["polis_groups"] == 3
    assert report["compared"] == 24
    assert report["ari"] >= 0.9
    assert report["method"]["pca_iters"] == 100  # after Pol.is's 2022-06-29 change


@needs_data
def test_brexit_consensus_groups_are_polis_groups(capsys) -> None:
    assert main([str(POLIS / "brexit-consensus"), "--meta", BREXIT_META]) == 0
    report = _report(capsys)
    assert report["groups"] == report["polis_groups"] == 2
    assert report["compared"] == 197
    assert report["ari"] >= 0.9
    # July 2017: Pol.is still filled unseen votes with 0 and counted votes on the zeroed matrix
    assert report["method"]["mean_imputation"] is False
    assert report["method"]["count_votes_on_zeroed"] is True


@needs_data
def test_canadian_electoral_reform_groups_are_polis_groups(capsys) -> None:
    assert main([str(POLIS / "canadian-electoral-reform")]) == 0
    report = _report(capsys)
    assert report["groups"] == 2
    assert report["participants_clustered"] == 281  # Pol.is places 281 of 448: the same people
    assert report["ari"] >= 0.9


@needs_data
def test_meta_comments_are_zeroed_not_dropped(capsys) -> None:
    without = evaluate_export(path=POLIS / "london.youth.policing")
    with_meta = evaluate_export(
        path=POLIS / "london.youth.policing", meta=[int(x) for x in LONDON_META.split(",")]
    )
    assert without["ari"] < 0.5 < with_meta["ari"]
    assert with_meta["statements"] == without["statements"] - 12
    assert set(with_meta["zeroed"]) >= {1, 14}


@needs_data
def test_a_replay_of_the_votes_runs_one_update_per_poll() -> None:
    report = evaluate_export(
        path=POLIS / "london.youth.policing", meta=[int(x) for x in LONDON_META.split(",")], replay=True
    )
    assert report["mode"] == "replay"
    assert report["updates"] > 100
    assert report["ari"] >= 0.9


def test_a_replay_without_timestamps_says_so_and_runs_once(tmp_path: Path, capsys) -> None:
    rows: list[list[object]] = [WIDE + ["0", "1", "2"]]
    for p in range(20):
        votes = [1, 1, -1] if p % 2 else [-1, -1, 1]
        rows.append([p, p % 2, 0, 3, votes.count(1), votes.count(-1), *votes])
    path = _write(tmp_path / "participants-votes.csv", rows)
    assert main([str(path), "--replay"]) == 0
    out = capsys.readouterr().out
    assert NO_TIMES in out
    report = json.loads(out.strip().splitlines()[-1])
    assert (report["mode"], report["updates"]) == ("cold", 1)


def test_an_xid_column_is_accepted(tmp_path: Path) -> None:
    rows: list[list[object]] = [["participant", "xid", *WIDE[1:], "0", "1"]]
    rows += [[1, "abc-1", 0, 0, 2, 1, 1, 1, -1], [2, "", "", 0, 1, 0, 0, -1, ""]]
    export = read_polis_export(_write(tmp_path / "participants-votes.csv", rows))
    assert export.votes == [(1, 0, 1), (1, 1, -1), (2, 0, -1)]
    assert export.polis_groups == {1: 0}
    assert export.xids == {1: "abc-1"}


def test_missing_group_id_is_refused_with_line_one(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "participants-votes.csv", [["participant", "n-votes", "0"], [1, 1, 1]])
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "group-id" in err


def test_an_extra_column_is_refused_with_its_position(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "participants-votes.csv", [WIDE + ["0", "notes"], [1, 0, 0, 1, 1, 0, 1, "hi"]])
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "column 8 is 'notes'" in err


def test_unknown_comment_ids_are_refused_with_their_lines(tmp_path: Path, capsys) -> None:
    comments = _write(
        tmp_path / "comments.csv",
        [["comment-id", "moderated", "comment-body"], [0, 1, "a"], [1, -1, "b"]],
    )
    votes = _write(
        tmp_path / "votes.csv",
        [
            ["timestamp", "comment-id", "voter-id", "vote"],
            [1, 0, 1, 1],
            [2, 7, 1, -1],
            [3, 1, 2, 1],
            [4, 9, 2, 0],
        ],
    )
    assert main([str(votes), "--comments", str(comments)]) == 2
    err = capsys.readouterr().err
    assert "line 3: comment-id 7 is not in comments.csv" in err
    assert "line 5: comment-id 9 is not in comments.csv" in err


def test_votes_outside_minus_one_zero_one_are_refused_with_their_lines(tmp_path: Path, capsys) -> None:
    votes = _write(
        tmp_path / "votes.csv",
        [["timestamp", "comment-id", "voter-id", "vote"], [1, 0, 1, 1], [2, 1, 1, 2], [3, 1, 2, "-0.5"]],
    )
    assert main([str(votes)]) == 2
    err = capsys.readouterr().err
    assert "line 3: vote must be 1, -1 or 0, not '2'" in err
    assert "line 4: vote must be 1, -1 or 0, not '-0.5'" in err


def test_a_bad_meta_list_is_refused(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "votes.csv", [["comment-id", "voter-id", "vote"], [1, 1, 1]])
    assert main([str(path), "--meta", "3,seven"]) == 2
    assert "--meta takes comment ids" in capsys.readouterr().err


def test_is_meta_column_marks_meta_comments(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "comments.csv",
        [["comment-id", "moderated", "is-meta"], [0, 1, "true"], [1, -1, "false"], [2, 1, ""]],
    )
    info = read_comments(path)
    assert (info.meta, info.moderated_out, info.has_meta_column) == ({0}, {1}, True)


def test_a_zeroed_comment_counts_as_voted_for_everyone() -> None:
    """Pol.is sets the whole column to 0: it pulls the sqrt(comments / votes) scaling of everyone."""
    votes = [(p, c, 1 if (p + c) % 2 else -1) for p in range(6) for c in range(4) if (p, c) != (0, 3)]
    state = update(PolisState(), votes, zeroed={3}, method=PolisMethod())
    other = update(PolisState(), votes, zeroed=(), method=PolisMethod())
    assert state.proj is not None and other.proj is not None
    assert not (state.proj == other.proj).all()
    assert PolisMethod.as_of(0).base_k == 50 and PolisMethod.as_of(None).base_k == 100


def test_refusal_changes_nothing_on_disk(tmp_path: Path) -> None:
    path = _write(tmp_path / "votes.csv", [["comment-id", "voter-id", "vote"], [1, 1, "x"]])
    before = path.read_bytes()
    with pytest.raises(CsvFormatError):
        evaluate_export(path=path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("day", "pca_iters", "base_iters", "base_k", "mean_imputation", "zeroed_counts"),
    [
        ("2017-03-01", 10, 20, 50, False, True),
        ("2017-07-20", 10, 20, 100, False, True),
        ("2017-10-25", 10, 20, 100, True, True),
        ("2017-11-15", 10, 20, 100, True, False),
        ("2018-04-20", 10, 10, 100, True, False),
        ("2022-07-27", 100, 100, 100, True, False),
    ],
)
def test_the_method_follows_polis_dated_changes(
    day: str, pca_iters: int, base_iters: int, base_k: int, mean_imputation: bool, zeroed_counts: bool
) -> None:
    from datetime import UTC, datetime

    ms = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000
    method = PolisMethod.as_of(ms)
    assert (method.pca_iters, method.base_iters, method.base_k) == (pca_iters, base_iters, base_k)
    assert (method.mean_imputation, method.count_votes_on_zeroed) == (mean_imputation, zeroed_counts)
    assert method.group_iters == 20  # Pol.is never passed its group-iters under the name kmeans reads
