"""Synthetic layer data for the fit tests: known unitaries and amplitude-encoded states."""

import numpy as np
import pytest
from scipy.stats import ortho_group, unitary_group


def amplitude_states(rng: np.random.Generator, num_states: int, num_outputs: int) -> np.ndarray:
    """Real non-negative unit statevectors sqrt(p) with p ~ Dirichlet(1), like QLENS states."""
    return np.sqrt(rng.dirichlet(np.ones(num_outputs), size=num_states))


def complex_states(rng: np.random.Generator, num_states: int, num_outputs: int) -> np.ndarray:
    """Haar-like random complex unit statevectors."""
    states = rng.normal(size=(num_states, num_outputs)) + 1j * rng.normal(
        size=(num_states, num_outputs)
    )
    return states / np.linalg.norm(states, axis=1, keepdims=True)


def reflection_product(vectors: np.ndarray) -> np.ndarray:
    """R(v_K) ... R(v_1) for the rows v_k of ``vectors`` (v_1 applied first)."""
    num_outputs = vectors.shape[1]
    unitary = np.eye(num_outputs, dtype=np.complex128)
    for vector in vectors:
        unit = vector / np.linalg.norm(vector)
        unitary = (np.eye(num_outputs) - 2.0 * np.outer(unit, unit.conj())) @ unitary
    return unitary


def random_unitary(kind: str, num_outputs: int, seed: int) -> np.ndarray:
    """A seeded Haar-random unitary ("complex") or orthogonal ("real") matrix."""
    if kind == "complex":
        return unitary_group.rvs(num_outputs, random_state=seed)
    return ortho_group.rvs(num_outputs, random_state=seed).astype(np.complex128)


def mean_fidelity(outputs: np.ndarray, targets: np.ndarray) -> float:
    return float(np.mean(np.abs(np.sum(targets.conj() * outputs, axis=1)) ** 2))


def unitarity_error(matrix: np.ndarray) -> float:
    return float(np.abs(matrix.conj().T @ matrix - np.eye(matrix.shape[0])).max())


@pytest.fixture
def layer_data(rng):
    """A factory: (train_inputs, train_targets, test_inputs, test_targets) for a unitary."""

    def make(unitary: np.ndarray, num_train: int = 300, num_test: int = 200, states="amplitude"):
        draw = amplitude_states if states == "amplitude" else complex_states
        num_outputs = unitary.shape[0]
        train_inputs = draw(rng, num_train, num_outputs)
        test_inputs = draw(rng, num_test, num_outputs)
        return train_inputs, train_inputs @ unitary.T, test_inputs, test_inputs @ unitary.T

    return make
