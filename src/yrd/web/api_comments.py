"""The JSON API of public comments: read the published ones, post one, and the moderators' queue.

Each route parses its input, calls `yrd.supervise.comments` (which checks who may do what) and
shapes the result; errors take the app's one error shape (401, 403, 404, 409, 429 with
``Retry-After``). Text comes back exactly as it was typed: clients escape it where they show it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from yrd.supervise import comments
from yrd.supervise.roles import Principal
from yrd.web.auth import AUTH_RESPONSES, ActorDep, client_key, requires
from yrd.web.deps import DatabaseDep, RecordId, SessionDep
from yrd.web.pages_comments import subject_href
from yrd.web.schemas import ErrorPublic

router = APIRouter(prefix="/api", tags=["comments"])

SubjectKind = Literal["unit", "target", "project", "task"]
Status = Literal["pending", "published", "rejected"]
_UNIT = "chp_5__sec_1__para_3"

BAD_INPUT: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "a field is empty, too long or holds control characters"},
    404: {"model": ErrorPublic, "description": "the subject (or comment) does not exist"},
    422: {"model": ErrorPublic, "description": "a parameter has the wrong type or value"},
}
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorPublic,
        "description": f"too many comments from this address ({comments.limits_text()}); "
        "the Retry-After header says how many seconds to wait",
    }
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorPublic,
        "description": "the comment changed since you read it: read the queue again and send the new version",
    }
}


class CommentIn(BaseModel):
    """A new comment. Anyone may post; it is shown once a coordinator publishes it."""

    subject_kind: SubjectKind = Field(description="what is commented on", examples=["unit"])
    subject_id: str = Field(
        min_length=1,
        max_length=200,
        description="a unit's eId, a target's id (target:eid:start-end), or a task's or project's number",
        examples=[_UNIT],
    )
    plan_id: str | None = Field(
        None, max_length=64, description="the plan (needed for units)", examples=["yrd-outline-2019"]
    )
    text: str = Field(
        description=f"plain text, 1 to {comments.TEXT_MAX} characters after trimming; line breaks and "
        "tabs are kept, other control characters are refused; never HTML",
        examples=["建议公布城际铁路项目的年度建设进度。"],
    )
    author_name: str = Field(
        "",
        description=f"the name to show, at most {comments.NAME_MAX} characters (empty: anonymous, or "
        "the account's name when logged in)",
        examples=["张三"],
    )


class CommentPublic(BaseModel):
    """A comment as everyone sees it once published."""

    id: int
    subject_kind: str = Field(examples=["unit"])
    subject_id: str = Field(examples=[_UNIT])
    plan_id: str | None = Field(examples=["yrd-outline-2019"])
    author_name: str = Field(description="as typed; empty for an anonymous author")
    text: str = Field(description="plain text exactly as typed (escape it to show it in HTML)")
    status: Status = Field(description="pending until moderated, then published or rejected")
    created_at: datetime
    links: dict[str, str | None] = Field(description="html: the page of the subject")


class CommentsPublic(BaseModel):
    data: list[CommentPublic]
    count: int


class CommentModeration(CommentPublic):
    """A comment as moderators see it: with its moderation and the version to send back."""

    user_id: int | None = Field(description="the account that posted it, if logged in")
    moderator_id: int | None
    moderated_at: datetime | None
    moderation_note: str
    version: int = Field(description="send it back with a decision (optimistic locking)")


class QueuePublic(BaseModel):
    data: list[CommentModeration]
    count: int = Field(description="comments in this answer")
    counts: dict[str, int] = Field(description="all comments by status", examples=[{"pending": 3}])


class ModerationIn(BaseModel):
    decision: Literal["publish", "reject"] = Field(examples=["publish"])
    note: str = Field(
        "", description=f"why, for the record (at most {comments.NOTE_MAX} characters)", examples=["属实"]
    )
    version: int = Field(ge=1, description="the comment's version as read from the queue", examples=[1])


def _public(c: comments.Comment) -> dict[str, Any]:
    return {"id": c.id, "subject_kind": c.subject_kind, "subject_id": c.subject_id, "plan_id": c.plan_id,
            "author_name": c.author_name, "text": c.text, "status": c.status, "created_at": c.created_at,
            "links": {"html": subject_href(c.subject_kind, c.subject_id, c.plan_id)}}  # fmt: skip


def _moderation(c: comments.Comment) -> dict[str, Any]:
    return _public(c) | {"user_id": c.user_id, "moderator_id": c.moderator_id,
                         "moderated_at": c.moderated_at, "moderation_note": c.moderation_note,
                         "version": c.version}  # fmt: skip


@router.get(
    "/comments",
    response_model=CommentsPublic,
    summary="The published comments on a unit, target, task or project, oldest first",
    responses={422: BAD_INPUT[422]},
)
def list_comments(
    session: SessionDep,
    subject_kind: Annotated[SubjectKind, Query(description="unit, target, task or project")],
    subject_id: Annotated[str, Query(max_length=200, description="its eId, id or number", examples=[_UNIT])],
    plan_id: Annotated[
        str | None, Query(max_length=64, description="the plan (units: to tell plans apart)")
    ] = None,
) -> dict[str, Any]:
    data = [_public(c) for c in comments.published(session, subject_kind, subject_id, plan_id)]
    return {"data": data, "count": len(data)}


@router.post(
    "/comments",
    response_model=CommentPublic,
    status_code=201,
    summary="Post a comment (anyone; shown after moderation)",
    responses={**AUTH_RESPONSES, **BAD_INPUT, **THROTTLED},
)
def post_comment(request: Request, db: DatabaseDep, body: CommentIn, actor: ActorDep) -> dict[str, Any]:
    """Anonymous visitors may post too; a browser with cookies sends its page's CSRF token in
    ``X-CSRF-Token``. The answer says whether the comment waits (``pending``) or is shown."""
    comment = comments.post_comment(
        db,
        actor,
        subject_kind=body.subject_kind,
        subject_id=body.subject_id,
        plan_id=body.plan_id,
        text=body.text,
        author_name=body.author_name,
        client=client_key(request),
    )
    return _public(comment)


@router.get(
    "/comments/queue",
    response_model=QueuePublic,
    summary="Comments to moderate (coordinators and admins)",
    responses={**AUTH_RESPONSES, 400: BAD_INPUT[400], 422: BAD_INPUT[422]},
)
def moderation_queue(
    session: SessionDep,
    _actor: Annotated[Principal, requires("comment:moderate")],
    status: Annotated[Status, Query(description="pending: oldest first; others: latest decided first")] = (
        "pending"
    ),
    limit: Annotated[int, Query(ge=1, le=comments.QUEUE_MAX)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    data = [_moderation(c) for c in comments.queue(session, status, limit, offset)]
    return {"data": data, "count": len(data), "counts": comments.counts(session)}


@router.post(
    "/comments/{comment_id}/moderation",
    response_model=CommentModeration,
    summary="Publish or reject a comment (coordinators and admins)",
    responses={**AUTH_RESPONSES, **BAD_INPUT, **CONFLICT},
)
def moderate_comment(
    db: DatabaseDep,
    comment_id: RecordId,
    body: ModerationIn,
    actor: Annotated[Principal, requires("comment:moderate")],
) -> dict[str, Any]:
    comment = comments.moderate(
        db, actor, comment_id, decision=body.decision, note=body.note, version=body.version
    )
    return _moderation(comment)
