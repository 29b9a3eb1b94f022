"""A printable A4 response form for one workshop: its sections with space to write, a QR code and short
link to the online workshop, and a few questions about the person (role, borough) - no name asked.

Pure: a plain dict in, PDF bytes out (Typst). Easy Read forms show each section's points with their
pictures (the app inlines the SVGs) and fall back to the standard text with a note.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from exports.contracts import EasyReadPoint
from exports.fonts import FONT_FAMILIES
from exports.qr import qr_svg
from exports.text import paragraphs
from exports.typesetting import compile_template

FALLBACK_NOTE = "There is no Easy Read version of this part yet. This is the standard text."


class FormSection(TypedDict):
    title: str
    body: str
    easy_read: NotRequired[list[EasyReadPoint]]


class ResponseForm(TypedDict):
    title: str
    intro: str
    url: str  # the short link to the online workshop
    sections: list[FormSection]
    roles: list[str]
    return_to: str


def render_response_form(*, form: ResponseForm, easy_read: bool = False, lines: int = 7) -> bytes:
    """The form as PDF bytes; ``lines`` writing lines per section (more in Easy Read: larger writing)."""
    data = {
        "title": form["title"],
        "intro": paragraphs(form.get("intro")),
        "url": form["url"],
        "qr_svg": qr_svg(form["url"]),
        "roles": form["roles"],
        "return_to": form.get("return_to") or "",
        "easy_read": easy_read,
        "lines": lines if not easy_read else max(lines - 2, 3),
        "fonts": list(FONT_FAMILIES),
        "note": FALLBACK_NOTE,
        "sections": [
            {
                "title": s["title"],
                "body": paragraphs(s.get("body")),
                "points": [
                    {"text": p["text"], "alt": p.get("alt") or "", "svg": p.get("svg") or ""}
                    for p in (s.get("easy_read") or [])
                ]
                if easy_read
                else [],
            }
            for s in form["sections"]
        ],
    }
    result = compile_template(template="response_form.typ", data=data, fmt="pdf")
    assert isinstance(result, bytes)
    return result
