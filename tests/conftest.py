"""Shared fixtures: a scratch project with the test cases, and running the command line in-process."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "cases"
EXPECTED = TESTS / "expected"
GOLDEN = TESTS / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.txt from the current output, for review with git diff")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the commands they run) keep charts and templates in a cache of their own, empty at the
    start of each run, so each run draws and prepares them afresh and the user's cache is left alone."""
    os.environ["REPORTGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("reportgen-cache"))
    # and a LibreOffice server folder of their own: a server the user started is neither used nor stopped
    os.environ["REPORTGEN_OFFICE_DIR"] = str(tmp_path_factory.mktemp("reportgen-office"))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project folder: content/ with the seed cases, report_templates/ with the factory set."""
    (tmp_path / "content").mkdir()
    for case in CASES.glob("*.yaml"):
        shutil.copy(case, tmp_path / "content" / case.name)
    shutil.copytree(ROOT / "report_templates", tmp_path / "report_templates",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path


def reportgen(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run the real command line in a new process, as a user would."""
    done = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    return Run(done.returncode, done.stdout, done.stderr)


def word_ratio(expected: str, actual: str) -> float:
    """The word-level similarity difflib gives: 1.0 is the same words in the same order."""
    return difflib.SequenceMatcher(None, expected.split(), actual.split(), autojunk=False).ratio()


def seed_text(name: str) -> str:
    """A seed report's text with its conversion artefacts removed (markdown marks #, ** and *, <sup>)."""
    import re

    text = (EXPECTED / f"{name}.seed.txt").read_text(encoding="utf-8")
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"\*+|</?sup>", "", text)  # bold and italic marks
    return text


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes: to prove a failed run changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(project: Path, *args: str, expect: str, where: str) -> str:
    """Run `reportgen build ARGS`; it must fail cleanly at `where` (file:line:col, or a prefix ending in ':')
    saying `expect`, and change no file."""
    before = snapshot(project)
    run = reportgen("build", *args, cwd=project)
    assert run.status == 2, (run.status, run.out, run.err)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    first = next(line for line in run.err.splitlines() if ": error: " in line)
    location = first.split(": error: ")[0]
    assert location == where or location.endswith("/" + where) or where.endswith(":") and location.startswith(where), \
        f"expected the error located at {where!r}, got {first!r}"
    assert expect in run.err, run.err
    assert snapshot(project) == before, "a failed build must leave every file as it was"
    return run.err


# Property-based tests (tests/test_properties.py). "ci", the default, runs the 1,000 cases across
# kinds (three tests per kind and one for any text, 150 cases each: 1,050 with two kinds), the same ones
# every run and without the slow shrinking of a failure (the failing content is printed);
# HYPOTHESIS_PROFILE=dev runs a quick random few and shrinks; HYPOTHESIS_PROFILE=deep hunts longer.
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, print_blob=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=30, derandomize=False,
                          phases=list(Phase))
settings.register_profile("deep", parent=settings.get_profile("ci"), max_examples=1500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
