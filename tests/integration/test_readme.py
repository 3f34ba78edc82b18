"""README.md stays true: its example runs as written and its commands match CI."""

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_python_example_runs_exactly_as_written_and_prints_the_comparison(tmp_path):
    (example,) = code_blocks("python")
    script = tmp_path / "example.py"
    script.write_text(example)

    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    for line in (
        "max abs error (exact):",
        "TVD (shots):",
        "Hellinger fidelity (shots):",
        "chi-square p-value:",
    ):
        assert line in result.stdout
    exact_error = float(re.search(r"max abs error \(exact\): (\S+)", result.stdout).group(1))
    assert exact_error <= 1e-9


def test_readme_example_is_the_quickstart_script():
    (example,) = code_blocks("python")
    quickstart = (REPO_ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")

    assert example.strip() in quickstart


def test_ci_runs_exactly_the_readme_test_command():
    bash_blocks = code_blocks("bash")
    test_command = next(b.strip() for b in bash_blocks if "pytest" in b)
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert test_command in ci.splitlines()


def test_ci_installs_what_the_readme_install_line_installs():
    install = code_blocks("bash")[0].splitlines()[0]
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert install.startswith("pip install torch==2.13.0")
    assert "pip install --quiet torch==2.13.0" in ci
    assert 'pip install --quiet -e ".[test]"' in ci
