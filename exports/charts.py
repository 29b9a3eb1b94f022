"""Charts for the engagement report as SVG text, drawn with matplotlib (no pyplot, no display).

Text stays text in the SVG (``svg.fonttype = none``) so the browser and Typst set it in the shipped
fonts, shaping Bengali and Arabic properly, and screen readers can read it.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from functools import cache

from matplotlib import font_manager, rc_context
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from exports.anonymise import SUPPRESSED, is_small, suppress_small_cells
from exports.fonts import FONT_DIR, FONT_FAMILIES
from exports.london import ABBREVIATIONS, OUTSIDE_LONDON, TILES
from exports.text import printable

INK = "#212b32"
BLUE = "#005eb8"
SERIES = ("#005eb8", "#007f3b", "#8a1538")
POLL_COLOURS = ("#007f3b", "#78be20", "#ffb81c", "#d5281b")
_TILE_COLOURS = LinearSegmentedColormap.from_list("tiles", ["#e8f1fa", "#003087"])
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@cache
def _register_fonts() -> None:
    # matplotlib logs "Failed to find font weight bold for Noto Emoji" for every bold label: the
    # emoji font has one weight, and falling back to it is what we want.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    for path in sorted(FONT_DIR.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))


def _svg(figure: Figure, *, prefix: str) -> str:
    """The figure as an <svg> element (no XML prologue), its ids prefixed so charts can share a page."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = svg.replace('id="', f'id="{prefix}-').replace("url(#", f"url(#{prefix}-")
    return svg.replace('xlink:href="#', f'xlink:href="#{prefix}-').replace('href="#', f'href="#{prefix}-')


def _style() -> AbstractContextManager[object]:
    _register_fonts()
    return rc_context(
        {
            "font.family": list(FONT_FAMILIES),
            "font.size": 9,
            "text.parse_math": False,  # a theme called "$\\notacommand{x}$" is text, not mathtext
            "svg.fonttype": "none",
            "svg.hashsalt": "crowd-exports",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#768692",
            "text.color": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    )


def count_label(count: int | None) -> str:
    return SUPPRESSED if count is None else f"{count:,}"


def bar_chart(counts: Mapping[str, int], *, title: str, prefix: str, suppress: bool = True) -> str:
    """Horizontal bars, largest first; counts of people under 5 are drawn empty and labelled '<5'."""
    shown = suppress_small_cells(counts) if suppress else dict(counts)
    items = sorted(shown.items(), key=lambda kv: -(kv[1] or 0))
    with _style():
        figure = Figure(figsize=(6.4, 0.45 * max(len(items), 1) + 0.9))
        axes = figure.add_subplot()
        labels = [printable(str(label)) for label, _ in items][::-1]
        values = [value or 0 for _, value in items][::-1]
        bars = axes.barh(labels, values, color=BLUE)
        axes.bar_label(bars, labels=[count_label(v) for _, v in items][::-1], padding=3, fontsize=8)
        axes.set_title(printable(title), loc="left", fontsize=11, fontweight="bold")
        axes.set_xlim(0, max(values + [1]) * 1.15)
        axes.tick_params(axis="y", length=0)
        return _svg(figure, prefix=prefix)


def activity_chart(days: Sequence[tuple[str, int, int, int]], *, prefix: str) -> str:
    """Ideas, comments and votes per day."""
    with _style():
        figure = Figure(figsize=(6.4, 2.8))
        axes = figure.add_subplot()
        dates = [date.fromisoformat(day[0][:10]) for day in days]
        for index, (name, colour) in enumerate(zip(("Ideas", "Comments", "Votes"), SERIES, strict=True)):
            axes.plot(dates, [day[index + 1] for day in days], label=name, color=colour, linewidth=1.6)
        axes.set_title("Activity per day", loc="left", fontsize=11, fontweight="bold")
        axes.legend(frameon=False, ncols=3, loc="upper left", fontsize=8)
        figure.autofmt_xdate()
        return _svg(figure, prefix=prefix)


def poll_chart(
    poll: Mapping[str, int], *, prefix: str, hidden: frozenset[str] | set[str] = frozenset()
) -> str:
    """The straw poll as one bar split into its four answers; the ``hidden`` (suppressed) answers are
    drawn together as one grey part, so the bar gives none of them away."""
    answers = (
        ("completely", "Completely"),
        ("mostly", "Mostly"),
        ("partly", "Partly"),
        ("not_at_all", "Not at all"),
    )
    total = sum(poll.get(key, 0) for key, _ in answers) or 1
    with _style():
        figure = Figure(figsize=(6.4, 1.5))
        axes = figure.add_subplot()
        left = 0.0
        for (key, label), colour in zip(answers, POLL_COLOURS, strict=True):
            if key in hidden:
                continue
            share = poll.get(key, 0) / total
            axes.barh([0], [share], left=left, color=colour, label=f"{label} ({share:.0%})")
            left += share
        if hidden:
            names = ", ".join(label.lower() for key, label in answers if key in hidden)
            share = sum(poll.get(key, 0) for key in hidden) / total
            axes.barh([0], [share], left=left, color="#d8dde0", label=f"{names}: {SUPPRESSED} each")
        axes.set_xlim(0, 1)
        axes.set_yticks([])
        axes.xaxis.set_major_formatter("{x:.0%}")
        axes.set_title(
            "Does the draft say what matters? (straw poll)", loc="left", fontsize=11, fontweight="bold"
        )
        axes.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.35), fontsize=8)
        return _svg(figure, prefix=prefix)


def borough_tile_map(counts: Mapping[str, int], *, prefix: str) -> str:
    """The 33 London areas as equal squares shaded by people; under 5 is shown as '<5'."""
    # None: suppressed by the caller (a complementary cell, say); small counts are suppressed here too
    shown = {name: None if value is None or is_small(value) else value for name, value in counts.items()}
    largest = max([v for v in shown.values() if isinstance(v, int)] + [1])
    with _style():
        figure = Figure(figsize=(6.4, 5.8))
        axes = figure.add_subplot()
        tiles = dict(TILES)
        tiles[OUTSIDE_LONDON] = (0, 6)
        for name, (column, row) in tiles.items():
            value = shown.get(name, 0)
            shade = 0.0 if value is None else (value or 0) / largest
            fill = _TILE_COLOURS(shade)
            text_colour = "white" if shade > 0.55 else INK
            outside = name == OUTSIDE_LONDON
            axes.add_patch(
                Rectangle((column, -row), 0.94, 0.94, facecolor=fill, edgecolor=INK if outside else "white",
                          linestyle="--" if outside else "-", linewidth=0.8)
            )  # fmt: skip
            label = "OUT" if outside else ABBREVIATIONS[name]
            axes.text(column + 0.47, -row + 0.6, label, ha="center", va="center", fontsize=7.5,
                      fontweight="bold", color=text_colour)  # fmt: skip
            axes.text(column + 0.47, -row + 0.3, count_label(value), ha="center", va="center",
                      fontsize=7.5, color=text_colour)  # fmt: skip
        axes.set_xlim(-0.1, 8)
        axes.set_ylim(-6.1, 1)
        axes.set_aspect("equal")
        axes.axis("off")
        axes.set_title("Participants by borough", loc="left", fontsize=11, fontweight="bold")
        return _svg(figure, prefix=prefix)
