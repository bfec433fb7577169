"""Stage 4, write: pack the parts and put the file in place atomically, never over someone's edits.

Each document carries a fingerprint of its own parts in its custom properties. A file whose
fingerprint no longer matches was changed after reportgen wrote it (someone edited it in Word),
so it is not overwritten unless asked to, and then the edited copy is kept beside it.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from reportgen.errors import OutputError, Position, Problem
from reportgen.oxml.package import NotADocx, open_docx, pack, per_part
from reportgen.oxml.properties import with_custom_value

FINGERPRINT = "reportgen.fingerprint"
_CUSTOM = "docProps/custom.xml"
LAID_OUT_FROM = "reportgen.laid-out-from"
"""The fingerprint of the build a .docx was given its contents page numbers from (features/publish/layout.py)."""


@dataclass
class Written:
    path: Path
    kept_edited_copy: Path | None = None
    unchanged: bool = False


_VERSION = "v2-"
"""Marks a fingerprint that covers the document properties too. Files written before it have a bare
hash over every part but the custom properties; those are still recognised (see `edited_since_written`)."""


def fingerprint(parts: dict[str, bytes]) -> str:
    """A hash of every part, the document properties included (an edit there is an edit too); in the
    custom properties, where the fingerprint itself is kept, its own value is left out."""
    digest = hashlib.sha256()
    for name in sorted(parts):
        data = parts[name]
        if name == _CUSTOM:
            data = with_custom_value(data, FINGERPRINT, "")
        digest.update(name.encode() + b"\0" + _part_digest(data))
    return _VERSION + digest.hexdigest()[:32]


def _legacy_fingerprint(parts: dict[str, bytes]) -> str:
    """The fingerprint of files written before custom properties were covered."""
    digest = hashlib.sha256()
    for name in sorted(parts):
        if name != _CUSTOM:
            digest.update(name.encode() + b"\0" + _part_digest(parts[name]))
    return digest.hexdigest()[:32]


@per_part  # the template's large parts are hashed once per process, not once per report
def _part_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def stamped(parts: dict[str, bytes]) -> dict[str, bytes]:
    """`parts` with their fingerprint recorded in the custom properties."""
    from reportgen.oxml.properties import custom_properties, set_custom

    existing = custom_properties(parts)
    # register the custom part first: that touches the package's relationships, which are hashed
    existing[FINGERPRINT] = ""
    parts = set_custom(dict(parts), existing)
    existing[FINGERPRINT] = fingerprint(parts)
    return set_custom(parts, existing)


def recorded_fingerprint(parts: dict[str, bytes]) -> str | None:
    from reportgen.oxml.properties import custom_properties

    return custom_properties(parts).get(FINGERPRINT)


def edited_since_written(path: Path) -> bool:
    """True when `path` exists and is not byte-for-byte what reportgen last wrote there."""
    if not path.exists():
        return False
    try:
        parts = open_docx(path, check_xml=False).parts  # only fingerprinted, never parsed
    except NotADocx:
        return True
    recorded = recorded_fingerprint(parts)
    if recorded is None:
        return True
    if not recorded.startswith(_VERSION):
        return recorded != _legacy_fingerprint(parts)
    return recorded != fingerprint(parts)


def write_docx(parts: dict[str, bytes], path: Path, *, force: bool = False) -> Written:
    """Write the document atomically; refuse (or, with `force`, keep a copy of) an edited existing file."""
    parts = stamped(parts)
    if _laid_out_from(path) == recorded_fingerprint(parts) and not edited_since_written(path):
        return Written(path, unchanged=True)  # the same document, with the page numbers LibreOffice gave it
    return write_bytes(pack(parts), path, force=force, guard=edited_since_written)


def _laid_out_from(path: Path) -> str | None:
    """The fingerprint of the build an existing .docx was given its contents page numbers from (features/publish/layout.py)."""
    import zipfile

    from reportgen.oxml.properties import custom_properties

    try:
        with zipfile.ZipFile(path) as zf:
            custom = zf.read(_CUSTOM)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return custom_properties({_CUSTOM: custom}).get(LAID_OUT_FROM)


def write_bytes(data: bytes, path: Path, *, force: bool = False, guard=None) -> Written:
    """Atomic write: a temporary file in the same folder, flushed, then renamed over the old one."""
    path = Path(path)
    remove_stray_temporaries(path)
    if path.is_dir():
        raise OutputError.at(f"cannot write the output: a folder named {path.name} is in its place; "
                             "move or rename the folder", path, rule="output-blocked")
    try:
        if path.exists() and path.read_bytes() == data:
            return Written(path, unchanged=True)
    except OSError as exc:
        raise OutputError.at(f"cannot read the existing output: {exc.strerror or exc}", path) from None
    kept = None
    if guard is not None and guard(path):
        if not force:
            raise OutputError([Problem(
                f"{path} was edited after reportgen wrote it; not overwriting it. Move your edits into "
                "the content, or run again with --force to keep the edited copy beside it and rebuild",
                Position(str(path)), rule="edited-output")])
        try:
            kept = _keep_edited(path)
        except OSError as exc:
            raise OutputError.at(f"cannot move the edited copy aside: {exc.strerror or exc} (is it open in "
                                 "Word, or the folder read-only?)", path) from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # the process id in the name: a build running at the same time never takes it for a stray
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp")
    except OSError as exc:
        raise OutputError.at(f"cannot write to the folder {path.parent}: {exc.strerror or exc}", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if _pending is None:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if _pending is not None:
            _pending.append((tmp, path))
        else:
            os.replace(tmp, path)
    except BaseException as exc:  # a full disk, or Ctrl-C / SIGTERM part-way: leave no temporary file
        Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        raise OutputError.at(f"cannot write the output: {exc.strerror or exc} (is it open in Word, "
                             "or the folder read-only?)", path) from None
    return Written(path, kept)


_pending: list[tuple[str, Path]] | None = None
"""Temporary files written inside `one_sync_for_many()`, waiting to be renamed into place."""


@contextmanager
def one_sync_for_many() -> Iterator[dict[Path, Problem]]:
    """Writes inside the block are made durable together: one sync for all, then each renamed into place.

    A batch writes hundreds of files, and an fsync for each was a large share of a batch's time. The
    guarantee is the same: no output is replaced until its new bytes are on disk. The mapping yielded
    holds, once the block ends, the outputs that could not be put in place and why.
    """
    global _pending
    outer, _pending = _pending, []
    failed: dict[Path, Problem] = {}
    written = _pending
    try:
        yield failed
        if written:
            os.sync()
        for tmp, path in written:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                failed[path] = Problem(f"cannot write the output: {exc.strerror or exc}", Position(str(path)))
    finally:
        _pending = outer
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)


def remove_stray_temporaries(path: Path) -> None:
    """Temporary files left by a build that was killed part-way; never those of a build still running."""
    # plain name tests rather than glob(): glob compiles a new pattern for every file written, which
    # was a tenth of a batch's time
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:  # no folder yet: nothing stray in it
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
            if _writer_running(entry.name[len(prefix):]):
                continue
            try:
                Path(entry.path).unlink(missing_ok=True)
            except OSError:
                pass  # a read-only folder: the write that follows fails and says so


def _writer_running(rest: str) -> bool:
    """Whether the process named in a temporary file's name ('{pid}-{random}.tmp') is still running here."""
    pid, dash, _ = rest.partition("-")
    if not dash or not pid.isdigit():
        return False  # an older build's name, with no process in it: stray
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number this system cannot hold: leave it be
    return True


def _keep_edited(path: Path) -> Path:
    stamp = _dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.stem}.edited-{stamp}-{n}{path.suffix}")
    os.replace(path, kept)
    return kept
