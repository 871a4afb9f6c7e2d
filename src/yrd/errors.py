"""Errors the system reports to its users.

YrdError                  anything a user should see as a message, never as a traceback
├── InputError            a file or value given by the user is wrong (says where)
├── NotFoundError         a plan, unit or other record does not exist
├── ConfigError           settings or the database cannot be used
├── AuthError             not logged in, or the credentials are wrong or revoked (HTTP 401)
├── ForbiddenError        logged in, but the role or token does not allow it (HTTP 403)
├── ConflictError         a stale edit: the record changed since it was read (HTTP 409)
└── ThrottledError        too many attempts; says when to try again (HTTP 429)
"""

from __future__ import annotations


class YrdError(Exception):
    """Base of every error shown to a user as a one-line message."""


class InputError(YrdError):
    """Bad input: the message names the file, line and column where it can."""


class NotFoundError(YrdError):
    """The thing asked for does not exist."""


class ConfigError(YrdError):
    """Settings or storage are unusable."""


class AuthError(YrdError):
    """Who is asking is unknown: not logged in, or a wrong, expired or revoked credential."""


class ForbiddenError(YrdError):
    """The one asking may not do this (role, responsible body or token scope)."""


class ConflictError(YrdError):
    """The record changed since the caller read it (optimistic locking), or the move is not allowed now."""


class ThrottledError(YrdError):
    """Too many attempts in a short time."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
