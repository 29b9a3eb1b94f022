import io

import pytest
from docx import Document
from markdown_it import MarkdownIt

from exports.document import render_document, write_document
from exports.sample import sample_declaration
from tests.exports.exports_readback import A4_PT, flat, read_pdf


def test_board_reads_the_declaration_as_a_pdf_with_outcomes_and_evidence(declaration):
    facts = read_pdf(render_document(declaration=declaration, fmt="pdf"))

    assert (facts.width_pt, facts.height_pt) == pytest.approx(A4_PT, abs=0.1)
    text = flat(facts.text)
    assert "It sets out four foundations we will build on together" in text
    for number, foundation in enumerate(declaration["foundations"], start=1):
        assert f"{number}. {foundation['title']}" in text
        assert flat(foundation["looks_like"]) in text
        assert flat(foundation["how_to_achieve"]) in text
    assert "What it looks like" in text and "How to achieve it" in text
    assert "Baseline Target" in text
    assert "40% 75% 2026/27" in text  # Get Personal's care-plan outcome
    assert "\u201cThey finally asked me what I wanted, not what was wrong with me.\u201d" in text
    assert "\u2014 Service user, Hackney" in text
    assert "NHS England (Universal Personalised Care, 2019)" in text


def test_commissioner_opens_the_docx_and_finds_every_foundation_and_outcome_table(declaration):
    doc = Document(io.BytesIO(render_document(declaration=declaration, fmt="docx")))

    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == declaration["title"]
    assert "4. Focus on Outcomes" in headings
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "We must measure what matters to people and publish how we are doing." in body
    assert "\u2014 Care worker, Croydon" in body
    assert len(doc.tables) == 4
    header = [cell.text for cell in doc.tables[1].rows[0].cells]
    assert header == ["Outcome", "Definition", "Baseline", "Target", "Period", "Data source"]
    row = [cell.text for cell in doc.tables[1].rows[1].cells]
    assert row[0] == "Delayed discharges (lower is better)"
    assert row[2:5] == ["120", "60", "2026/27"]


def test_markdown_keeps_user_text_literal(declaration):
    declaration["foundations"][0]["statement"] = (
        "*not bold* <script>alert(1)</script> [link](http://x) | pipe"
    )
    declaration["foundations"][0]["outcomes"][0]["name"] = "Care | plans"
    declaration["preamble"] = "# not a heading\n\n- not a list\n\n1. not numbered"

    markdown = render_document(declaration=declaration, fmt="md").decode()
    html = MarkdownIt("commonmark").enable("table").render(markdown)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>not bold</em>" not in html and "*not bold*" in html
    assert '<a href="http://x">' not in html
    assert "<ul>" not in html and "<ol>" not in html
    assert html.count("<h1>") == 1
    assert "Care | plans" in html  # the pipe stays inside its table cell
    assert html.count("<table>") == 4


def test_markdown_holds_every_part_of_the_declaration(declaration):
    markdown = render_document(declaration=declaration, fmt="md").decode()
    assert markdown.startswith("# Our Declaration for Health and Care in London\n")
    assert "## 3\\. Real Leaders, Happy Workers" in markdown
    assert "| Delayed discharges (lower is better) |" in markdown
    assert "> \u2014 Service user, Hackney" in markdown
    assert "আমরা যা চাই" in markdown


def test_a_draft_document_says_so_in_every_format(tmp_path):
    draft = sample_declaration(status="draft", published_at=None)
    for suffix in ("pdf", "docx", "md"):
        path = write_document(declaration=draft, path=tmp_path / f"declaration.{suffix}")
        assert path.stat().st_size > 0
    assert "DRAFT" in read_pdf((tmp_path / "declaration.pdf").read_bytes()).text
    assert "DRAFT" in (tmp_path / "declaration.md").read_text()
    doc = Document(str(tmp_path / "declaration.docx"))
    assert "DRAFT" in "\n".join(p.text for p in doc.paragraphs)
