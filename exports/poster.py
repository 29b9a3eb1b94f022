"""The declaration poster: A3 or A4 portrait PDF, or a PNG preview, laid out by Typst.

Each foundation is a coloured panel; every text block is shrunk until it fits its box (the template's
``fit``), so a very long statement makes smaller type, never a second page or text outside a panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from exports.contracts import Declaration
from exports.errors import DraftRefusedError, ExportError
from exports.fonts import FONT_FAMILIES
from exports.qr import qr_svg
from exports.text import made_line, paragraphs, version_line
from exports.typesetting import compile_template

Paper = Literal["a3", "a4"]
PosterFormat = Literal["pdf", "png"]
DraftPolicy = Literal["watermark", "refuse"]

# (width, height) in millimetres, portrait
PAPER_MM: dict[str, tuple[float, float]] = {"a3": (297.0, 420.0), "a4": (210.0, 297.0)}
PREVIEW_PPI = 60.0
FALLBACK_NOTE = "Parts with no Easy Read version yet show the standard text"


@dataclass(frozen=True)
class PosterTheme:
    """A colour scheme; every text/background pair meets WCAG AA contrast for large text."""

    background: str
    title: str
    text: str
    muted: str
    panel_text: str
    panels: tuple[str, ...]


THEMES: dict[str, PosterTheme] = {
    "nhs-blue": PosterTheme(
        background="#ffffff",
        title="#005eb8",
        text="#212b32",
        muted="#4c6272",
        panel_text="#ffffff",
        panels=("#005eb8", "#003087", "#007f3b", "#330072", "#8a1538", "#00403a"),
    ),
    "warm": PosterTheme(
        background="#fff8ef",
        title="#8a2c0d",
        text="#2b1a10",
        muted="#5c4433",
        panel_text="#ffffff",
        panels=("#b3401a", "#7a3b69", "#8c5a00", "#2f6b4f", "#9c2d45", "#4a4e8c"),
    ),
    "high-contrast": PosterTheme(
        background="#ffffff",
        title="#000000",
        text="#000000",
        muted="#000000",
        panel_text="#ffffff",
        panels=("#000000", "#1d1d8c", "#000000", "#1d1d8c", "#000000", "#1d1d8c"),
    ),
}


def render_poster(
    *,
    declaration: Declaration,
    paper: Paper = "a3",
    theme: str = "nhs-blue",
    fmt: PosterFormat = "pdf",
    draft: DraftPolicy = "watermark",
    ppi: float = PREVIEW_PPI,
    easy_read: bool = False,
) -> bytes:
    """The poster as PDF bytes, or a one-page PNG preview at ``ppi``.

    A declaration whose status is not "published" is watermarked DRAFT, or refused with
    ``DraftRefusedError`` when ``draft="refuse"``.
    """
    if paper not in PAPER_MM:
        raise ExportError(f"Unknown paper size {paper!r}; choose one of {sorted(PAPER_MM)}")
    if theme not in THEMES:
        raise ExportError(f"Unknown poster theme {theme!r}; choose one of {sorted(THEMES)}")
    is_draft = declaration.get("status") != "published"
    if is_draft and draft == "refuse":
        raise DraftRefusedError("This declaration is a draft: publish it before printing the poster.")
    result = compile_template(
        template="poster.typ",
        data=poster_data(
            declaration=declaration, paper=paper, theme=theme, watermark=is_draft, easy_read=easy_read
        ),
        fmt=fmt,
        ppi=ppi if fmt == "png" else None,
    )
    if isinstance(result, list):  # the layout keeps the poster on one page; be strict about it
        raise ExportError(f"The poster ran over {len(result)} pages")
    return result


def write_poster(*, declaration: Declaration, path: str | Path, **options: object) -> Path:
    """Render the poster to ``path``; the format follows its suffix (.pdf or .png)."""
    target = Path(path)
    fmt = "png" if target.suffix.lower() == ".png" else "pdf"
    target.write_bytes(render_poster(declaration=declaration, fmt=fmt, **options))
    return target


def poster_data(
    *, declaration: Declaration, paper: Paper, theme: str, watermark: bool, easy_read: bool = False
) -> dict[str, object]:
    """The JSON document the Typst template reads; in Easy Read, the points replace the preamble and the
    statements (a part without Easy Read keeps its standard text, and the poster says so)."""
    width, height = PAPER_MM[paper]
    colours = THEMES[theme]
    preamble = paragraphs(declaration.get("preamble"))
    statements = {f["slug"]: " ".join(paragraphs(f["statement"])) for f in declaration["foundations"]}
    line = version_line(
        version=declaration["version"],
        status=declaration["status"],
        published_at=declaration.get("published_at"),
    )
    made = made_line(declaration["stats"])
    if easy_read:
        frozen = declaration.get("easy_read") or {"preamble": [], "foundations": {}}
        preamble = [p["text"] for p in frozen["preamble"]] or preamble
        easy = {slug: " ".join(p["text"] for p in points) for slug, points in frozen["foundations"].items()}
        missing = not frozen["preamble"] or any(slug not in easy for slug in statements)
        statements |= easy
        line = f"Easy Read. {line}"
        if missing:
            made += f". {FALLBACK_NOTE}"
    return {
        "title": declaration["title"],
        "preamble": preamble,
        "foundations": [
            {"title": f["title"], "statement": statements[f["slug"]]} for f in declaration["foundations"]
        ],
        "made_line": made,
        "version_line": line,
        "public_url": declaration["public_url"],
        "qr_svg": qr_svg(declaration["public_url"]),
        "watermark": "DRAFT" if watermark else None,
        "page": {"width_mm": width, "height_mm": height},
        "scale": width / PAPER_MM["a3"][0],
        "fonts": list(FONT_FAMILIES),
        "theme": {
            "background": colours.background,
            "title": colours.title,
            "text": colours.text,
            "muted": colours.muted,
            "panel_text": colours.panel_text,
            "panels": list(colours.panels),
        },
    }
