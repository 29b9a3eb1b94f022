"""QR codes as SVG text (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, dark: str = "#000000", light: str = "#ffffff") -> str:
    """An SVG QR code for ``url`` with medium error correction and a quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=10, border=4, dark=dark, light=light
    )
    return buffer.getvalue().decode("utf-8")
