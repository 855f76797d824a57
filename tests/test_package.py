"""The package surface: cheap import, lazy exports, --help, offline."""

import subprocess
import sys

import pytest


def _run(code: str, **env):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, **env})


def test_import_is_cheap():
    out = _run("import sys, stance; print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'nltk', 'numpy', 'scipy')))")
    assert out.stdout.strip() == "[]"


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom stance.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'nltk')))")
    assert _run(code).stdout.strip() == "[]"


def test_lazy_exports():
    import stance

    assert set(stance.__all__) >= {"predict", "score_pairs", "load_model", "find_states"}
    assert callable(stance.find_states)
    with pytest.raises(AttributeError):
        stance.no_such_name  # noqa: B018


def test_help_lists_every_command():
    from typer.testing import CliRunner

    from stance.cli import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("classify", "train", "evaluate", "validate", "explain", "states", "info"):
        assert command in result.output
    for command in ("classify", "train", "evaluate", "validate", "explain", "states", "info"):
        sub = CliRunner().invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Example:" in sub.output, command


def test_python_m_stance_runs():
    result = subprocess.run([sys.executable, "-m", "stance", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "classify" in result.stdout
