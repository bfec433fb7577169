"""Property: whatever the agenda, no exempt text reaches its public pack, and every public paper does.

Hypothesis builds agendas of random items: covering reports public or non-public, appendices public or
exempt, each file named by a random route (its own name, a symbolic link, a linked folder, a path spelled
another way, a byte-identical copy, the same parts zipped again, the same words in a new document). The expected pack is worked out from
what each file *is* (which of the base documents), and the built pack is read back part by part.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from exempt_project import agenda, all_text, appendix, cover, marker, rezip, write_docx, write_yaml
from reportgen.features.pack import build_pack

DOCUMENTS = ["d0", "d1", "d2"]
ROUTES = {
    "name": "appendices/{}.docx",
    "link": "appendices/link-{}.docx",
    "folder": "alias/{}.docx",
    "spelled": "./appendices//{}.docx",
    "dots": "appendices/../appendices/./{}.docx",
    "copy": "appendices/copy-{}.docx",
    "zipped": "appendices/zipped-{}.docx",
    "retyped": "appendices/retyped-{}.docx",
}
"""How a file can be named: each of these names one of DOCUMENTS, under a name of its own or its own name."""

_library: Path | None = None


def _files() -> Path:
    """The base documents and every other name for them, made once and copied into each example's project."""
    global _library
    if _library is None:
        folder = Path(tempfile.mkdtemp(prefix="reportgen-exempt-")) / "content"
        for doc in DOCUMENTS:
            passage = f"EXAMPLE passage {marker(doc)} that only this document and its retyped copy hold {doc}"
            original = write_docx(folder / "appendices" / f"{doc}.docx", marker(doc), passage)
            write_docx(folder / "appendices" / f"retyped-{doc}.docx", "retyped", "A first paragraph of its own.",
                       passage)
            (folder / "appendices" / f"link-{doc}.docx").symlink_to(original.name)
            shutil.copy(original, folder / "appendices" / f"copy-{doc}.docx")
            rezip(original, folder / "appendices" / f"zipped-{doc}.docx")
        (folder / "alias").symlink_to("appendices", target_is_directory=True)
        _library = folder
    return _library


file_ref = st.tuples(st.sampled_from(DOCUMENTS), st.sampled_from(sorted(ROUTES)))
"""A document, and the route by which it is named."""

report = st.fixed_dictionaries({
    "public": st.booleans(),
    "appendices": st.lists(st.tuples(file_ref, st.booleans()), max_size=3),  # (file, public)
})
item = st.fixed_dictionaries({
    "report": st.one_of(st.none(), report),
    "appendices": st.lists(file_ref, max_size=2),
})


def _name(ref: tuple[str, str]) -> str:
    return ROUTES[ref[1]].format(ref[0])


@settings(max_examples=40)  # each example builds a whole pack (about half a second)
@given(st.lists(item, min_size=1, max_size=4))
def test_no_exempt_text_in_any_public_pack(items: list[dict[str, Any]]) -> None:
    exempt: set[str] = set()     # markers that must never be in the pack
    wanted: set[str] = set()     # markers of papers that are public by every route
    entries = []
    with tempfile.TemporaryDirectory() as scratch:
        content = Path(scratch) / "content"
        shutil.copytree(_files(), content, symlinks=True)
        for n, drawn in enumerate(items, start=1):
            entry: dict[str, Any] = {}
            public_item = True
            if drawn["report"] is not None:
                name = f"report {n}"
                public_item = drawn["report"]["public"]
                write_yaml(content / f"report-{n}.yaml", cover(name, public=public_item, appendices=[
                    appendix(f"Appendix {j}", _name(ref), public=public)
                    for j, (ref, public) in enumerate(drawn["report"]["appendices"], start=1)]))
                entry["report"] = f"report-{n}.yaml"
                (wanted if public_item else exempt).add(marker(name))
                for ref, public in drawn["report"]["appendices"]:
                    (wanted if public_item and public else exempt).add(marker(ref[0]))
            if drawn["appendices"]:
                entry["appendices"] = [_name(ref) for ref in drawn["appendices"]]
                for ref in drawn["appendices"]:
                    (wanted if public_item else exempt).add(marker(ref[0]))
            entries.append(entry)
        source = write_yaml(content / "agenda.yaml", agenda(entries))
        result = build_pack(source, Path(scratch) / "build", pdf=False)
        text = all_text(result.docx)
    leaked = sorted(word for word in exempt if word in text)
    assert not leaked, f"exempt material in the public pack: {leaked}"
    missing = sorted(word for word in wanted - exempt if word not in text)
    assert not missing, f"public papers missing from the pack: {missing}"
    if exempt:
        assert "circulated separately" in text
