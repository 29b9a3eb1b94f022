"""SQLModel tables grouped by domain. Importing this package registers every table."""

from crowd.models.audit import AuditEntry
from crowd.models.people import (
    Access,
    CareRole,
    LoginToken,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Participant,
)
from crowd.models.workshop import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Flag,
    PollAnswer,
    PollChoice,
    Section,
    Stream,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)

__all__ = [
    "Access",
    "AuditEntry",
    "CareRole",
    "Contribution",
    "ContributionKind",
    "ContributionStatus",
    "Flag",
    "LoginToken",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "Participant",
    "PollAnswer",
    "PollChoice",
    "Section",
    "Stream",
    "Vote",
    "VoteChoice",
    "Workshop",
    "WorkshopStatus",
]
