"""Comment threads on a contract; ``@username`` (or ``mentions``) notifies a colleague."""

from __future__ import annotations

from fastapi import APIRouter

from api import present, schemas
from api.deps import ClientIP, CurrentUser, PageParams, SessionDep, deny_money_only
from api.routes.contracts import load_contract
from review_service.repository import audit, service
from review_service.repository.errors import InvalidRequestError
from review_service.repository.models import Comment

router = APIRouter(prefix="/contracts/{contract_id}/comments", tags=["comments"])


def comment_public(comment: Comment) -> schemas.CommentPublic:
    author = present.user_ref(comment.author)
    assert author is not None
    return schemas.CommentPublic(id=comment.id, contract_id=comment.contract_id, author=author, body=comment.body,
                                 parent_id=comment.parent_id, deviation_id=comment.deviation_id,
                                 mentions=[u.username for u in comment.mentions], created_at=comment.created_at,
                                 replies=[comment_public(r) for r in comment.replies])


@router.get("", response_model=schemas.Page[schemas.CommentPublic], summary="Read the comment threads")
def read_comments(contract_id: int, user: CurrentUser, session: SessionDep, paging: PageParams,
                  ip: ClientIP) -> schemas.Page[schemas.CommentPublic]:
    """Top-level comments, oldest first, a page at a time, each with its replies nested."""
    load_contract(session, contract_id, user)
    deny_money_only(user, "comments")
    threads = service.list_comments(session, contract_id=contract_id)
    shown = [comment_public(c) for c in threads[paging.offset:paging.offset + paging.per_page]]
    audit.record(session, actor=user.username, action="comment.view", target=f"contract:{contract_id}", ip=ip)
    session.commit()
    return schemas.Page(items=shown, total=len(threads), page=paging.page, per_page=paging.per_page)


@router.post("", status_code=201, response_model=schemas.CommentPublic, summary="Comment, or reply")
def create_comment(contract_id: int, body: schemas.CommentCreate, user: CurrentUser, session: SessionDep,
                   ip: ClientIP) -> schemas.CommentPublic:
    load_contract(session, contract_id, user)
    deny_money_only(user, "comments")
    for name in body.mentions:
        mentioned = service.get_user(session, username=name)
        if mentioned is not None:
            contract = service.get_contract(session, contract_id=contract_id)
            if not service.can_view(mentioned, contract):
                raise InvalidRequestError(f"{name} cannot see this contract: mention someone who can",
                                          code="mention_cannot_view")
    comment = service.add_comment(session, contract_id=contract_id, author=user, body=body.body,
                                  parent_id=body.parent_id, deviation_id=body.deviation_id, mentions=body.mentions,
                                  ip=ip)
    session.commit()
    session.refresh(comment)
    return comment_public(comment)
