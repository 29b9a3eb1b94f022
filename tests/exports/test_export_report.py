import re
from html.parser import HTMLParser

import pytest

from exports.london import LONDON_BOROUGHS, TILES
from exports.report import render_report, write_report
from exports.sample import sample_report
from tests.exports.exports_readback import A4_PT, flat, read_pdf


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_tile_map_has_one_square_for_each_of_the_33_london_areas():
    assert len(TILES) == len(LONDON_BOROUGHS) == 33
    assert "City of London" in TILES
    assert len(set(TILES.values())) == 33  # no two boroughs share a square


def test_lead_reads_the_engagement_report_as_one_self_contained_html_page():
    html = render_report(report=sample_report(), fmt="html").decode()
    page = parse(html)

    assert "script" not in page.tags and "img" not in page.tags  # charts are inline SVG, nothing fetched
    assert page.tags.count("svg") == 8
    assert not re.search(r"(src|href)=\"https?://", html)
    text = " ".join(" ".join(page.text).split())
    for heading in (
        "Participants by role",
        "Participants by organisation type",
        "Participants by borough",
        "Activity over time",
        "Contributions per section",
        "Contributions per stream",
        "Straw poll",
        "Themes",
    ):
        assert heading in text
    assert "1,042 people took part" in text
    assert "91% agree completely or mostly" in text
    assert "Language and interpreters (বাংলা, العربية)" in text
    assert "Completely 512 (49%)" in text


def test_small_counts_show_as_under_five_in_tables_and_on_the_map():
    html = render_report(report=sample_report(), fmt="html").decode()
    text = " ".join(" ".join(parse(html).text).split())

    assert "City of London <5" in text
    assert "Kingston upon Thames <5" in text
    assert "Independent provider <5" in text
    assert not re.search(r"City of London \d", text)
    # on the map the City's square reads CTY and <5
    svg_texts = re.findall(r"<text[^>]*>([^<]*)</text>", html)
    assert svg_texts[svg_texts.index("CTY") + 1] == "&lt;5"
    assert svg_texts[svg_texts.index("KNG") + 1] == "&lt;5"


def test_report_labels_from_people_are_escaped():
    report = sample_report()
    report["themes"].append({"label": "<script>alert('x')</script>", "size": 9})
    report["title"] = "<b>Title</b>"
    html = render_report(report=report, fmt="html").decode()
    assert "<script>" not in html and "<b>Title</b>" not in html
    assert "&lt;script&gt;" in html


def test_report_pdf_has_every_section_with_charts_and_figures(tmp_path):
    path = write_report(report=sample_report(), path=tmp_path / "report.pdf")
    facts = read_pdf(path.read_bytes())

    assert (facts.width_pt, facts.height_pt) == pytest.approx(A4_PT, abs=0.1)
    text = flat(facts.text)
    for heading in ("Participants by borough", "Activity over time", "Straw poll", "Themes"):
        assert heading in text
    assert "Continuity of care 420" in text
    assert "CTY" in text and "HCK" in text  # the tile map's labels are real text in the PDF
    assert "NotoSans" in facts.fonts
