"""Meta-tests that keep the docs true: every command has help and is in the README; CI runs the README's set-up."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands.items())


@pytest.mark.parametrize("name,command", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert (command.help or "").strip(), f"kg {name} has no help text"
    assert f"kg {name}" in README, f"the README never shows kg {name}"


def _setup_block() -> list[str]:
    m = re.search(r"## Set up.*?```bash\n(.*?)```", README, re.S)
    assert m, "the README has no set-up block"
    return [line.strip() for line in m.group(1).splitlines() if line.strip()]


def test_readme_setup_is_two_commands_and_ci_runs_them():
    lines = _setup_block()
    assert len(lines) == 2, lines
    install, tests = lines
    assert "pip install" in install and "kg build examples/daxing_songwennuan.txt" in install
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci, "CI must run the README's test command"
    for step in install.split("&&"):
        step = step.strip().replace("python3 -m venv .venv", "").strip()
        if step:
            assert step in ci, f"CI does not run the README's install step: {step}"


def test_example_and_its_gold_are_bundled():
    assert (ROOT / "examples" / "daxing_songwennuan.txt").is_file()
    assert (ROOT / "tests" / "fixtures" / "daxing_songwennuan.gold.json").is_file()
