"""`crowd opinions evaluate FILE.csv` (opinions.evaluate.main) on Pol.is's export formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from opinions.evaluate import main
from opinions.polis_csv import CsvFormatError, read_polis_export
from tests.opinions.opinion_fixtures import Planted

WIDE_HEADER = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_votes_csv(path: Path, planted: Planted) -> Path:
    rows: list[list[object]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    for t, (pid, sid, vote) in enumerate(planted.votes):
        rows.append([1_600_000_000 + t, "Mon Sep 14 2020 12:26:40 GMT+0000", sid, pid, vote])
    return _write(path, rows)


def write_participants_votes_csv(path: Path, planted: Planted, *, unplaced: set[int] = frozenset()) -> Path:
    statements = sorted({s for _, s, _ in planted.votes})
    cells: dict[int, dict[int, int]] = {}
    for pid, sid, vote in planted.votes:
        cells.setdefault(pid, {})[sid] = vote
    rows: list[list[object]] = [WIDE_HEADER + [str(s) for s in statements]]
    for pid, votes in cells.items():
        group = "" if pid in unplaced else planted.camp[pid]
        n_agree = sum(v == 1 for v in votes.values())
        n_disagree = sum(v == -1 for v in votes.values())
        rows.append([pid, group, 0, len(votes), n_agree, n_disagree] + [votes.get(s, "") for s in statements])
    return _write(path, rows)


def _last_json(capsys: pytest.CaptureFixture[str]) -> dict:
    out = capsys.readouterr().out.strip().splitlines()
    return json.loads(out[-1])


def test_evaluate_reads_a_polis_votes_csv(tmp_path: Path, two_camps: Planted, capsys) -> None:
    path = write_votes_csv(tmp_path / "votes.csv", two_camps)
    assert main([str(path)]) == 0
    report = _last_json(capsys)
    assert report["format"] == "votes"
    assert report["participants"] == 60
    assert report["groups"] == 2
    assert report["ari"] is None  # votes.csv carries no Pol.is groups


def test_evaluate_compares_with_polis_groups_in_participants_votes_csv(
    tmp_path: Path, two_camps: Planted, capsys
) -> None:
    path = write_participants_votes_csv(tmp_path / "participants-votes.csv", two_camps, unplaced={0, 1, 2})
    assert main([str(path)]) == 0
    report = _last_json(capsys)
    assert report["format"] == "participants-votes"
    assert report["participants"] == 60
    assert report["groups"] == 2
    assert report["polis_groups"] == 2
    assert report["compared"] == 57  # only participants both place
    assert report["ari"] > 0.95


def test_moderated_out_comments_are_left_out(tmp_path: Path, two_camps: Planted, capsys) -> None:
    votes = write_votes_csv(tmp_path / "votes.csv", two_camps)
    comments = _write(
        tmp_path / "comments.csv",
        [["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "body"]]
        + [[0, "", s, 0, 0, 0, -1 if s in (0, 1) else 1, f"statement {s}"] for s in range(20)],
    )
    assert main([str(votes), "--comments", str(comments)]) == 0
    assert _last_json(capsys)["statements"] == 18


def test_a_later_vote_replaces_an_earlier_one(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "votes.csv",
        [
            ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
            [200, "", 5, 1, -1],
            [100, "", 5, 1, 1],
        ],
    )
    assert read_polis_export(path).votes == [(1, 5, 1), (1, 5, -1)]


def test_a_file_missing_columns_is_refused_with_its_line(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "votes.csv", [["timestamp", "comment-id", "vote"], [1, 2, 1]])
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "voter-id" in err


def test_bad_votes_are_refused_with_their_line_numbers(tmp_path: Path, capsys) -> None:
    path = _write(
        tmp_path / "votes.csv",
        [["comment-id", "voter-id", "vote"], [1, 1, 1], [1, 2, "agree"], [2, 2, 5], [2, "", 1]],
    )
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "'agree'" in err
    assert "line 4" in err and "'5'" in err
    assert "line 5" in err


def test_a_bad_participants_votes_cell_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "participants-votes.csv",
        [WIDE_HEADER + ["7", "8"], [1, 0, 2, 2, 1, 1, 1, -1], [2, "", 2, 2, 1, 0, "x", 1], [3, 1, 2]],
    )
    with pytest.raises(CsvFormatError) as error:
        read_polis_export(path)
    assert "line 3: vote on comment 7" in str(error.value)
    assert "line 4: expected 8 columns, found 3" in str(error.value)


def test_an_empty_or_missing_file_is_refused(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main([str(empty)]) == 2
    assert "empty" in capsys.readouterr().err
    assert main([str(tmp_path / "nowhere.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_thin_files_report_not_enough_votes(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "votes.csv", [["comment-id", "voter-id", "vote"], [1, 1, 1], [2, 1, -1]])
    assert main([str(path)]) == 0
    report = _last_json(capsys)
    assert report["status"] == "not_enough_votes"
    assert (report["participants"], report["groups"], report["ari"]) == (1, 0, None)
