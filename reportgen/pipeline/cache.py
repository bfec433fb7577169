"""A content-addressed cache of what builds work out again and again (chart pictures, prepared templates).

Drawing a chart means importing matplotlib (about a second on a busy machine) for a picture that is
the same on every build of a draft; preparing a Word template means parsing its XML with lxml. So each
result is stored under a hash of everything that decides it, and a rebuild reads it back instead.
Because the key covers all the inputs (the content, the code that works it out and the versions of
the libraries it uses), an entry is never stale: a change anywhere simply gives a new key.

The cache only ever saves time: a missing, unreadable, corrupt or unwritable cache means the bytes
are made again, never an error and never different output.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
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


@functools.cache
def code_version(module_file: str, *packages: str) -> str:
    """A hash of one module's source and the installed versions of `packages`: part of a key, so that
    changing the code or upgrading a library never reuses what the old ones worked out."""
    digest = hashlib.sha256(Path(module_file).read_bytes())
    for package in packages:
        digest.update(f"\0{package}={installed_version(package)}".encode())
    return digest.hexdigest()


def installed_version(package: str) -> str:
    """The installed version of `package`, from the name of its `.dist-info` folder, without importing it.

    importlib.metadata.version() gives the same, but its first use indexes every installed
    distribution: 5 ms, on every build."""
    prefix = package.lower().replace("-", "_").replace(".", "_") + "-"
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.lower().startswith(prefix):
                return name[len(prefix):-len(".dist-info")]
    return "?"


def cached_bytes(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
    """The bytes stored under `kind`/`key`, or `make()`'s, stored for next time."""
    found = lookup(kind, key)
    if found is not None:
        return found
    data = make()
    store(kind, key, data)
    return data


def _entry(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / kind / key[:2] / key


def lookup(kind: str, key: str) -> bytes | None:
    """The bytes stored under `kind`/`key`, or None when there are none (or they are damaged)."""
    entry = _entry(kind, key)
    if entry is None:
        return None
    # An entry is the data's own hash followed by the data, so a damaged file is noticed and redone.
    try:
        stored = entry.read_bytes()
    except OSError:
        return None
    digest, data = stored[:_DIGEST], stored[_DIGEST:]
    return data if hashlib.sha256(data).digest() == digest else None


def store(kind: str, key: str, data: bytes) -> None:
    """Keep `data` under `kind`/`key`; quietly does nothing when the cache cannot be written."""
    entry = _entry(kind, key)
    if entry is None:
        return
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
        pass  # a read-only or full disk costs only the time to work it out again
