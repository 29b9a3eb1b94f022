"""Helpers for reading back what the exports wrote: PDF text and page sizes (poppler-utils)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

A3_PT = (841.89, 1190.55)
A4_PT = (595.28, 841.89)


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    width_pt: float
    height_pt: float
    text: str
    fonts: str


def read_pdf(pdf: bytes) -> PdfFacts:
    """Page count, first page size, all text (pdftotext) and font list (pdffonts) of a PDF."""
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    size = fields["Page size"].split()
    return PdfFacts(
        pages=int(fields["Pages"]),
        width_pt=float(size[0]),
        height_pt=float(size[2]),
        text=text,
        fonts=fonts,
    )


def flat(text: str) -> str:
    """Text with all runs of whitespace made single spaces (PDF text wraps where layout chose)."""
    return " ".join(text.split())


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def word_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Every word on the first page with its box (x_min, y_min, x_max, y_max) in points, y down."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                              capture_output=True, text=True).stdout  # fmt: skip
    return [(unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3])) for m in _WORD.findall(html)]
