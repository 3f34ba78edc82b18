import json
import math
import os
import stat

import pytest

from qlens_q.io import atomic_write, atomic_write_json, atomic_write_text


def test_text_lands_whole_with_the_usual_file_mode(tmp_path):
    path = atomic_write_text(tmp_path / "sub" / "report.md", "# hi\n")

    assert path.read_text() == "# hi\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["report.md"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        atomic_write(path, broken)

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_json_refuses_nan_instead_of_writing_invalid_json(tmp_path):
    path = tmp_path / "r.json"

    with pytest.raises(ValueError):
        atomic_write_json(path, {"x": math.nan})
    atomic_write_json(path, {"x": 1.5})

    assert json.loads(path.read_text()) == {"x": 1.5}
    assert not path.with_name(".r.json").exists()
