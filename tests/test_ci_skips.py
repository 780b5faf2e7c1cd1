"""Under CI (CI=true) a skip that ALLOWED_SKIPS does not list fails the run; elsewhere a skip stays a skip.

Each case runs pytest on a tiny test tree with the hooks of the real tests/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ALLOWED_SKIPS

pytest_plugins = ("pytester",)

CONFTEST = Path(__file__).resolve().parent / "conftest.py"
REPO = CONFTEST.parents[1]
ALLOWED = "tests/documents/test_read.py::test_read_unreadable_file"
HOOKS = f"""
import importlib.util

_spec = importlib.util.spec_from_file_location("eventgraph_conftest_under_test", {str(CONFTEST)!r})
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
pytest_runtest_makereport = _module.pytest_runtest_makereport
pytest_make_collect_report = _module.pytest_make_collect_report
"""
ALLOWED_TEST = """
import pytest

def test_read_unreadable_file():
    pytest.skip("root reads files whatever their permissions")
"""
MIXED_TESTS = """
import pytest

def test_runs():
    pass

def test_needs_a_tool():
    pytest.skip("the tool is missing")

@pytest.mark.skipif(True, reason="not on this machine")
def test_marked():
    pass

@pytest.mark.xfail(reason="a known deviation", strict=True)
def test_known_deviation():
    raise AssertionError
"""


@pytest.fixture
def tree(pytester: pytest.Pytester) -> pytest.Pytester:
    """A test tree whose allowlisted test has the same node id as the real one."""
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(HOOKS)
    allowed = pytester.path / "tests" / "documents" / "test_read.py"
    allowed.parent.mkdir(parents=True)
    allowed.write_text(ALLOWED_TEST, encoding="utf-8")
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # In a subprocess: the tree's test modules share names with the real ones this session imported.
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--import-mode=importlib", "-rA", *args)


def test_ci_skips_an_unexpected_skip_fails_the_run_and_an_allowed_one_does_not(
    tree: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    (tree.path / "tests" / "test_other.py").write_text(MIXED_TESTS, encoding="utf-8")
    result = run(tree)
    # the skip in the test's body fails; the skip at set-up (skipif) is an error at set-up
    result.assert_outcomes(passed=1, failed=1, errors=1, skipped=1, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_marked*",
            "unexpected skip under CI (CI=true): Skipped: not on this machine (tests/test_other.py:10)",
            "*FAILURES*",
            "unexpected skip under CI (CI=true): Skipped: the tool is missing (tests/test_other.py:8)",
            "*add its node id with the reason to ALLOWED_SKIPS in tests/conftest.py*",
            f"SKIPPED [[]1[]] {ALLOWED.split('::')[0]}:*: root reads files whatever their permissions",
        ]
    )


def test_ci_skips_only_allowed_skips_pass_under_ci(tree: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    (tree.path / "tests" / "test_other.py").write_text("def test_runs():\n    pass\n", encoding="utf-8")
    result = run(tree)
    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.OK


def test_ci_skips_outside_ci_a_skip_stays_a_skip(tree: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    (tree.path / "tests" / "test_other.py").write_text(MIXED_TESTS, encoding="utf-8")
    result = run(tree)
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)
    assert result.ret == pytest.ExitCode.OK


def test_ci_skips_a_module_skipped_at_collection_fails_under_ci(
    tree: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    module = 'import pytest\n\npytest.importorskip("no_such_module_here")\n\ndef test_never():\n    pass\n'
    (tree.path / "tests" / "test_optional.py").write_text(module, encoding="utf-8")
    result = run(tree)
    result.assert_outcomes(errors=1)  # a collection error stops the run before any test
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*unexpected skip under CI (CI=true):*no_such_module_here*"])


def test_ci_skips_every_allowed_skip_names_a_real_test_and_a_reason() -> None:
    assert ALLOWED in ALLOWED_SKIPS
    assert len(ALLOWED_SKIPS) <= 5, "the allowlist is meant to stay short: make the tests run instead"
    for node_id, reason in ALLOWED_SKIPS.items():
        path, _, name = node_id.partition("::")
        source = (REPO / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(name)}\(", source, re.M), f"{node_id} names no test"
        assert len(reason.split()) >= 5, f"{node_id}: give the reason it cannot run under CI"
