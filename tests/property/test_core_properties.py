"""Hypothesis properties of the quantum core over random N in [2, 64]."""

import numpy as np
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from qlens_q.circuits import ReflectionLayer, compile_trajectory
from qlens_q.execution import run_statevectors
from qlens_q.operators import (
    check_hermitian,
    hamiltonian_from_unitary,
    householder_hamiltonians,
    householder_unitaries,
    householder_vectors,
    spectrum,
    unitary_from_hamiltonian,
)
from qlens_q.states import amplitudes, pad_statevector
from qlens_q.statistics import hellinger_fidelity, total_variation_distance
from qlens_q.tolerances import EXPM_ATOL, HERMITIAN_ATOL, STATEVECTOR_ATOL

UNITARITY_ATOL = 1e-12
CIRCUIT_STATEVECTOR_ATOL = 1e-9
DISTANCE_SLACK = 1e-12
LOG_ROUND_TRIP_RTOL = 1e-10

num_outputs_strategy = st.integers(min_value=2, max_value=64)
seed_strategy = st.integers(min_value=0, max_value=2**32 - 1)
alpha_strategy = st.floats(min_value=0.05, max_value=5.0)
fast = settings(max_examples=30, deadline=None)
circuit_settings = settings(max_examples=25, deadline=None)


def _probabilities(seed, num_outputs, num_rows, sparse):
    """Random probability rows; with ``sparse`` about half the units get probability 0."""
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.ones(num_outputs), size=num_rows)
    if sparse:
        mask = rng.random((num_rows, num_outputs)) < 0.5
        mask[:, rng.integers(num_outputs)] = False
        probabilities = np.where(mask, 0.0, probabilities)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
    return probabilities


def _hermitian(seed, num_outputs, alpha, fraction):
    """Random Hermitian matrix with spectrum inside ``fraction * (-pi/alpha, pi/alpha)``."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(num_outputs, num_outputs)) + 1j * rng.normal(
        size=(num_outputs, num_outputs)
    )
    hamiltonian = (raw + raw.conj().T) / 2
    return hamiltonian * fraction * np.pi / alpha / np.abs(np.linalg.eigvalsh(hamiltonian)).max()


@fast
@given(num_outputs_strategy, seed_strategy, alpha_strategy, st.booleans(), st.booleans())
def test_householder_layer_properties(num_outputs, seed, alpha, sparse, same):
    probabilities = _probabilities(seed, num_outputs, 2, sparse)
    psi0, psi1 = amplitudes(probabilities)
    if same:
        psi1 = psi0

    vectors = householder_vectors(psi0, psi1)
    unitary = householder_unitaries(vectors)
    hamiltonian = householder_hamiltonians(vectors, alpha)

    identity = np.eye(num_outputs)
    np.testing.assert_allclose(unitary.T @ unitary, identity, atol=UNITARITY_ATOL)
    np.testing.assert_allclose(unitary @ psi0, psi1, atol=STATEVECTOR_ATOL)
    np.testing.assert_allclose(np.linalg.norm(unitary @ psi0), 1.0, atol=STATEVECTOR_ATOL)
    check_hermitian(hamiltonian, atol=HERMITIAN_ATOL)
    np.testing.assert_allclose(
        scipy.linalg.expm(-1j * alpha * hamiltonian), unitary, atol=EXPM_ATOL
    )


@fast
@given(num_outputs_strategy, seed_strategy, alpha_strategy)
def test_eigen_view_matches_expm_and_round_trips(num_outputs, seed, alpha):
    hamiltonian = _hermitian(seed, num_outputs, alpha, fraction=0.95)

    unitary = unitary_from_hamiltonian(hamiltonian, alpha)

    np.testing.assert_allclose(
        unitary, scipy.linalg.expm(-1j * alpha * hamiltonian), atol=EXPM_ATOL
    )
    # Energies come back from phases, so the error scales with the energy unit pi / alpha.
    round_trip_atol = LOG_ROUND_TRIP_RTOL * np.pi / alpha
    np.testing.assert_allclose(
        hamiltonian_from_unitary(unitary, alpha), hamiltonian, atol=round_trip_atol
    )


@fast
@given(
    seed_strategy,
    alpha_strategy,
    st.lists(st.floats(min_value=0.0, max_value=1e-8), min_size=1, max_size=6),
)
def test_energies_near_the_branch_cut_stay_in_principal_range(seed, alpha, gaps):
    # Eigenphases within 1e-8 of +-pi (either side of the cut) in a random eigenbasis.
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=len(gaps))
    phases = np.append(signs * (np.pi - np.asarray(gaps)), rng.uniform(-np.pi, np.pi, size=2))
    basis, _ = np.linalg.qr(rng.normal(size=(phases.size,) * 2))
    unitary = (basis * np.exp(1j * phases)) @ basis.T

    energies = spectrum(unitary, alpha)
    hamiltonian = hamiltonian_from_unitary(unitary, alpha)

    assert np.all(energies <= np.pi / alpha) and np.all(energies > -np.pi / alpha)
    check_hermitian(hamiltonian, atol=HERMITIAN_ATOL)


@circuit_settings
@given(num_outputs_strategy, seed_strategy, st.booleans())
def test_circuit_statevector_is_final_state(num_outputs, seed, sparse):
    psi = amplitudes(_probabilities(seed, num_outputs, 3, sparse))
    layers = [
        ReflectionLayer("layer_1", householder_vectors(psi[0], psi[1])),
        ReflectionLayer("layer_2", householder_vectors(psi[1], psi[2])),
    ]
    circuits = [
        compile_trajectory(psi[0], layers, method=method) for method in ("reflection", "unitary")
    ]

    statevectors = run_statevectors(circuits)

    expected = pad_statevector(psi[2])
    np.testing.assert_allclose(statevectors[0], expected, atol=CIRCUIT_STATEVECTOR_ATOL)
    # The dense route is compared up to a global phase.
    phase = np.vdot(expected, statevectors[1])
    np.testing.assert_allclose(abs(phase), 1.0, atol=CIRCUIT_STATEVECTOR_ATOL)
    np.testing.assert_allclose(statevectors[1], phase * expected, atol=CIRCUIT_STATEVECTOR_ATOL)


@fast
@given(num_outputs_strategy, seed_strategy, st.booleans())
def test_distance_properties(num_outputs, seed, sparse):
    p, q, r = _probabilities(seed, num_outputs, 3, sparse)

    tvd_pq, tvd_qr, tvd_pr = (total_variation_distance(*pair) for pair in ((p, q), (q, r), (p, r)))
    fidelity = hellinger_fidelity(p, q)

    assert 0.0 <= tvd_pq <= 1.0 and 0.0 <= fidelity <= 1.0
    assert tvd_pq == total_variation_distance(q, p)
    assert fidelity == hellinger_fidelity(q, p)
    assert tvd_pr <= tvd_pq + tvd_qr + DISTANCE_SLACK
    assert total_variation_distance(p, p) == 0.0
    assert abs(hellinger_fidelity(p, p) - 1.0) < DISTANCE_SLACK
