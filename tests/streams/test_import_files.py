"""A lead imports focus group notes and literature from the files people really have."""

from __future__ import annotations

from datetime import datetime

from crowd.models import Stream
from tests.streams.conftest import GOOD_ROWS, batch_id_of, notes, upload, write_csv, write_xlsx


def _preview_then_import(lead, workshop, path, **kwargs):
    preview = upload(lead, workshop, path, **kwargs)
    assert preview.status_code == 200, preview.text[:2000]
    batch_id = batch_id_of(preview)
    done = lead.post(f"/manage/imports/{batch_id}/confirm", follow_redirects=True)
    assert done.status_code == 200
    return preview, done


def test_lead_imports_a_utf8_csv_and_sees_the_notes_with_their_origin(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = write_csv(tmp_path / "notes.csv", GOOD_ROWS)
    preview, done = _preview_then_import(lead, workshop, path)
    assert "Check the import before it is stored" in preview.text
    assert "I had to tell my story five times." in preview.text
    assert "UTF-8" in preview.text
    assert "Imported. The notes are now part of the workshop." in done.text
    stored = notes(db)
    assert [n.stream for n in stored] == [Stream.FOCUS_GROUP, Stream.FOCUS_GROUP, Stream.LITERATURE]
    first = stored[0]
    assert first.kind.value == "note" and first.author_id is None
    assert first.source_ref == "Hackney carers group"
    assert first.source_role == "carer" and first.source_borough == "Hackney"
    assert first.source_date.date().isoformat() == "2024-05-03"
    assert stored[2].source_date.date().isoformat() == "2019-03-12"


def test_a_csv_saved_with_a_bom_keeps_its_first_heading(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = write_csv(tmp_path / "bom.csv", GOOD_ROWS[:1], encoding="utf-8-sig")
    preview, _ = _preview_then_import(lead, workshop, path)
    assert "UTF-8 with BOM" in preview.text
    assert notes(db)[0].stream == Stream.FOCUS_GROUP


def test_a_latin1_csv_from_old_excel_keeps_accents_and_pound_signs(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    rows = [["literature", "2020", "Café report", "", "", "The café scheme cost £40 per person – worth it."]]
    path = write_csv(tmp_path / "latin1.csv", rows, encoding="cp1252")
    preview, _ = _preview_then_import(lead, workshop, path)
    assert "Windows-1252" in preview.text
    assert notes(db)[0].text == "The café scheme cost £40 per person – worth it."
    assert notes(db)[0].source_ref == "Café report"


def test_an_xlsx_workbook_with_real_dates_imports(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    rows = [
        [
            "Focus group",
            datetime(2024, 6, 1),
            "Newham parents",
            "Carer",
            "newham",
            "Clinics at school times help.",
        ],
        ["Literature", "1st June 2023", "NHS Confed 2023", None, None, "Shared records reduce repeat tests."],
    ]
    path = write_xlsx(tmp_path / "notes.xlsx", rows)
    _preview_then_import(lead, workshop, path)
    stored = notes(db)
    assert [n.text for n in stored] == [
        "Clinics at school times help.",
        "Shared records reduce repeat tests.",
    ]
    assert stored[0].source_borough == "Newham" and stored[0].source_role == "carer"
    assert stored[0].source_date.date().isoformat() == "2024-06-01"
    assert stored[1].source_date.date().isoformat() == "2023-06-01"


def test_markdown_notes_become_one_note_per_paragraph_under_their_heading(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    path = tmp_path / "focus-group.md"
    path.write_text(
        "# Tower Hamlets focus group\n\nDate: 14/02/2024\nBorough: Tower Hamlets\nRole: service user\n\n"
        "People want one number to call.\n\nInterpreters are booked too late,\noften on the day.\n\n"
        "## Second table\n\nStaff turnover means starting again.\n",
        encoding="utf-8",
    )
    preview, _ = _preview_then_import(lead, workshop, path, stream="focus_group")
    stored = notes(db)
    assert [n.text for n in stored] == [
        "People want one number to call.",
        "Interpreters are booked too late, often on the day.",
        "Staff turnover means starting again.",
    ]
    assert stored[0].source_ref == "Tower Hamlets focus group"
    assert stored[2].source_ref == "Second table"
    assert all(n.stream == Stream.FOCUS_GROUP for n in stored)
    assert stored[1].source_borough == "Tower Hamlets" and stored[1].source_role == "service_user"


def test_plain_text_without_dates_is_previewed_with_a_problem_per_paragraph(
    lead, open_workshop, db, tmp_path
):
    workshop, _ = open_workshop
    path = tmp_path / "excerpts.txt"
    path.write_text(
        "Source: Marmot 2020\n\nHealth equity needs action.\n\nPlace matters.\n", encoding="utf-8"
    )
    preview = upload(lead, workshop, path, stream="literature")
    assert "Line 3: The date is missing." in preview.text
    assert "Line 5: The date is missing." in preview.text
    assert notes(db) == []


def test_headers_in_other_words_and_a_stream_from_the_form_are_understood(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    header = ["SESSION DATE", "Source reference", "participant_role", "London Borough", "Notes"]
    rows = [["5 Jan 2024", "Brent elders", "patient", "Brent", "Transport to clinics is hard."]]
    path = write_csv(tmp_path / "variants.csv", rows, header=header)
    _preview_then_import(lead, workshop, path, stream="focus_group")
    [note] = notes(db)
    assert note.stream == Stream.FOCUS_GROUP and note.source_role == "service_user"


def test_personal_data_in_imported_notes_is_masked(lead, open_workshop, db, tmp_path):
    workshop, _ = open_workshop
    rows = [["focus group", "2024-01-01", "Group A", "", "", "Call me on 07700 900123 or ann@example.org"]]
    path = write_csv(tmp_path / "pii.csv", rows)
    preview, _ = _preview_then_import(lead, workshop, path)
    assert "07700 900123" not in preview.text and "personal data masked" in preview.text
    assert notes(db)[0].text == "Call me on [phone number removed] or [email removed]"
