"""Compiled trajectories against numpy, for both compilation routes."""

import numpy as np
import pytest
from qiskit.quantum_info import Operator, Statevector

from qlens_q.circuits import (
    ReflectionLayer,
    UnitaryLayer,
    compile_trajectory,
    reflection_circuit,
    reflection_matrix,
)
from qlens_q.exceptions import InvalidInputError
from qlens_q.operators import householder_vectors
from qlens_q.states import amplitudes, pad_statevector
from qlens_q.tolerances import CIRCUIT_PROBABILITY_ATOL

STATEVECTOR_CIRCUIT_ATOL = 1e-9


@pytest.mark.parametrize("num_outputs", [2, 3, 4, 6])
def test_reflection_circuit_matches_matrix(rng, num_outputs):
    v = rng.normal(size=num_outputs) + 1j * rng.normal(size=num_outputs)
    v /= np.linalg.norm(v)
    num_qubits = int(np.ceil(np.log2(num_outputs)))
    expected = np.eye(2**num_qubits, dtype=complex)
    expected[:num_outputs, :num_outputs] = reflection_matrix(v)

    circuit = reflection_circuit(v)

    np.testing.assert_allclose(Operator(circuit).data, expected, atol=STATEVECTOR_CIRCUIT_ATOL)


def test_reflection_circuit_never_holds_inverted_state_preparation(rng):
    v = rng.normal(size=8)

    circuit = reflection_circuit(v / np.linalg.norm(v))

    assert set(circuit.count_ops()) <= {"u", "cx", "x", "h", "z", "ccx", "mcx"}
    assert reflection_circuit(np.zeros(4)).size() == 0


def _trajectory(rng, num_outputs):
    psi = amplitudes(rng.dirichlet(np.ones(num_outputs), size=3))
    layers = [
        ReflectionLayer("layer_1", householder_vectors(psi[0], psi[1])),
        ReflectionLayer("layer_2", householder_vectors(psi[1], psi[2])),
    ]
    return psi, layers


@pytest.mark.parametrize("method", ["reflection", "unitary"])
@pytest.mark.parametrize("num_outputs", [2, 5, 12])
def test_trajectory_reaches_final_state(rng, method, num_outputs):
    psi, layers = _trajectory(rng, num_outputs)

    circuit = compile_trajectory(psi[0], layers, method=method, measure=False)
    state = Statevector(circuit).data

    np.testing.assert_allclose(state, pad_statevector(psi[2]), atol=STATEVECTOR_CIRCUIT_ATOL)


def test_name_metadata_and_barriers(rng):
    psi, layers = _trajectory(rng, 3)

    circuit = compile_trajectory(
        psi[0], layers, method="unitary", metadata={"example_id": 17, "split": "test"}
    )

    assert circuit.name == "qlens_17_layer_1+layer_2_unitary"
    assert circuit.metadata == {
        "example_id": 17,
        "split": "test",
        "layers": ["layer_1", "layer_2"],
        "num_outputs": 3,
        "method": "unitary",
    }
    labels = [i.operation.label for i in circuit.data if i.operation.name == "barrier"]
    assert labels[:2] == ["layer_1", "layer_2"]
    assert circuit.count_ops()["measure"] == 2


def test_unitary_layer_is_dense_in_both_routes(rng):
    psi = amplitudes([0.5, 0.3, 0.2])
    rotation = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])

    circuit = compile_trajectory(psi, [UnitaryLayer("perm", rotation)], measure=False)

    assert circuit.count_ops().get("unitary") == 1
    probabilities = Statevector(circuit).probabilities()
    np.testing.assert_allclose(probabilities, [0.3, 0.2, 0.5, 0.0], atol=CIRCUIT_PROBABILITY_ATOL)


def test_errors(rng):
    psi, layers = _trajectory(rng, 3)

    with pytest.raises(InvalidInputError, match="unit 2-norm within 1e-10; got norm 2"):
        compile_trajectory(2 * psi[0], layers)
    with pytest.raises(InvalidInputError, match="layer 'x' must act on N=3 .* got N=2"):
        compile_trajectory(psi[0], [ReflectionLayer("x", np.array([1.0, 0.0]))])
    with pytest.raises(InvalidInputError, match=r"method must be one of \('reflection', 'unitary'"):
        compile_trajectory(psi[0], layers, method="dense")
    with pytest.raises(InvalidInputError, match=r"layers\[0\] must be a ReflectionLayer"):
        compile_trajectory(psi[0], [np.eye(3)])


def test_single_layer_instead_of_a_list_is_rejected():
    # Regression: a bare layer raised "TypeError: 'ReflectionLayer' object is not iterable".
    layer = ReflectionLayer("layer_1", np.array([1.0, 0.0]))

    with pytest.raises(InvalidInputError, match=r"single ReflectionLayer 'layer_1'.*\[layer\]"):
        compile_trajectory(amplitudes([0.5, 0.5]), layer)
    with pytest.raises(InvalidInputError, match="layers must be a sequence .* got int"):
        compile_trajectory(amplitudes([0.5, 0.5]), 3)
    circuit = compile_trajectory(amplitudes([0.5, 0.5]), (layer for _ in range(2)))
    assert circuit.metadata["layers"] == ["layer_1", "layer_1"]


def test_reflection_circuit_rejects_float_num_qubits():
    with pytest.raises(InvalidInputError, match="num_qubits must be an int >= 1; got 2.0"):
        reflection_circuit(np.array([1.0, 0.0, 0.0]), 2.0)
