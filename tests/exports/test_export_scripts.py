"""Names and quotes in the languages Londoners write in render with real glyphs, never boxes."""

from exports.document import render_document
from exports.fonts import unsupported_characters
from exports.poster import render_poster
from tests.exports.exports_readback import flat, read_pdf

POLISH = "Zażółć gęślą jaźń, Łódź"
BENGALI = "আমরা যা চাই"
ARABIC = "نريد رعاية أفضل"
EMOJI = "🏥😀✅"


def test_shipped_fonts_cover_polish_bengali_arabic_and_emoji():
    assert unsupported_characters(f"{POLISH} {BENGALI} {ARABIC} {EMOJI}") == set()
    assert unsupported_characters("中文") == {"中", "文"}  # the check does notice a missing glyph


def test_poster_and_document_set_non_latin_text_and_emoji_in_the_shipped_fonts(declaration):
    declaration["title"] = f"Declaration {POLISH}"
    declaration["foundations"][0]["statement"] = f"{BENGALI} - {ARABIC} {EMOJI}"
    declaration["foundations"][0]["evidence"][0]["attribution"] = f"Carer, {POLISH}"

    for pdf in (render_poster(declaration=declaration), render_document(declaration=declaration, fmt="pdf")):
        facts = read_pdf(pdf)
        text = flat(facts.text)
        assert POLISH in text
        assert BENGALI in text
        assert all(word in text for word in ARABIC.split())
        assert all(emoji in text for emoji in EMOJI)
        for font in ("NotoSans-Regular", "NotoSansBengali", "NotoSansArabic", "NotoEmoji"):
            assert font in facts.fonts
