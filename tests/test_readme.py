"""The README's examples run, so they cannot go stale."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("code", blocks("python"))
def test_python_examples_run(code, model_dir, monkeypatch):
    import stance.inference

    monkeypatch.setenv("STANCE_MODEL", str(model_dir))
    monkeypatch.setattr(stance.inference, "_DEFAULT", None)  # load the fixture model, not a cached one
    exec(compile(code, "README.md", "exec"), {})


def test_console_examples_run(model_dir, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    commands = [line[2:] for block in blocks("console") for line in block.splitlines() if line.startswith("$ stance ")]
    assert commands
    for command in commands:
        args = shlex.split(command.split("|")[0])[1:]
        result = CliRunner().invoke(app, args, env={"STANCE_MODEL": str(model_dir)})
        assert result.exit_code == 0, (command, result.stderr)
        assert result.stdout.strip()


def test_quick_start_uses_real_commands():
    first, second = blocks("bash")[:2]
    assert "pip install -q ." in first and "stance classify seeds/" in first
    assert second.strip() == "bash tests/run.sh"
    assert "bash tests/run.sh" in (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
