"""The commune's staff for its shared PCs: who may sign in, a first sign-in, the role rules.

- ``GET /v1/office/staff``: the commune's users (user name, full name, role,
  active) and its role rules. Never a password hash: a PC learns a person's
  password only when that person types it there.
- ``POST /v1/office/verify``: a person's first sign-in on a PC. The server
  says whether the password is that user's (a user of the calling device's
  commune, active); the PC then keeps its own salted verifier and never asks
  again. Answers ``invalid_credentials`` for anyone else, after the same
  password-hash work, so user names of other communes cannot be probed;
  failures count in the login throttle's windows (429 when full). Audited in
  ``security_event`` (``first_sign_in``, ``first_sign_in_failed``).
- ``PUT /v1/office/rules``: a person with the settings permission changes the
  commune's role rules; audited in ``security_event`` (``role_rules_changed``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server import audit
from city_server.audit import EventKind, Who
from city_server.auth import check_throttle
from city_server.context import ContextDep, SessionDep, client_address
from city_server.errors import ApiError
from city_server.models import Commune, User
from city_server.roles import commune_rules
from city_server.security import verify_password
from city_server.throttle import LoginThrottle
from commune_desk.domain.roles import Permission, RoleRules
from commune_desk.protocol import (
    ErrorKind,
    Role,
    RulesUpdate,
    StaffList,
    StaffMember,
    VerifyUserRequest,
)

router = APIRouter(tags=["office"])


def _member(user: User) -> StaffMember:
    return StaffMember(
        username=user.username, full_name=user.full_name or "", role=Role(user.role), active=user.active
    )


def _staff(session: Session, commune_id: int) -> StaffList:
    users = session.scalars(select(User).where(User.commune_id == commune_id).order_by(User.username)).all()
    return StaffList(members=[_member(u) for u in users], rules=commune_rules(session, commune_id).to_json())


@router.get("/office/staff", response_model=StaffList, responses={401: {}})
def staff(ctx: ContextDep, session: SessionDep) -> StaffList:
    """The users of the caller's commune and its role rules."""
    return _staff(session, ctx.commune_id)


@router.post("/office/verify", response_model=StaffMember, responses={401: {}, 429: {}})
def verify(body: VerifyUserRequest, request: Request, ctx: ContextDep, session: SessionDep) -> StaffMember:
    """Confirm the password of a user of the caller's commune (first sign-in on a PC).

    Failures count in the user name's login windows, so a PC cannot be used to
    guess a password faster than a login, and in windows of the calling device
    (not of its address: the logins of an office whose PCs share one address
    must not wait because one PC was used to guess).
    """
    throttle: LoginThrottle = request.app.state.throttle
    who = Who(
        username=body.username,
        address=client_address(request),
        device_id=ctx.device_id,
        commune_id=ctx.commune_id,
    )
    guesser = f"device:{ctx.device_id}"
    session.rollback()  # the auth context's transaction: SQLite begins every one IMMEDIATE
    check_throttle(throttle, body.username, guesser)
    row = session.execute(
        select(
            User.username, User.full_name, User.role, User.commune_id, User.password_hash, User.active
        ).where(User.username == body.username)
    ).first()
    session.rollback()  # hold no transaction (no SQLite lock) while argon2 and the throttle run
    ours = row is not None and row.commune_id == ctx.commune_id and row.active
    ok = verify_password(row.password_hash if ours and row is not None else None, body.password)
    if not ours or not ok or row is None:
        throttle.failed(body.username, guesser)
        audit.record(session, EventKind.FIRST_SIGN_IN_FAILED, who, known_user=row is not None)
        session.commit()
        raise ApiError(401, ErrorKind.INVALID_CREDENTIALS, "wrong username or password")
    throttle.succeeded(body.username)
    audit.record(session, EventKind.FIRST_SIGN_IN, who)
    session.commit()
    return StaffMember(username=row.username, full_name=row.full_name or "", role=Role(row.role), active=True)


@router.put("/office/rules", response_model=StaffList, responses={401: {}, 403: {}, 422: {}})
def put_rules(body: RulesUpdate, ctx: ContextDep, session: SessionDep) -> StaffList:
    """Replace the commune's role rules; ``actor`` must hold the settings permission."""
    current = commune_rules(session, ctx.commune_id)
    actor = session.scalar(select(User).where(User.username == body.actor))
    allowed = (
        actor is not None
        and actor.active
        and actor.commune_id == ctx.commune_id
        and current.allows(actor.role, Permission.SETTINGS)
    )
    if not allowed:
        raise ApiError(403, ErrorKind.FORBIDDEN, "only someone allowed to change settings may")
    new = RoleRules.from_json(body.rules)
    commune = session.get_one(Commune, ctx.commune_id)
    commune.role_rules = new.to_json()
    who = Who(username=body.actor, device_id=ctx.device_id, commune_id=ctx.commune_id, actor=body.actor)
    audit.record(session, EventKind.ROLE_RULES_CHANGED, who, changes=new.changes_from(current))
    session.commit()
    return _staff(session, ctx.commune_id)
