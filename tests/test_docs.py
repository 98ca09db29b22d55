"""The README and `--help` stay true: every command is documented, with an example, and CI runs the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tracker.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if command.hidden:  # a group's default command (`topup import FILE`) is documented as the group
            found.append((prefix.strip(), command))
            continue
        if isinstance(command, click.Group):
            found += _commands(command, path + " ")
        else:
            found.append((path, command))
    return found


COMMANDS = _commands(cli)


def test_there_are_commands_to_check() -> None:
    assert {"add", "list", "verify", "lines add", "receipts add", "db upgrade"} <= {p for p, _c in COMMANDS}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _c in COMMANDS])
def test_every_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    args = [*path.split(), "--help"] if not command.hidden else [*path.split(), command.name or "", "--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert "Example" in result.stdout, f"`topup {path} --help` shows no example"
    assert f"topup {path}" in result.stdout


@pytest.mark.parametrize("path", [p for p, _c in COMMANDS])
def test_every_command_is_in_the_readme(path: str) -> None:
    assert re.search(rf"^topup {re.escape(path)}\b", README, re.MULTILINE), f"README does not show `topup {path}`"


def test_ci_runs_the_readmes_test_command() -> None:
    setup = README.split("## Set-up: two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in setup.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nmake test\n" in ci


def test_the_documented_profile_example_loads() -> None:
    from tracker.flows.importing.profile import parse_profile

    text = (ROOT / "docs" / "import-profiles.md").read_text(encoding="utf-8")
    example = text.split("```toml", 1)[1].split("```", 1)[0]
    profile = parse_profile(example, "docs example")
    assert (profile.encoding, profile.decimal_mark, profile.sign, profile.year_range) == (
        "cp1251",
        ",",
        "negative",
        (2015, 2035),
    )
    assert profile.maps["status"]["успешно"] == "credited"
    assert profile.derive["operator"][0] == "details"


def test_the_documented_csv_example_imports(tmp_path: Path) -> None:
    from tracker.domain.settings import load_settings
    from tracker.service import Tracker

    text = (ROOT / "docs" / "csv-format.md").read_text(encoding="utf-8")
    example = text.split("```csv", 1)[1].split("```", 1)[0].strip() + "\n"
    (tmp_path / "example.csv").write_text(example, encoding="utf-8")
    tracker = Tracker.open(load_settings(home=tmp_path))
    report = tracker.import_file(tmp_path / "example.csv")
    tracker.close()
    assert (report.new, report.refused) == (3, [])
