"""The CLI turns bad input into one line on stderr and a non-zero exit code, no traceback."""

import pytest


@pytest.fixture
def run_cli(qlens_cli):
    return lambda *args: qlens_cli(*args, timeout=120)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["run", "--shots", "0"], "must be a positive integer; got 0"),
        (["run", "--shots", "many"], "must be a positive integer; got 'many'"),
        (["run", "--task", "vision"], "invalid choice: 'vision'"),
        (["run", "--seed", "-1"], "must be an integer in [0, 2**32); got -1"),
    ],
)
def test_bad_arguments_exit_2_with_usage(args, match, run_cli):
    result = run_cli(*args)

    assert result.returncode == 2
    assert match in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_folder_is_one_line(tmp_path, run_cli):
    out = tmp_path / "run"
    result = run_cli("run", "--quick", "--data", str(tmp_path / "nowhere"), "--out", str(out))

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("qlens-q: error:")
    assert "nowhere" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not out.exists()  # a run that fails early leaves no empty run folder


def test_corrupt_data_file_names_the_file(tmp_path, sentihood_dir, run_cli):
    data = tmp_path / "data"
    data.mkdir()
    for split in ("train", "dev", "test"):
        (data / f"sentihood-{split}.json").write_bytes(
            (sentihood_dir / f"sentihood-{split}.json").read_bytes()
        )
    (data / "sentihood-dev.json").write_text('[{"id": 1, "text": "cut off')

    result = run_cli("run", "--quick", "--data", str(data), "--out", str(tmp_path / "out"))

    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("qlens-q: error:") and "sentihood-dev.json" in last
    assert "Traceback" not in result.stderr


def test_bad_config_file_is_one_line(tmp_path, run_cli):
    path = tmp_path / "bad.toml"
    path.write_text("[model]\nd_modle = 3\n")

    result = run_cli("run", "--config", str(path))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("qlens-q: error:")
    assert "d_modle" in result.stderr
