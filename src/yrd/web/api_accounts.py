"""The JSON API of accounts: who am I, API tokens, users (admin), the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from yrd.supervise import accounts, audit
from yrd.supervise.roles import ROLES, Principal
from yrd.web.auth import AUTH_RESPONSES, ActorDep, requires
from yrd.web.deps import DatabaseDep, RecordId, SessionDep
from yrd.web.schemas import ErrorPublic

router = APIRouter(prefix="/api", tags=["accounts"])


class MePublic(BaseModel):
    authenticated: bool
    username: str
    role: str = Field(description=f"one of {', '.join(ROLES)}")
    bodies: list[str] = Field(description="responsible bodies a reporter acts for (region codes, …)")
    permissions: list[str] = Field(
        description="what this request may do: the role's grants, narrowed by the token's scopes"
    )
    via: str = Field(description="session, token or anonymous")


class TokenPublic(BaseModel):
    id: int
    user: str
    name: str
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    scopes: list[str]
    expires_at: str | None
    revoked_at: str | None


class TokenCreated(TokenPublic):
    token: str = Field(description="the secret, shown only in this answer; it is stored hashed")


class TokenIn(BaseModel):
    name: str = Field("", max_length=120, examples=["import script"])
    scopes: list[str] | None = Field(
        None, description="permissions to keep (none: all of the role)", examples=[["stats:import"]]
    )
    expires_days: int | None = Field(None, ge=1, le=3650)
    user: str | None = Field(None, max_length=64, description="for another user (needs user:manage)")


class UserPublic(BaseModel):
    username: str
    display_name: str
    role: str
    bodies: list[str]
    active: bool


class UserIn(BaseModel):
    username: str = Field(max_length=64, examples=["anhui-reporter"])
    password: str = Field(min_length=1, max_length=1024)
    role: str = Field(examples=["reporter"], description=f"one of {', '.join(ROLES)}")
    bodies: list[str] = Field(default_factory=list, examples=[["340000"]])
    display_name: str = Field("", max_length=120)


class UserPatch(BaseModel):
    role: str | None = Field(None, max_length=16)
    bodies: list[str] | None = None
    display_name: str | None = Field(None, max_length=120)
    active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=1024)


class AuditEntryPublic(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    entity: str
    before: object | None
    after: object | None
    prev_hash: str
    hash: str


class AuditVerifyPublic(BaseModel):
    ok: bool
    checked: int
    first_bad: int | None = Field(description="the first altered, unlinked or missing entry")
    reason: str


def _me(actor: Principal) -> MePublic:
    return MePublic(
        authenticated=actor.authenticated,
        username=actor.username,
        role=actor.role,
        bodies=list(actor.bodies),
        permissions=sorted(actor.permissions),
        via=actor.via,
    )


@router.get("/me", response_model=MePublic, summary="Who is asking", responses=AUTH_RESPONSES)
def me(actor: ActorDep) -> MePublic:
    return _me(actor)


@router.get(
    "/tokens",
    response_model=list[TokenPublic],
    summary="API tokens (one's own; admins: all)",
    responses=AUTH_RESPONSES,
)
def tokens(
    session: SessionDep,
    actor: Annotated[Principal, requires("account:tokens")],
    user: Annotated[str | None, Query(max_length=64)] = None,
) -> list[TokenPublic]:
    return [TokenPublic(**t.public()) for t in accounts.list_tokens(session, actor, user)]  # type: ignore[arg-type]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token",
    responses={**AUTH_RESPONSES, 400: {"model": ErrorPublic}},
)
def create_token(db: DatabaseDep, body: TokenIn, actor: Annotated[Principal, requires("account:tokens")]):  # type: ignore[no-untyped-def]
    token, secret = accounts.create_token(
        db,
        actor,
        body.user or actor.username,
        name=body.name,
        scopes=body.scopes,
        expires_days=body.expires_days,
    )
    return TokenCreated(**token.public(), token=secret)  # type: ignore[arg-type]


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenPublic,
    summary="Revoke an API token",
    responses={**AUTH_RESPONSES, 404: {"model": ErrorPublic}},
)
def revoke_token(
    db: DatabaseDep, token_id: RecordId, actor: Annotated[Principal, requires("account:tokens")]
) -> TokenPublic:
    return TokenPublic(**accounts.revoke_token(db, actor, token_id).public())  # type: ignore[arg-type]


@router.get("/users", response_model=list[UserPublic], summary="Accounts (admin)", responses=AUTH_RESPONSES)
def users(session: SessionDep, _actor: Annotated[Principal, requires("user:manage")]) -> list[UserPublic]:
    return [UserPublic(**u.public()) for u in accounts.list_users(session)]  # type: ignore[arg-type]


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    summary="Create an account (admin)",
    responses={**AUTH_RESPONSES, 400: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def create_user(db: DatabaseDep, body: UserIn, actor: Annotated[Principal, requires("user:manage")]):  # type: ignore[no-untyped-def]
    user = accounts.create_user(
        db, actor, body.username, body.password, body.role, bodies=body.bodies, display_name=body.display_name
    )
    return UserPublic(**user.public())  # type: ignore[arg-type]


@router.patch(
    "/users/{username}",
    response_model=UserPublic,
    summary="Change an account (admin)",
    responses={**AUTH_RESPONSES, 400: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
def update_user(
    db: DatabaseDep, username: str, body: UserPatch, actor: Annotated[Principal, requires("user:manage")]
) -> UserPublic:
    if body.password is not None:
        accounts.set_password(db, actor, username, body.password)
    user = accounts.update_user(
        db,
        actor,
        username,
        role=body.role,
        bodies=body.bodies,
        display_name=body.display_name,
        active=body.active,
    )
    return UserPublic(**user.public())  # type: ignore[arg-type]


@router.get(
    "/audit",
    response_model=list[AuditEntryPublic],
    summary="The audit log, newest first",
    responses=AUTH_RESPONSES,
)
def audit_entries(
    session: SessionDep,
    _actor: Annotated[Principal, requires("audit:read")],
    entity: Annotated[str | None, Query(max_length=128, examples=["task:12"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryPublic]:
    return [
        AuditEntryPublic(
            seq=e.seq,
            at=e.at.isoformat(),
            actor=e.actor,
            action=e.action,
            entity=e.entity,
            before=e.before,
            after=e.after,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in audit.entries(session, entity=entity, limit=limit)
    ]


@router.get(
    "/audit/verify",
    response_model=AuditVerifyPublic,
    summary="Check the audit log's hash chain",
    responses=AUTH_RESPONSES,
)
def audit_verify(
    session: SessionDep, _actor: Annotated[Principal, requires("audit:read")]
) -> AuditVerifyPublic:
    result = audit.verify(session)
    return AuditVerifyPublic(
        ok=result.ok, checked=result.checked, first_bad=result.first_bad, reason=result.reason
    )
