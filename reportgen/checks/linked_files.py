"""Files the content names (appendices, images): each must be a regular file inside the content folder."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from reportgen.errors import ContentError, Problem
from reportgen.errors import display_path
from reportgen.model import Node
from reportgen.model.common import ContentPath


def resolve_paths(report: Node, content_file: Path) -> None:
    """Check every ContentPath in `report` and set its `resolved` file; raise ContentError listing the bad ones.

    The content folder is the folder of the content file. A path that leaves it (`..`, an absolute
    path, a symbolic link to elsewhere) is refused, so a report can only carry files its authors put
    beside it, never `/etc/passwd` or someone's home folder.
    """
    folder = content_file.parent.resolve()
    problems = []
    for node in report.walk():
        for name in type(node).model_fields:
            value = getattr(node, name)
            for index, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
                if not isinstance(item, ContentPath) or not item:
                    continue
                message = _refusal(item, folder)
                if message:
                    sub = (name,) if index is None else (name, index)
                    key = f"{node.key_path}.{name}" if node.key_path else name
                    problems.append(Problem(message, node.where(*sub), key if index is None else f"{key}[{index + 1}]",
                                            rule="content-path"))
    if problems:
        raise ContentError(problems)


def _refusal(path: ContentPath, folder: Path) -> str | None:
    """Why `path` cannot be used (None when it can; then `path.resolved` is set)."""
    found = confined(str(path), folder, folder)
    if isinstance(found, str):
        return found
    path.resolved = found
    return None


def confined(written: str, base: Path, root: Path, suffixes: tuple[str, ...] = (), *,
             must_exist: bool = True) -> Path | str:
    """The file `written` names, relative to the folder `base` and inside the folder `root` (both
    resolved), or why it cannot be used: the one containment rule for every path a person types
    (a content file's appendices, an agenda's papers, the editor's file names).

    A path that leaves `root` (`..`, an absolute path, a symbolic link to elsewhere) is refused, so a
    report can only carry files its authors put beside it, never `/etc/passwd` or someone's home folder.
    """
    shown = repr(written)
    written = written.replace("\\", "/")  # a path typed on Windows
    if written.startswith("/") or PureWindowsPath(written).drive:
        return (f"expected a path relative to the content file, got the absolute path {shown}: "
                "copy the file into the content folder and name it from there")
    if "\0" in written:
        return f"expected a file name, got {shown}"
    try:
        target = (base / written).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of symbolic links, a name too long
        return f"cannot follow the path {shown}: {getattr(exc, 'strerror', None) or exc}"
    if not target.is_relative_to(root):
        return (f"expected a file inside the content folder {display_path(root)}/, got {shown}, which "
                "points outside it: copy the file into the content folder")
    if suffixes and target.suffix.lower() not in suffixes:
        return f"expected a {' or '.join(suffixes)} file, got {shown}"
    if not must_exist:
        return target
    try:
        if not target.exists():
            return f"expected an existing file, got {shown}: there is no {display_path(target)}"
        if not target.is_file():
            return f"expected a file, got {shown}: {display_path(target)} is a folder or a device"
    except (OSError, ValueError) as exc:
        return f"cannot read {shown}: {exc.strerror or exc}"
    return target


@dataclass(frozen=True)
class FileIdentity:
    """What a file *is*, whatever it is called: its real path (links and `./a//b` resolved) and its content hash.

    Two names are the same file when either matches: the same real path (a symbolic link, a path
    spelled another way), or the same content (a copy). A Word document's content is its parts, so a
    copy that was only zipped again is still the same document.
    """

    real_path: Path
    content: str

    def same_as(self, other: "FileIdentity") -> bool:
        return self.real_path == other.real_path or self.content == other.content


def identify(path: Path, data: bytes | None = None) -> FileIdentity:
    """The identity of the file at `path` (which must exist), or of `data`, its bytes as already read."""
    real = Path(os.path.realpath(path))
    return FileIdentity(real, content_hash(real, data))


def content_hash(path: Path, data: bytes | None = None) -> str:
    """SHA-256 of a Word document's parts (name and bytes, in name order), or of any other file's bytes
    (`data`, when the caller has read them already)."""
    from reportgen.oxml.package import MAX_DOCX_BYTES, NotADocx, read_parts

    digest = hashlib.sha256()
    if data is None:
        with path.open("rb") as file:
            data = file.read(MAX_DOCX_BYTES + 1)
            if len(data) > MAX_DOCX_BYTES:  # no Word document reportgen opens: its bytes, hashed as they are read
                digest.update(b"file\0" + data)
                while chunk := file.read(1024 * 1024):
                    digest.update(chunk)
                return digest.hexdigest()
    try:
        parts = read_parts(data, display_path(path))  # named as the pack's other reads name it: opened once
    except NotADocx:
        digest.update(b"file\0" + data)
    else:
        for name in sorted(parts):
            digest.update(b"part\0" + name.encode("utf-8") + b"\0" + hashlib.sha256(parts[name]).digest())
    return digest.hexdigest()
