import io
import struct

import pytest
from PIL import Image

from exports.errors import DraftRefusedError
from exports.poster import THEMES, render_poster
from exports.sample import sample_declaration
from tests.exports.exports_readback import A3_PT, A4_PT, flat, read_pdf, word_boxes


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_lead_prints_an_a3_poster_with_title_preamble_foundations_and_how_it_was_made(declaration):
    facts = read_pdf(render_poster(declaration=declaration))

    assert facts.pages == 1
    assert (facts.width_pt, facts.height_pt) == pytest.approx(A3_PT, abs=0.1)
    text = flat(facts.text)
    assert "Our Declaration for Health and Care in London" in text
    assert "It sets out four foundations we will build on together" in text
    for foundation in declaration["foundations"]:
        assert flat(foundation["title"]) in text
        assert flat(foundation["statement"]) in text
    assert (
        "Co-created by 1,042 people from 131 organisations across 33 London boroughs; "
        "10,500 ideas, comments and votes" in text
    )
    assert "Version 2, published 20 November 2026" in text
    assert "https://example.org/declaration/v/2" in text
    assert "DRAFT" not in text


def test_poster_also_comes_as_a4_and_as_a_png_preview_of_the_same_shape(declaration):
    a4 = read_pdf(render_poster(declaration=declaration, paper="a4"))
    assert a4.pages == 1
    assert (a4.width_pt, a4.height_pt) == pytest.approx(A4_PT, abs=0.1)

    width, height = png_size(render_poster(declaration=declaration, fmt="png", ppi=40))
    assert height / width == pytest.approx(420 / 297, rel=0.01)
    assert width == pytest.approx(297 / 25.4 * 40, abs=2)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_lead_can_pick_each_colour_scheme(declaration, theme):
    facts = read_pdf(render_poster(declaration=declaration, theme=theme))
    assert facts.pages == 1
    assert "Get Personal" in facts.text


def test_very_long_statement_shrinks_to_fit_its_panel_on_one_page(declaration):
    long = "We must see the whole person and not only the condition they came in with. " * 60
    declaration["foundations"][0]["statement"] = long + "LAST-WORDS-OF-THE-STATEMENT"
    declaration["preamble"] = "A preamble that goes on and on. " * 80
    declaration["title"] = "A very long title for a declaration " * 4

    for paper in ("a3", "a4"):
        pdf = render_poster(declaration=declaration, paper=paper)
        facts = read_pdf(pdf)
        assert facts.pages == 1
        text = flat(facts.text)
        assert text.count("whole") == 60
        assert "Focus on Outcomes" in text
        assert "Co-created by 1,042 people" in text
        # The statement's last word sits inside the first panel: left of the panel beside it and
        # above the panel below it.
        boxes = {word: box for word, *box in word_boxes(pdf)}
        _, _, last_right, last_bottom = boxes["LAST-WORDS-OF-THE-STATEMENT"]
        beside_left = boxes["Boundaries"][0]
        below_top = boxes["Leaders,"][1]
        assert last_right < beside_left
        assert last_bottom < below_top


def middle_of_page(png: bytes) -> bytes:
    """The pixels of the middle fifth of the page (the panels; no title, no footer)."""
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
        return image.convert("RGB").crop((0, height * 2 // 5, width, height * 3 // 5)).tobytes()


def test_draft_is_watermarked_by_default_and_refused_when_asked():
    published = sample_declaration()
    draft = sample_declaration(status="draft")

    assert "Version 2, DRAFT - not yet published" in flat(read_pdf(render_poster(declaration=draft)).text)
    # the DRAFT watermark crosses the panels, where the published poster is plain
    published_middle = middle_of_page(render_poster(declaration=published, fmt="png", ppi=20))
    assert middle_of_page(render_poster(declaration=published, fmt="png", ppi=20)) == published_middle
    assert middle_of_page(render_poster(declaration=draft, fmt="png", ppi=20)) != published_middle

    with pytest.raises(DraftRefusedError):
        render_poster(declaration=draft, draft="refuse")


def test_typst_markup_in_user_text_is_printed_not_run(declaration):
    declaration["foundations"][1]["statement"] = '#panic("boom") ] ) $x^2$ *bold* `raw` // not a comment'
    text = flat(read_pdf(render_poster(declaration=declaration)).text)
    assert '#panic("boom") ] ) $x^2$ *bold* `raw` // not a comment' in text
