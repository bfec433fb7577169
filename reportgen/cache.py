"""A content-addressed cache of bytes worked out from content (chart pictures), kept in the user's cache folder.

Drawing a chart means importing matplotlib (about a second on a busy machine) for a picture that is
the same on every build of a draft. So each picture is stored under a hash of everything that decides
its bytes, and a rebuild reads it back instead of drawing it. Because the key covers all the inputs,
an entry is never stale: changed data, drawing code or library version simply give a new key.

The cache only ever saves time: a missing, unreadable, corrupt or unwritable cache means the bytes
are made again, never an error and never different output.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

CACHE_ENV = "REPORTGEN_CACHE_DIR"
"""Set to a folder to keep the cache there, or to an empty string to turn caching off."""

_DIGEST = hashlib.sha256().digest_size


def cache_dir() -> Path | None:
    """The cache folder: $REPORTGEN_CACHE_DIR, else $XDG_CACHE_HOME/reportgen, else ~/.cache/reportgen."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reportgen"


def key_of(*inputs: Any) -> str:
    """A hash of `inputs` (JSON-able values): the same inputs always give the same key."""
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def cached_bytes(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
    """The bytes stored under `kind`/`key`, or `make()`'s, stored for next time."""
    folder = cache_dir()
    if folder is None:
        return make()
    entry = folder / kind / key[:2] / key
    found = _read(entry)
    if found is not None:
        return found
    data = make()
    _write(entry, data)
    return data


def _read(entry: Path) -> bytes | None:
    # An entry is the data's own hash followed by the data, so a damaged file is noticed and redone.
    try:
        stored = entry.read_bytes()
    except OSError:
        return None
    digest, data = stored[:_DIGEST], stored[_DIGEST:]
    return data if hashlib.sha256(data).digest() == digest else None


def _write(entry: Path, data: bytes) -> None:
    # Written to a temporary file and renamed, so two builds running at once never see half an entry.
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(data).digest() + data)
            os.replace(tmp, entry)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk costs only the time to draw again
