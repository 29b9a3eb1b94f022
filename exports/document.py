"""The declaration document for boards and commissioners: PDF (Typst), DOCX (python-docx), Markdown."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt, RGBColor

from exports import markdown
from exports.contracts import Declaration, Evidence, Foundation, Outcome
from exports.fonts import FONT_FAMILIES
from exports.text import made_line, paragraphs, version_line
from exports.typesetting import compile_template

DocumentFormat = Literal["pdf", "docx", "md"]
OUTCOME_COLUMNS = ("Outcome", "Definition", "Baseline", "Target", "Period", "Data source")
_UNIT_SUFFIX = {"percentage": "%", "rate": "", "count": "", "scale": "", "yes_no": ""}


def format_value(value: float | None, unit: str) -> str:
    """A baseline or target as people read it: 40.0 percentage -> '40%', yes_no 1 -> 'Yes'."""
    if value is None:
        return "-"
    if unit == "yes_no":
        return "Yes" if value else "No"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return number + _UNIT_SUFFIX.get(unit, "")


def direction_label(outcome: Outcome) -> str:
    return "higher is better" if outcome.get("direction") == "higher" else "lower is better"


EASY_READ_NOTE = "There is no Easy Read version of this part yet. This is the standard text."


def render_document(*, declaration: Declaration, fmt: DocumentFormat, easy_read: bool = False) -> bytes:
    """The declaration document in ``fmt`` (pdf, docx or md), as bytes; ``easy_read`` makes the Easy Read
    version (short points with their pictures; standard text with a note where a part has none)."""
    if easy_read:
        return render_easy_read(declaration=declaration, fmt=fmt)
    if fmt == "pdf":
        return render_pdf(declaration=declaration)
    if fmt == "docx":
        return render_docx(declaration=declaration)
    if fmt == "md":
        return render_markdown(declaration=declaration).encode("utf-8")
    raise ValueError(f"Unknown document format {fmt!r}")


def write_document(*, declaration: Declaration, path: str | Path) -> Path:
    """Write the document to ``path``; the format follows its suffix (.pdf, .docx or .md)."""
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "docx", "md"):
        raise ValueError(f"Cannot tell the document format from {target.name!r}: use .pdf, .docx or .md")
    target.write_bytes(render_document(declaration=declaration, fmt=fmt))
    return target


def easy_read_parts(declaration: Declaration) -> list[tuple[str, list, list[str]]]:
    """(title, points, standard paragraphs) for the preamble (title "") and each foundation."""
    frozen = declaration.get("easy_read") or {"preamble": [], "foundations": {}}
    parts = [("", list(frozen.get("preamble", [])), paragraphs(declaration.get("preamble")))]
    for f in declaration["foundations"]:
        standard = (
            paragraphs(f["statement"]) + paragraphs(f.get("looks_like")) + paragraphs(f.get("how_to_achieve"))
        )
        parts.append((f["title"], list(frozen.get("foundations", {}).get(f["slug"], [])), standard))
    return parts


def render_easy_read(*, declaration: Declaration, fmt: DocumentFormat) -> bytes:
    parts = easy_read_parts(declaration)
    if fmt == "pdf":

        def points(items: list) -> list[dict]:
            return [{"text": p["text"], "alt": p.get("alt") or "", "svg": p.get("svg") or ""} for p in items]

        data = {
            "title": declaration["title"],
            "version_line": _version_line(declaration),
            "public_url": declaration["public_url"],
            "fonts": list(FONT_FAMILIES),
            "note": EASY_READ_NOTE,
            "preamble": points(parts[0][1]),
            "preamble_standard": parts[0][2],
            "foundations": [{"title": t, "points": points(p), "standard": s} for t, p, s in parts[1:]],
        }
        result = compile_template(template="easyread.typ", data=data, fmt="pdf")
        assert isinstance(result, bytes)
        return result
    if fmt == "docx":
        doc = new_docx()
        doc.core_properties.title = f"{declaration['title']} (Easy Read)"
        doc.styles["Normal"].font.name = FONT_FAMILIES[0]
        doc.styles["Normal"].font.size = Pt(16)
        doc.add_heading(declaration["title"], level=0)
        doc.add_paragraph(f"Easy Read. {_version_line(declaration)}")
        for title, items, standard in parts:
            if title:
                doc.add_heading(title, level=1)
            if not items:
                doc.add_paragraph(EASY_READ_NOTE).runs[0].italic = True
            for text in [p["text"] for p in items] or standard:
                doc.add_paragraph(text)
        doc.add_paragraph(declaration["public_url"])
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
    esc = markdown.escape
    lines = [f"# {esc(declaration['title'])}", "", f"*Easy Read. {esc(_version_line(declaration))}*", ""]
    for title, items, standard in parts:
        if title:
            lines += [f"## {esc(title)}", ""]
        if not items:
            lines += [f"*{esc(EASY_READ_NOTE)}*", ""]
        for text in [p["text"] for p in items] or standard:
            lines += [esc(text), ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _version_line(declaration: Declaration) -> str:
    return version_line(
        version=declaration["version"],
        status=declaration["status"],
        published_at=declaration.get("published_at"),
    )


def _reference(evidence: Evidence) -> str:
    return evidence.get("reference") or ""


def render_pdf(*, declaration: Declaration) -> bytes:
    data = {
        "title": declaration["title"],
        "version_line": _version_line(declaration),
        "change_note": declaration.get("change_note") or "",
        "made_line": made_line(declaration["stats"]),
        "preamble": paragraphs(declaration.get("preamble")),
        "public_url": declaration["public_url"],
        "watermark": None if declaration["status"] == "published" else "DRAFT",
        "fonts": list(FONT_FAMILIES),
        "foundations": [
            {
                "title": f["title"],
                "statement": paragraphs(f["statement"]),
                "looks_like": paragraphs(f.get("looks_like")),
                "how_to_achieve": paragraphs(f.get("how_to_achieve")),
                "outcomes": [
                    {
                        "name": o["name"],
                        "direction_label": direction_label(o),
                        "definition": o["definition"],
                        "baseline": format_value(o.get("baseline"), o["unit"]),
                        "target": format_value(o.get("target"), o["unit"]),
                        "period": o.get("period") or "",
                        "data_source": o.get("data_source") or "",
                    }
                    for o in f.get("outcomes", [])
                ],
                "evidence": [
                    {
                        "kind": e["kind"],
                        "text": " ".join(e["text"].split()),
                        "attribution": e.get("attribution") or "",
                        "reference": _reference(e),
                    }
                    for e in f.get("evidence", [])
                ],
            }
            for f in declaration["foundations"]
        ],
    }
    result = compile_template(template="document.typ", data=data, fmt="pdf")
    assert isinstance(result, bytes)
    return result


def render_docx(*, declaration: Declaration) -> bytes:
    doc = new_docx()
    doc.core_properties.title = declaration["title"]
    normal = doc.styles["Normal"]
    normal.font.name = FONT_FAMILIES[0]
    normal.font.size = Pt(11)
    doc.add_heading(declaration["title"], level=0)
    meta = doc.add_paragraph(_version_line(declaration))
    if declaration["status"] != "published":
        meta.add_run(" DRAFT").bold = True
    if declaration.get("change_note"):
        doc.add_paragraph(declaration["change_note"]).runs[0].italic = True
    doc.add_paragraph(made_line(declaration["stats"]))
    for paragraph in paragraphs(declaration.get("preamble")):
        doc.add_paragraph(paragraph)
    for number, foundation in enumerate(declaration["foundations"], start=1):
        _docx_foundation(doc, number, foundation)
    doc.add_paragraph(declaration["public_url"])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_foundation(doc: object, number: int, foundation: Foundation) -> None:
    doc.add_heading(f"{number}. {foundation['title']}", level=1)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
    for part in paragraphs(foundation["statement"]):
        doc.add_paragraph(style="Intense Quote").add_run(part).bold = True  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
    for heading, text in (("What it looks like", "looks_like"), ("How to achieve it", "how_to_achieve")):
        if foundation.get(text):
            doc.add_heading(heading, level=2)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
            for paragraph in paragraphs(foundation[text]):  # type: ignore[literal-required]  # the key is one of the TypedDict's text fields, taken from a fixed tuple
                doc.add_paragraph(paragraph)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
    outcomes = foundation.get("outcomes", [])
    if outcomes:
        doc.add_heading("Outcomes", level=2)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
        table = doc.add_table(rows=1, cols=len(OUTCOME_COLUMNS))  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, title in zip(table.rows[0].cells, OUTCOME_COLUMNS, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(title).bold = True
        for outcome in outcomes:
            cells = table.add_row().cells
            for cell, value in zip(cells, _outcome_row(outcome), strict=True):
                cell.text = value
    evidence = foundation.get("evidence", [])
    if evidence:
        doc.add_heading("Evidence", level=2)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
        for item in evidence:
            text = f"\u201c{item['text']}\u201d" if item["kind"] == "quote" else item["text"]
            doc.add_paragraph(text, style="Quote")  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
            source = f"\u2014 {item.get('attribution') or ''}"
            if _reference(item):
                source += f" ({_reference(item)})"
            run = doc.add_paragraph().add_run(source)  # type: ignore[attr-defined]  # python-docx's Document() is a factory whose return type is not declared
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x4C, 0x62, 0x72)


def _outcome_row(outcome: Outcome) -> tuple[str, ...]:
    return (
        f"{outcome['name']} ({direction_label(outcome)})",
        outcome["definition"],
        format_value(outcome.get("baseline"), outcome["unit"]),
        format_value(outcome.get("target"), outcome["unit"]),
        outcome.get("period") or "",
        outcome.get("data_source") or "",
    )


def render_markdown(*, declaration: Declaration) -> str:
    esc = markdown.escape
    lines = [f"# {esc(declaration['title'])}", "", f"*{esc(_version_line(declaration))}*", ""]
    if declaration["status"] != "published":
        lines += ["**DRAFT - not yet published**", ""]
    if declaration.get("change_note"):
        lines += [f"Change note: {esc(declaration['change_note'])}", ""]
    lines += [esc(made_line(declaration["stats"])), ""]
    for paragraph in paragraphs(declaration.get("preamble")):
        lines += [esc(paragraph), ""]
    for number, f in enumerate(declaration["foundations"], start=1):
        lines += [f"## {number}\\. {esc(f['title'])}", ""]
        lines += [line for part in paragraphs(f["statement"]) for line in (f"> **{esc(part)}**", ">")][:-1]
        lines += [""]
        for heading, key in (("What it looks like", "looks_like"), ("How to achieve it", "how_to_achieve")):
            if f.get(key):
                lines += [f"### {heading}", ""]
                for paragraph in paragraphs(f[key]):  # type: ignore[literal-required]  # the key is one of the TypedDict's text fields, taken from a fixed tuple
                    lines += [esc(paragraph), ""]
        if f.get("outcomes"):
            lines += ["### Outcomes", "", "| " + " | ".join(OUTCOME_COLUMNS) + " |"]
            lines += ["|" + "---|" * len(OUTCOME_COLUMNS)]
            for outcome in f["outcomes"]:
                lines.append("| " + " | ".join(markdown.table_cell(v) for v in _outcome_row(outcome)) + " |")
            lines.append("")
        if f.get("evidence"):
            lines += ["### Evidence", ""]
            for item in f["evidence"]:
                text = f"\u201c{esc(item['text'])}\u201d" if item["kind"] == "quote" else esc(item["text"])
                source = esc(item.get("attribution") or "")
                if _reference(item):
                    source += f" ({esc(_reference(item))})"
                lines += [f"> {text}", ">", f"> \u2014 {source}", ""]
    lines += [f"<{declaration['public_url']}>" if _is_plain_url(declaration["public_url"]) else "", ""]
    return "\n".join(lines).rstrip() + "\n"


def _is_plain_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and not any(c in url for c in "<> \n")
