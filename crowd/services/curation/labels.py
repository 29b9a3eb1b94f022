"""Rename a theme and mark it reviewed or out of scope: one theme changed in place, version-checked and logged."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from crowd.models import (
    Theme,
    ThemeStatus,
)
from crowd.services.curation import editing
from crowd.services.curation import log as curation_log
from crowd.services.errors import DomainError, ValidationFailed


def rename(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    label: str,
    description: str = "",
) -> Theme:
    """Set the label and description; the theme becomes curated, so runs keep this label."""
    label, description = " ".join(label.split()), description.replace("\r\n", "\n").strip()
    errors = {}
    if not label:
        errors["label"] = "Enter a name for the theme"
    elif len(label) > editing.LABEL_LIMIT:
        errors["label"] = f"The name must be {editing.LABEL_LIMIT} characters or fewer"
    if len(description) > editing.DESCRIPTION_LIMIT:
        errors["description"] = f"The description must be {editing.DESCRIPTION_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationFailed(errors)

    def change(theme: Theme) -> str:
        summary = f'Renamed "{theme.label}" to "{label}"'
        theme.label, theme.description, theme.curated = label, description, True
        theme.provenance = [
            *theme.provenance,
            editing.event("renamed", editing.latest_run_id(session, theme.workshop_id), label=label),
        ]
        return summary

    return _edit_one(
        session, actor_id=actor_id, theme_id=theme_id, version=version, action="rename", change=change
    )


def set_marks(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    reviewed: bool | None = None,
    out_of_scope: bool | None = None,
) -> Theme:
    """Mark a theme reviewed (or not) and out of scope (or back in scope)."""

    def change(theme: Theme) -> str:
        said = []
        if reviewed is not None:
            theme.reviewed = reviewed
            theme.is_new = False if reviewed else theme.is_new
            said.append("reviewed" if reviewed else "not reviewed")
        if out_of_scope is not None:
            theme.status = ThemeStatus.OUT_OF_SCOPE if out_of_scope else ThemeStatus.ACTIVE
            said.append("out of scope" if out_of_scope else "in scope")
            event = "out_of_scope" if out_of_scope else "in_scope"
            theme.provenance = [
                *theme.provenance,
                editing.event(event, editing.latest_run_id(session, theme.workshop_id)),
            ]
        if not said:
            raise DomainError("Choose what to mark.")
        return f'Marked "{theme.label}" {" and ".join(said)}'

    return _edit_one(
        session, actor_id=actor_id, theme_id=theme_id, version=version, action="mark", change=change
    )


def _edit_one(
    session: Session,
    *,
    actor_id: int | None,
    theme_id: int,
    version: int | None,
    action: str,
    change: Callable[[Theme], str],
) -> Theme:
    """Change one theme in place: claim its version (refusing a stale edit), apply `change` (which
    returns the log's summary line) and log the action with the theme before and after."""
    theme = editing.editable_theme(session, theme_id=theme_id)
    curation_log.claim_version(session, theme=theme, expected=version)
    before = curation_log.snapshot(session, [theme])
    old = curation_log.summary_of(theme)
    summary = change(theme)
    session.add(theme)
    curation_log.record(
        session,
        workshop_id=theme.workshop_id,
        actor_id=actor_id,
        action=action,
        summary=summary,
        themes_before=before,
        touched=[theme.id],
        before=old,
        after=curation_log.summary_of(theme),
    )
    return theme
