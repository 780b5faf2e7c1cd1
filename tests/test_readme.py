"""The README stays true: its settings table is the Settings class, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from service.cli import cli
from service.config import setting_docs

REPO = Path(__file__).resolve().parents[1]

README = (REPO / "README.md").read_text(encoding="utf-8")


def settings_table() -> str:
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [
        f"| `{env}` | `{default}` | {help} |" if default else f"| `{env}` | | {help} |"
        for _, env, default, help in setting_docs()
    ]
    return "\n".join(rows)


def test_readme_settings_table_matches_settings() -> None:
    block = re.search(r"<!-- settings-table:start -->\n(.*?)\n<!-- settings-table:end -->", README, re.S)
    assert block, "the README lost its settings table markers"
    assert block.group(1).strip() == settings_table(), "regenerate with: python tests/test_readme.py"


def test_readme_names_every_cli_command() -> None:
    for name in cli.commands:
        assert f"eventgraph {name}" in README, f"the README does not document `eventgraph {name}`"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and re.search(r"^make test$", ci, re.M)


def test_cli_help_of_every_command() -> None:
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and result.output.strip(), name


if __name__ == "__main__":
    text = re.sub(
        r"(<!-- settings-table:start -->\n).*?(\n?<!-- settings-table:end -->)",
        lambda m: m.group(1) + settings_table() + "\n<!-- settings-table:end -->",
        README,
        flags=re.S,
    )
    (REPO / "README.md").write_text(text, encoding="utf-8")
