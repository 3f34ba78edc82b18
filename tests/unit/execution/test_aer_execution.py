"""Aer statevectors and shots: agreement with numpy, bit order, padding, seeding."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import StatePreparation

from qlens_q.circuits import ReflectionLayer, compile_trajectory
from qlens_q.exceptions import InvalidInputError
from qlens_q.execution import run_shots, run_statevectors, statevector_probabilities
from qlens_q.operators import householder_vectors
from qlens_q.states import amplitudes, pad_statevector
from qlens_q.statistics import chi_square_test
from qlens_q.tolerances import CIRCUIT_PROBABILITY_ATOL

STATEVECTOR_CIRCUIT_ATOL = 1e-9


def _circuits(rng, num_outputs, method, num_examples=3):
    p0 = rng.dirichlet(np.ones(num_outputs), size=num_examples)
    p1 = rng.dirichlet(np.ones(num_outputs), size=num_examples)
    psi0, psi1 = amplitudes(p0), amplitudes(p1)
    vectors = householder_vectors(psi0, psi1)
    circuits = [
        compile_trajectory(psi0[i], [ReflectionLayer("layer", vectors[i])], method=method)
        for i in range(num_examples)
    ]
    return circuits, p1, psi1


@pytest.mark.parametrize("method", ["reflection", "unitary"])
@pytest.mark.parametrize("num_outputs", [3, 12])
def test_statevectors_match_numpy(rng, method, num_outputs):
    circuits, p1, psi1 = _circuits(rng, num_outputs, method)

    statevectors = run_statevectors(circuits)
    probabilities, padding = statevector_probabilities(circuits, num_outputs)

    np.testing.assert_allclose(statevectors, pad_statevector(psi1), atol=STATEVECTOR_CIRCUIT_ATOL)
    np.testing.assert_allclose(probabilities, p1, atol=CIRCUIT_PROBABILITY_ATOL)
    np.testing.assert_allclose(padding, 0.0, atol=CIRCUIT_PROBABILITY_ATOL)


def test_bit_order_in_shot_counts():
    # N=4, all probability on unit 1 = |01>: qubit 0 measured 1, key '01'.
    circuit = compile_trajectory(amplitudes([0.0, 1.0, 0.0, 0.0]), [], metadata={"id": "x"})

    result = run_shots(circuit, shots=50, seed=1)

    np.testing.assert_array_equal(result.counts, [[0, 50, 0, 0]])
    assert result.padding_counts.tolist() == [0]


def test_shots_padding_seed_and_fit(rng):
    circuits, p1, _ = _circuits(rng, 5, "reflection", num_examples=2)

    first = run_shots(circuits, shots=4000, seed=11)
    again = run_shots(circuits, shots=4000, seed=11)

    assert first.counts.shape == (2, 5) and first.counts.dtype == np.int64
    np.testing.assert_array_equal(first.counts, again.counts)
    np.testing.assert_array_equal(first.padding_counts, [0, 0])
    assert np.all(first.counts.sum(axis=1) == 4000) and first.shots == 4000 and first.seed == 11
    for counts, probabilities in zip(first.counts, p1, strict=True):
        assert chi_square_test(counts, probabilities).p_value > 1e-4


def test_existing_measurements_are_replaced():
    circuit = QuantumCircuit(2, 1)
    circuit.x(1)
    circuit.measure(1, 0)

    result = run_shots(circuit, shots=10, seed=0, num_outputs=3)

    np.testing.assert_array_equal(result.counts, [[0, 0, 10]])


def test_inverted_state_preparation_does_not_reach_aer():
    # Regression for qiskit-aer#2444: Aer segfaults on an inverted StatePreparation.
    v = np.array([0.6, 0.8, 0.0, 0.0])
    circuit = QuantumCircuit(2)
    circuit.append(StatePreparation(v), [0, 1])
    circuit.append(StatePreparation(v).inverse(), [0, 1])

    statevector = run_statevectors(circuit)[0]

    np.testing.assert_allclose(np.abs(statevector), [1.0, 0.0, 0.0, 0.0], atol=1e-9)


def test_errors():
    circuit = compile_trajectory(amplitudes([0.5, 0.5]), [])

    with pytest.raises(InvalidInputError, match="shots must be >= 1; got 0"):
        run_shots(circuit, shots=0, seed=0)
    with pytest.raises(InvalidInputError, match="at least one QuantumCircuit"):
        run_statevectors([])
    with pytest.raises(InvalidInputError, match=r"same number of qubits; got \[1, 2\]"):
        run_statevectors([circuit, QuantumCircuit(2)])
    with pytest.raises(InvalidInputError, match=r"num_outputs must lie in \[2, 2\]"):
        statevector_probabilities(circuit, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: statevector_probabilities(c, "3"),
            "num_outputs must be an int >= 2; got '3' of type str",
        ),
        (
            lambda c: run_shots(c, shots=10, seed=0, num_outputs=3.0),
            "num_outputs must be an int >= 2; got 3.0",
        ),
        (lambda c: run_shots(c, shots=10.0, seed=0), "shots must be an int >= 1; got 10.0"),
        (lambda c: run_shots(c, shots=10, seed=None), r"seed must be an int in \[0, 2\*\*63\)"),
        (lambda c: run_shots(c, shots=10, seed=-1), r"seed must be .* got -1"),
        (lambda c: run_shots(c, shots=10, seed=2**64), r"seed must be .* got 18446744073709551616"),
    ],
)
def test_bad_argument_types_raise_invalid_input(call, message):
    # Regression: these raised TypeError (or reached Aer with an invalid seed).
    circuit = compile_trajectory(amplitudes([0.25, 0.25, 0.5]), [])

    with pytest.raises(InvalidInputError, match=message):
        call(circuit)


def test_largest_seed_and_numpy_integers_are_accepted():
    circuit = compile_trajectory(amplitudes([0.25, 0.25, 0.5]), [])

    result = run_shots(circuit, shots=np.int64(20), seed=np.uint64(2**63 - 1))

    assert result.shots == 20 and result.seed == 2**63 - 1 and type(result.seed) is int
    assert result.counts.sum() + result.padding_counts.sum() == 20
