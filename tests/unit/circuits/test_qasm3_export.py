"""OpenQASM 3 round trip of compiled circuits."""

import numpy as np
import pytest
from qiskit.quantum_info import Statevector

from qlens_q.circuits import ReflectionLayer, compile_trajectory, export_qasm3, load_qasm3
from qlens_q.exceptions import DataError, InvalidInputError
from qlens_q.operators import householder_vectors
from qlens_q.states import amplitudes


@pytest.mark.parametrize("method", ["reflection", "unitary"])
def test_round_trip_statevector_and_metadata(tmp_path, rng, method):
    psi = amplitudes(rng.dirichlet(np.ones(5), size=2))
    layer = ReflectionLayer("layer_1", householder_vectors(psi[0], psi[1]))
    circuit = compile_trajectory(psi[0], [layer], method=method, metadata={"example_id": 3})
    path = tmp_path / "trajectory.qasm"

    export_qasm3(circuit, path)
    loaded = load_qasm3(path)

    assert loaded.name == circuit.name and loaded.metadata == circuit.metadata
    original = Statevector(circuit.remove_final_measurements(inplace=False))
    restored = Statevector(loaded.remove_final_measurements(inplace=False))
    assert restored.equiv(original, atol=1e-9)  # OpenQASM 3 drops the global phase
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="existing folder"):
        export_qasm3(compile_trajectory(np.array([1.0, 0.0]), []), tmp_path / "no" / "x.qasm")
    with pytest.raises(InvalidInputError, match="existing OpenQASM 3 file"):
        load_qasm3(tmp_path / "missing.qasm")


def test_numpy_metadata_round_trips_as_plain_numbers(tmp_path):
    # Regression: json default=str turned np.int64(3) into the string "3".
    metadata = {"example_id": np.int64(3), "weights": np.array([0.5, 0.25]), "p": np.float32(0.5)}
    circuit = compile_trajectory(np.array([1.0, 0.0]), [], metadata=metadata)

    loaded = load_qasm3(export_qasm3(circuit, tmp_path / "numpy.qasm"))

    assert loaded.metadata["example_id"] == 3 and type(loaded.metadata["example_id"]) is int
    assert loaded.metadata["weights"] == [0.5, 0.25]
    assert loaded.metadata["p"] == 0.5 and type(loaded.metadata["p"]) is float


def test_unreadable_files_raise_data_error(tmp_path):
    # Regression: QASM3ParsingError and json.JSONDecodeError leaked to the caller.
    path = export_qasm3(compile_trajectory(np.array([1.0, 0.0]), []), tmp_path / "good.qasm")
    body = path.read_text().split("\n", 1)[1]
    cases = {
        "syntax.qasm": ("garbage!!", "must hold valid OpenQASM 3; got QASM3ParsingError"),
        "gate.qasm": ("OPENQASM 3.0; qubit[1] q; foo q;", "gate 'foo' is not defined"),
        "header.qasm": ("// qlens-q: {bad\n" + body, "header line must be JSON"),
        "list.qasm": ("// qlens-q: [1, 2]\n" + body, "header must be a JSON object"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(DataError, match=f"{name}.*{message}"):
            load_qasm3(tmp_path / name)
