"""What erasure does beyond the participant's own rows: the frozen texts and logs that mention them.

A published declaration version is frozen JSON; an audit entry, a curation action, a theme or opinion run
keep JSON of their own. Erasure goes through every JSON column of every table (found from the models, so
a table added later is covered too) and through the audit notes:

- a quote of the person in a frozen declaration snapshot goes (contributions removed) or keeps its words
  with the anonymous attribution a live page would give it now (contributions kept);
- a value that *is* the person's name (a signer's name, a display name) becomes ``ERASED``; their email
  address and, when the contributions go, the texts they wrote are cut out wherever they appear.

The action, the time and the ids stay: a log still says what happened, no longer who it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import String, cast, or_, update
from sqlmodel import Session, SQLModel, col, select

from crowd.models import AuditEntry, Contribution, DeclarationVersion, Participant

ERASED = "[erased]"
MIN_TEXT = 12  # shorter texts are not cut out of other texts (too likely to be someone else's words)


def scrub_everywhere(
    session: Session,
    *,
    names: Iterable[str],
    emails: Iterable[str],
    contribution_ids: Iterable[int],
    texts: Iterable[str],
    keep_contributions: bool,
) -> int:
    """Scrub the person out of every frozen snapshot, JSON column and audit note; the rows changed."""
    exact = {n.strip() for n in names if n and n.strip()}
    inner = sorted({e for e in emails if e} | {t for t in texts if t and len(t) >= MIN_TEXT}, key=len)[::-1]
    quoted = {f"contribution:{i}" for i in contribution_ids}
    changed = _rerender_snapshots(session, quoted=quoted, keep=keep_contributions)
    needles = [*exact, *inner]
    if not needles:
        return changed
    for table in SQLModel.metadata.sorted_tables:
        json_columns = [c for c in table.columns if c.type.__class__.__name__ == "JSON"]
        for column in json_columns:
            changed += _scrub_json_column(session, table, column, needles, exact, inner)
    for entry in session.exec(select(AuditEntry).where(_contains_any(col(AuditEntry.note), needles))):
        entry.note = _scrub(entry.note, exact, inner)
        session.add(entry)
        changed += 1
    return changed


def _rerender_snapshots(session: Session, *, quoted: set[str], keep: bool) -> int:
    from crowd.services.declaration.foundations import quote_attribution

    if not quoted:
        return 0
    changed = 0
    versions = session.exec(select(DeclarationVersion).where(col(DeclarationVersion.snapshot).is_not(None)))
    for version in versions:
        snapshot = json.loads(json.dumps(version.snapshot))
        touched = False
        for foundation in snapshot.get("foundations", []):
            kept_items = []
            for item in foundation.get("evidence", []):
                if item.get("kind") == "quote" and item.get("reference") in quoted:
                    touched = True
                    if not keep:
                        continue  # the quote goes with the contributions
                    contribution = session.get(Contribution, int(item["reference"].split(":", 1)[1]))
                    item = {
                        **item,
                        "attribution": quote_attribution(contribution, None) if contribution else "",
                    }
                kept_items.append(item)
            foundation["evidence"] = kept_items
        if touched:
            session.execute(
                update(DeclarationVersion)
                .where(col(DeclarationVersion.id) == version.id)
                .values(snapshot=snapshot)
            )
            changed += 1
    return changed


def _scrub_json_column(session: Session, table, column, needles, exact, inner) -> int:
    primary = list(table.primary_key.columns)
    if not primary:
        return 0
    rows = session.execute(
        select(*primary, column).where(_contains_any(column, needles, json_text=True))
    ).all()
    changed = 0
    for *key, value in rows:
        scrubbed = _scrub(value, exact, inner)
        if scrubbed != value:
            condition = [c == k for c, k in zip(primary, key, strict=True)]
            session.execute(update(table).where(*condition).values({column.name: scrubbed}))
            changed += 1
    return changed


def _contains_any(column, needles: list[str], *, json_text: bool = False):
    """A pre-filter in SQL: the column's text holds one of the needles (as written, or JSON-escaped)."""
    text = cast(column, String) if json_text else column
    forms = set()
    for needle in needles:
        forms.add(needle)
        forms.add(json.dumps(needle)[1:-1])  # how a JSON column stores non-ASCII and quotes
    return or_(*(text.contains(form, autoescape=True) for form in forms))


def _scrub(value, exact: set[str], inner: list[str]):
    if isinstance(value, str):
        if value.strip() in exact:
            return ERASED
        for needle in inner:
            if needle in value:
                value = value.replace(needle, ERASED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, exact, inner) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, exact, inner) for item in value]
    return value


def person_needles(session: Session, person: Participant) -> tuple[set[str], set[str]]:
    """(names, emails) that identify ``person``: display name, the names they signed with, email."""
    from crowd.models import Signatory

    names = {person.display_name} if person.display_name else set()
    names |= {
        name
        for name in session.exec(select(Signatory.signer_name).where(Signatory.participant_id == person.id))
        if name
    }
    return names, ({person.email} if person.email else set())
