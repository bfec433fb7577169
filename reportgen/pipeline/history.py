"""A content file's history in git: an earlier version of it, and which commit the current one is."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportgen.errors import ContentError, Problem, ToolMissing


def _git(args: list[str], folder: Path) -> subprocess.CompletedProcess[str] | None:
    """Run git in `folder`; None when git is not installed."""
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return None


MAX_REVISION = 256
"""Longest revision accepted (a full hash is 40 characters; HEAD~2 and tags are short)."""


def checked_revision(revision: str) -> str:
    """`revision` if it can only be read by git as a revision; a ContentError otherwise.

    A value starting with '-' would be read as an option (`--output=FILE` writes a file), so it is
    refused; and it is handed to git after --end-of-options all the same.
    """
    why = ""
    if not revision.strip():
        why = "it is blank"
    elif revision.startswith("-"):
        why = "a revision cannot start with '-' (git would read it as an option)"
    elif len(revision) > MAX_REVISION:
        why = f"it is longer than {MAX_REVISION} characters"
    elif any(ord(c) < 32 or ord(c) == 127 for c in revision) or ":" in revision:
        why = "it holds a control character or ':'"
    if why:
        raise ContentError([Problem(f"expected a git revision (a commit, a tag, HEAD~2), got {revision[:80]!r}: "
                                    f"{why}", None, "--since", rule="git-revision")])
    return revision


def old_version(path: Path, revision: str) -> str:
    """The text of `path` as it was at `revision` (a commit, tag, or HEAD~2)."""
    path = Path(path)
    revision = checked_revision(revision)
    folder = path.resolve().parent
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], folder)
    if found is None:
        raise ToolMissing.at("git is not installed: --since needs it to read the earlier version", path)
    if found.returncode != 0:
        raise ContentError.at(f"cannot read this file as it was at {revision!r}: git knows no commit by that name",
                              path)
    done = _git(["show", "--end-of-options", f"{found.stdout.strip()}:./{path.name}"], folder)
    if done is None:
        raise ToolMissing.at("git is not installed: --since needs it to read the earlier version", path)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git could not read it"
        raise ContentError.at(f"cannot read this file as it was at {revision!r}: {reason}", path)
    return done.stdout


def revision_of(path: Path) -> str:
    """The short hash of the last commit that changed `path`, '-dirty' when it has changed since;
    'uncommitted' for a file git does not track yet; '' outside a git repository (or without git)."""
    path = Path(path).resolve()
    folder = path.parent
    inside = _git(["rev-parse", "--is-inside-work-tree"], folder)
    if inside is None or inside.returncode != 0 or inside.stdout.strip() != "true":
        return ""
    last = _git(["log", "-1", "--format=%h", "--", path.name], folder)
    short = last.stdout.strip() if last is not None and last.returncode == 0 else ""
    if not short:
        return "uncommitted"
    status = _git(["status", "--porcelain", "--", path.name], folder)
    dirty = status is not None and bool(status.stdout.strip())
    return f"{short}-dirty" if dirty else short
