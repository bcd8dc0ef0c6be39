"""The one family of errors a user can act on: each names the user's file and the problem.

The CLI prints them as one line and exits 2; the GUI shows them as a message. Anything else that
escapes is a bug of ours.
"""

from __future__ import annotations

import os
from pathlib import Path


class UserError(Exception):
    """Input or a setting the user must change. `path` is the user's file (None when the problem
    is not about one file); `message` is Chinese, `message_en` its English translation; `code` is
    a stable machine-readable reason where callers branch on it."""

    def __init__(self, path: str | os.PathLike[str] | None, message: str, message_en: str = "",
                 *, code: str = "") -> None:
        super().__init__(f"{path}: {message}" if path is not None else message)
        self.path = Path(path) if path is not None else None
        self.message = message
        self.message_en = message_en or message
        self.code = code

    def text(self, en: bool = False) -> str:
        """One line for a person: the file, then the problem."""
        message = self.message_en if en else self.message
        if self.path is None:
            return message
        return f"{self.path}: {message}" if en else f"{self.path}：{message}"


class ProfileError(UserError):
    """An exam profile that is missing or malformed; the message names the file and the key."""

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(path, message, message)


class ProjectError(UserError):
    """A candidate project file that cannot be loaded."""
