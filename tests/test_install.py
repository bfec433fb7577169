"""Installed as a council's IT team installs it: the wheel and the sdist, each into a fresh venv outside
the checkout, with nothing of the checkout on the path, build reports from an empty folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from uv import find_uv_bin

from conftest import CASES, ROOT, seed_text, word_ratio

pytestmark = pytest.mark.long_module  # started first: see conftest.pytest_collection_modifyitems

SEED_ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"


def _uv(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    # uv (the test extra's packaging tool) builds and installs as pip and `python -m build` do, with the same
    # isolated builds and dependency resolution, but resolves and installs from its cache in a fraction of the
    # time (on a fresh machine it downloads once, as pip would).
    return subprocess.run([find_uv_bin(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, built from a copy of the tracked files (so nothing untracked leaks in), and the wheel, built
    from that sdist in an isolated environment as an installer builds one: the tree is built once, and a file
    missing from the sdist fails the wheel's test too."""
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    sdist = _build("--sdist", source, out)
    return {"sdist": sdist, "wheel": _build("--wheel", sdist, out)}


def _build(kind: str, source: Path, out: Path) -> Path:
    done = _uv("build", kind, "--python", sys.executable, "--out-dir", str(out), str(source), timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return next(out.glob("*.tar.gz" if kind == "--sdist" else "*.whl"))


def _install(bin_: Path, dist: Path) -> None:
    # An sdist is built into a wheel by the installer, in an isolated environment of its own; nothing is
    # byte-compiled beforehand: the modules a command imports are compiled when it first imports them.
    # --refresh-package: reportgen is built afresh from this sdist, never taken from uv's cache
    done = _uv("pip", "install", "--quiet", "--python", str(bin_ / "python"), "--refresh-package", "reportgen",
               str(dist), timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]


def _run(bin_: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH and a working folder outside the checkout: only the installed package can answer.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_ / "reportgen"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_package_builds_reports_from_an_empty_folder(kind: str, dists: dict[str, Path],
                                                                tmp_path: Path) -> None:
    venv.create(tmp_path / "venv", with_pip=False)  # a fresh venv; pip is not what is tested: uv installs into it
    bin_ = tmp_path / "venv" / "bin"
    _install(bin_, dists[kind])  # with the dependencies it declares
    work = tmp_path / "work"
    work.mkdir()

    version = _run(bin_, "--version", cwd=work)
    assert version.returncode == 0 and "version" in version.stdout, version
    module = subprocess.run([str(bin_ / "python"), "-m", "reportgen", "--help"], cwd=work, capture_output=True,
                            text=True, timeout=120)
    assert module.returncode == 0 and "build" in module.stdout
    where = subprocess.run([str(bin_ / "python"), "-c", "import reportgen; print(reportgen.__file__)"], cwd=work,
                           capture_output=True, text=True, timeout=120)
    assert Path(where.stdout.strip()).is_relative_to(bin_.parent), where  # the installed copy, not the checkout

    new = _run(bin_, "new", "cover", "x", cwd=work)
    assert new.returncode == 0, new.stderr
    assert (work / "content" / "x.yaml").is_file() and (work / "schemas" / "cover.schema.json").is_file()
    # The skeleton's blanks are named by check (exit 2), which proves the installed checks run.
    blank = _run(bin_, "check", "content/x.yaml", cwd=work)
    assert blank.returncode == 2 and "content/x.yaml:" in blank.stderr, blank.stderr
    (work / "content" / "x.yaml").unlink()

    shutil.copy(CASES / "committee-cover-2020-02-qa-audits.yaml", work / "content")
    shutil.copy(SEED_ANNUAL, work / "content")
    # the house formats in the factory's subfolders, and their settings files, ship too
    seed = (CASES / "committee-cover-2020-02-qa-audits.yaml").read_text(encoding="utf-8")
    (work / "content" / "x-borough.yaml").write_text(
        seed + "template: example-borough\nimplications: {Financial: None, Legal: None, Equalities: None}\n",
        encoding="utf-8")
    check = _run(bin_, "check", cwd=work)
    assert check.returncode == 0, check.stderr
    build = _run(bin_, "build", cwd=work)
    assert build.returncode == 0, build.stderr
    assert not (work / "report_templates").exists(), "the factory templates come from the package"

    from docx import Document  # an independent reader of what the installed package wrote

    for name in ("committee-cover-2020-02-qa-audits", "annual-qa-report-2018-19"):
        document = Document(str(work / "build" / f"{name}.docx"))
        text = "\n".join(p.text for p in document.paragraphs)
        for table in document.tables:
            text += "\n" + "\n".join(cell.text for row in table.rows for cell in row.cells)
        assert word_ratio(seed_text(name), text) > 0.9, name
    borough = Document(str(work / "build" / "x-borough.docx"))
    assert borough.tables[0].rows[0].cells[0].text == "Report to:"
    assert any(p.text.startswith("Financial: None") for p in borough.paragraphs)
