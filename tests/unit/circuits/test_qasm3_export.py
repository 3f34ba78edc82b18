"""OpenQASM 3 round trip of compiled circuits."""

import numpy as np
import pytest
from qiskit.quantum_info import Statevector

from qlens_q.circuits import ReflectionLayer, compile_trajectory, export_qasm3, load_qasm3
from qlens_q.exceptions import InvalidInputError
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
