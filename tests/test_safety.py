"""Safe by construction: YAML builds no objects, alias expansion and file size are bounded, and templates
run in Jinja's sandbox (the sandbox's refusals are in test_bad_templates.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reportgen.pipeline import load
from reportgen.errors import ContentError
from reportgen.pipeline.render.template import jinja_environment

BILLION_LAUGHS = "kind: cover\n" + 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10))
"""About 3.5 thousand million values once expanded, from 1 kB."""

LONG_ANCHOR = "kind: cover\nlong: &long '" + "x" * 1_000_000 + "'\nsummary: [" + ", ".join(["*long"] * 2_000) + "]\n"
"""2 thousand million characters once expanded, from 1 MB."""


@pytest.mark.parametrize("bomb, message", [
    (BILLION_LAUGHS, "more than 200,000 values once aliases (*name) are expanded"),
    (LONG_ANCHOR, "more than 16,777,216 characters of text once aliases (*name) are expanded"),
])
def test_alias_bombs_stop_at_the_bound(monkeypatch: pytest.MonkeyPatch, bomb: str, message: str) -> None:
    """The loader gives up once the bound is passed: it visits at most MAX_VALUES values, however
    many the aliases stand for (counted, not timed, so the test cannot flake). The round-trip path
    refuses before walking at all: it sizes each shared node once."""
    from reportgen.pipeline import fastload

    visited = [0]

    def counting(module: object) -> None:
        plain = module._plain

        def counted(*args, **kwargs):
            visited[0] += 1
            return plain(*args, **kwargs)
        monkeypatch.setattr(module, "_plain", counted)

    counting(load)
    counting(fastload)  # the libyaml fast path gives up on the same bound and leaves the file to load.py
    started = time.perf_counter()
    with pytest.raises(ContentError) as caught:
        load.parse_text(bomb, "bomb.yaml")
    print(f"refused in {time.perf_counter() - started:.2f} s after {visited[0]:,} values")
    assert visited[0] <= load.MAX_VALUES + 20, "the bound stops the walk, however much the aliases stand for"
    problems = caught.value.problems
    assert message in str(caught.value)
    assert all(p.position is not None and p.position.line >= 1 for p in problems)
    assert len([p for p in problems if "aliases" in p.message]) == 1, "said once, not once per value"


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch pwned']", "!!python/name:os.system",
                                 "!!python/object/new:tuple [[1]]", "!!python/module:os", "!Ref other",
                                 "!!python/object:reportgen.errors.Problem {message: x}"])
def test_yaml_builds_no_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tag: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as caught:
        load.parse_text(f"kind: cover\nsubject: {tag}\n", "tags.yaml")
    assert "YAML tags such as" in str(caught.value) and "tags.yaml:2:10" in str(caught.value)
    assert not (tmp_path / "pwned").exists()


def test_file_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: 1 GB on paper, nothing on disk
        handle.truncate(1024 ** 3)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("a file too large was read"))
    with pytest.raises(ContentError, match="the file is larger than 4 MB"):
        load.load(big)


def test_templates_render_in_the_sandbox() -> None:
    from jinja2.sandbox import SandboxedEnvironment
    from jinja2 import StrictUndefined

    env = jinja_environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.undefined is StrictUndefined and env.autoescape is True
