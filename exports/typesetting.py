"""Compile a Typst template with JSON data.

User text never becomes Typst source: the template reads one JSON document from ``sys.inputs.data``
and places its strings as content, so ``#`` or ``]`` in a statement is printed, never run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typst

from exports.errors import ExportError
from exports.fonts import FONT_DIR
from exports.text import printable_data

TEMPLATE_DIR = Path(__file__).parent / "templates"
TypstFormat = Literal["pdf", "png", "svg"]


def compile_template(
    *, template: str, data: dict[str, Any], fmt: TypstFormat = "pdf", ppi: float | None = None
) -> bytes | list[bytes]:
    """Render ``templates/<template>`` with ``data``; PNG/SVG give one image per page (a list if many)."""
    path = TEMPLATE_DIR / template
    try:
        result, warnings = typst.compile_with_warnings(
            str(path),
            root=str(TEMPLATE_DIR),
            font_paths=[str(FONT_DIR)],
            ignore_system_fonts=True,
            format=fmt,
            ppi=ppi,
            sys_inputs={"data": json.dumps(printable_data(data), ensure_ascii=False, default=str)},
        )
    except typst.TypstError as error:
        raise ExportError(f"Typst could not render {template}: {error}") from error
    if warnings:
        raise ExportError(f"Typst warned while rendering {template}: {warnings}")
    return result
