"""Errors the system reports to its users.

YrdError                  anything a user should see as a message, never as a traceback
├── InputError            a file or value given by the user is wrong (says where)
├── NotFoundError         a plan, unit or other record does not exist
└── ConfigError           settings or the database cannot be used
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
