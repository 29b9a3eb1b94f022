"""Single sign-on for staff with OpenID Connect: the configured providers, and the account a sign-in gives.

Providers come from OIDC_PROVIDERS, a JSON list; each names its issuer, client id and secret, the email
domains it may sign in (an address must end in one of them, or in a sub-domain), and optionally which
access level a domain gives (a sign-in never lowers an account's level). The protocol (PKCE, state,
nonce, the ID token's signature, issuer and audience) is Authlib's, in `crowd.web.sso`; this module
only decides who the verified claims are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from crowd.models import Access, Participant
from crowd.services import audit
from crowd.services.errors import DomainError
from crowd.services.people.auth import normalise_email

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
LEVELS = {a.value: a for a in Access}


class ProviderConfigError(ValueError):
    """OIDC_PROVIDERS cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Provider:
    name: str  # in the addresses: /auth/sso/<name>
    label: str  # "Sign in with <label>"
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]
    access: dict[str, Access] = field(default_factory=dict)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows(self, domain: str) -> bool:
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def level_for(self, domain: str) -> Access:
        matches = [d for d in self.access if domain == d or domain.endswith("." + d)]
        return self.access[max(matches, key=len)] if matches else Access.PARTICIPANT


def providers_from(raw: str) -> list[Provider]:
    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ProviderConfigError(
            f"OIDC_PROVIDERS is not valid JSON ({error.msg} at character {error.pos})."
        ) from None
    if not isinstance(entries, list):
        raise ProviderConfigError("OIDC_PROVIDERS must be a JSON list of providers.")
    providers, names = [], set()
    for i, entry in enumerate(entries):
        where = f"OIDC_PROVIDERS entry {i + 1}"
        if not isinstance(entry, dict):
            raise ProviderConfigError(f"{where} must be an object.")
        missing = [k for k in ("name", "issuer", "client_id", "client_secret", "domains") if not entry.get(k)]
        if missing:
            raise ProviderConfigError(f"{where} needs {', '.join(missing)}.")
        name = str(entry["name"]).lower()
        if not NAME.fullmatch(name) or name in names:
            raise ProviderConfigError(f"{where}: name must be unique lower-case letters, digits and hyphens.")
        issuer = str(entry["issuer"]).rstrip("/")
        if not (issuer.startswith("https://") or issuer.startswith(("http://127.0.0.1", "http://localhost"))):
            raise ProviderConfigError(f"{where}: the issuer must be an https:// address.")
        domains = entry["domains"]
        if not isinstance(domains, list) or not all(isinstance(d, str) and d.strip() for d in domains):
            raise ProviderConfigError(f'{where}: domains must be a list of email domains, like ["nhs.net"].')
        access = {}
        for domain, level in (entry.get("access") or {}).items():
            if level not in LEVELS:
                raise ProviderConfigError(
                    f"{where}: access level {level!r} must be one of {', '.join(LEVELS)}."
                )
            access[domain.lower()] = LEVELS[level]
        names.add(name)
        providers.append(
            Provider(
                name=name,
                label=str(entry.get("label") or name),
                issuer=issuer,
                client_id=str(entry["client_id"]),
                client_secret=str(entry["client_secret"]),
                domains=tuple(d.strip().lower().lstrip("@") for d in domains),
                access=access,
            )  # fmt: skip
        )
    return providers


def account_for(
    session: Session, *, provider: Provider, claims: dict, admin_emails: tuple[str, ...] = ()
) -> Participant:
    """The participant a verified ID token names: the account with that email, or a new one."""
    try:
        email = normalise_email(str(claims.get("email") or ""))
    except DomainError:
        raise DomainError(f"{provider.label} did not give crowd a usable email address, so you cannot be signed in "
                          "this way. Ask for a sign-in link by email instead.") from None  # fmt: skip
    if claims.get("email_verified") is False:
        raise DomainError(f"{provider.label} says your email address is not verified yet. Ask for a sign-in link "
                          "by email instead.")  # fmt: skip
    domain = email.rsplit("@", 1)[1]
    if not provider.allows(domain):
        raise DomainError(f"Signing in with {provider.label} is for {', '.join('@' + d for d in provider.domains)} "
                          "addresses only. Ask for a sign-in link by email instead.")  # fmt: skip
    participant = session.exec(select(Participant).where(Participant.email == email)).first()
    level = Access.ADMIN if email in admin_emails else provider.level_for(domain)
    created = participant is None
    if participant is None:
        participant = Participant(email=email, access=level, display_name=str(claims.get("name") or "")[:80])
        session.add(participant)
        session.flush()
    elif participant.erased_at is not None:
        raise DomainError("This account was erased at its owner's request.")
    elif not participant.access.allows(level):
        participant.access = level
        session.add(participant)
    audit.record(session, actor_id=participant.id, action="sign_in.sso", target_type="participant",
                 target_id=participant.id, after={"provider": provider.name, "created": created,
                                                  "access": participant.access.value})  # fmt: skip
    return participant
