"""Householder layers, checked against a 2-D case computed by hand."""

import math

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators import (
    HouseholderLayer,
    delta_psi,
    householder_hamiltonians,
    householder_unitaries,
    householder_vectors,
)
from qlens_q.states import amplitudes
from qlens_q.tolerances import STATEVECTOR_ATOL

HAND_ATOL = 1e-12
SQRT2 = math.sqrt(2.0)


class TestHandComputedTwoLevelCase:
    """p0 = (0.9, 0.1) -> p1 = (0.2, 0.8), alpha = 1.

    psi0 = (3, 1) / sqrt(10), psi1 = (1, 2) / sqrt(5), <psi0|psi1> = 5 / sqrt(50) = 1 / sqrt(2),
    so ||psi1 - psi0||**2 = 2 - sqrt(2) and v = (psi1 - psi0) / sqrt(2 - sqrt(2)). Then
    v0**2 = (1.1 - 0.6 sqrt 2) / (2 - sqrt 2), v1**2 = (0.9 - 0.4 sqrt 2) / (2 - sqrt 2) and
    v0 v1 = (0.7 - 0.7 sqrt 2) / (2 - sqrt 2).
    """

    psi0 = np.array([3.0, 1.0]) / math.sqrt(10.0)
    psi1 = np.array([1.0, 2.0]) / math.sqrt(5.0)
    difference = np.array(
        [1 / math.sqrt(5) - 3 / math.sqrt(10), 2 / math.sqrt(5) - 1 / math.sqrt(10)]
    )
    v = difference / math.sqrt(2.0 - SQRT2)
    vv = np.array(
        [[1.1 - 0.6 * SQRT2, 0.7 - 0.7 * SQRT2], [0.7 - 0.7 * SQRT2, 0.9 - 0.4 * SQRT2]]
    ) / (2.0 - SQRT2)

    def test_states(self):
        np.testing.assert_allclose(amplitudes([0.9, 0.1]), self.psi0, atol=HAND_ATOL)
        np.testing.assert_allclose(amplitudes([0.2, 0.8]), self.psi1, atol=HAND_ATOL)

    def test_vector(self):
        v = householder_vectors(self.psi0, self.psi1)

        np.testing.assert_allclose(v, self.v, atol=HAND_ATOL)
        np.testing.assert_allclose(v, [-0.6552017, 0.7554539], atol=1e-7)
        np.testing.assert_allclose(np.outer(v, v), self.vv, atol=HAND_ATOL)

    def test_unitary_maps_psi0_to_psi1(self):
        unitary = householder_unitaries(self.v)

        np.testing.assert_allclose(unitary, np.eye(2) - 2 * self.vv, atol=HAND_ATOL)
        np.testing.assert_allclose(unitary @ self.psi0, self.psi1, atol=HAND_ATOL)

    def test_hamiltonian(self):
        hamiltonian = householder_hamiltonians(self.v, alpha=1.0)

        np.testing.assert_allclose(hamiltonian, math.pi * self.vv, atol=HAND_ATOL)

    def test_delta_psi_closed_form(self):
        # (exp(-i pi) - 1) v <v|psi0> = -2 v <v|psi0> = psi1 - psi0.
        overlap = (1 / SQRT2 - 1) / math.sqrt(2.0 - SQRT2)
        expected = -2.0 * self.v * overlap

        np.testing.assert_allclose(delta_psi(self.v, self.psi0), expected, atol=HAND_ATOL)
        np.testing.assert_allclose(expected, self.difference, atol=HAND_ATOL)
        np.testing.assert_allclose(expected, [-0.5014697, 0.5781994], atol=1e-7)

    def test_layer(self):
        layer = HouseholderLayer.from_states("layer_1", self.psi0, self.psi1, alpha=0.5)

        assert len(layer) == 1 and layer.num_outputs == 2
        np.testing.assert_allclose(layer.hamiltonians[0], 2 * math.pi * self.vv, atol=HAND_ATOL)
        np.testing.assert_allclose(layer.unitaries[0] @ self.psi0, self.psi1, atol=HAND_ATOL)
        np.testing.assert_allclose(layer.delta_psi(self.psi0)[0], self.difference, atol=HAND_ATOL)


def test_identity_layer_gives_zero_vector_and_identity(rng):
    psi = amplitudes(rng.dirichlet(np.ones(5), size=3))
    psi1 = psi.copy()
    psi1[1] = amplitudes(rng.dirichlet(np.ones(5)))

    layer = HouseholderLayer.from_states("same", psi, psi1)

    np.testing.assert_array_equal(layer.identity_mask, [True, False, True])
    np.testing.assert_array_equal(layer.vectors[[0, 2]], 0.0)
    np.testing.assert_array_equal(layer.unitaries[0], np.eye(5))
    np.testing.assert_array_equal(layer.hamiltonians[2], np.zeros((5, 5)))
    np.testing.assert_array_equal(layer.delta_psi(psi)[0], 0.0)
    assert np.all(np.isfinite(layer.vectors))


def test_batched_unitaries_map_states(rng):
    psi0 = amplitudes(rng.dirichlet(np.ones(7), size=4))
    psi1 = amplitudes(rng.dirichlet(np.ones(7), size=4))

    unitaries = householder_unitaries(householder_vectors(psi0, psi1))

    assert unitaries.shape == (4, 7, 7)
    np.testing.assert_allclose(
        np.einsum("bij,bj->bi", unitaries, psi0), psi1, atol=STATEVECTOR_ATOL
    )


def test_layer_is_read_only(rng):
    layer = HouseholderLayer.from_states("l", amplitudes([0.5, 0.5]), amplitudes([0.1, 0.9]))

    with pytest.raises(ValueError, match="read-only"):
        layer.vectors[0, 0] = 1.0


@pytest.mark.parametrize(
    ("psi0", "psi1", "match"),
    [
        (np.ones(2) / np.sqrt(2), np.ones(3) / np.sqrt(3), r"psi0 \(2,\) and psi1 \(3,\)"),
        (np.ones((2, 2)) / np.sqrt(2), np.ones(2) / np.sqrt(2), r"psi0 \(2, 2\) and psi1 \(2,\)"),
        (
            np.array([1.0, 1.0]),
            np.array([1.0, 0.0]),
            r"psi0 must have unit 2-norm .* got norm 1.41",
        ),
        (np.array([1.0, 0.0]), np.array([np.nan, 0.0]), "psi1 must be finite"),
        (np.array([1.0]), np.array([1.0]), "psi0 must have N >= 2"),
        (
            np.ones(2) / np.sqrt(2),
            np.array([1.0, 1.0j]) / np.sqrt(2),
            r"Im <psi0\|psi1>\| up to 0.5",
        ),
    ],
)
def test_householder_vectors_errors(psi0, psi1, match):
    with pytest.raises(InvalidInputError, match=match):
        householder_vectors(psi0, psi1)


@pytest.mark.parametrize("alpha", [0.0, -1.0, np.inf, np.nan])
def test_alpha_must_be_positive(alpha):
    v = np.array([1.0, 0.0])

    with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
        householder_hamiltonians(v, alpha=alpha)
    with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
        delta_psi(v, v, alpha=alpha)
    with pytest.raises(InvalidInputError, match="alpha must be a finite number > 0"):
        HouseholderLayer("l", v, alpha=alpha)


def test_delta_psi_shape_mismatch():
    with pytest.raises(InvalidInputError, match=r"vectors \(3,\) and psi0 \(2,\)"):
        delta_psi(np.array([1.0, 0.0, 0.0]), np.array([1.0, 0.0]))


NON_UNIT = np.array([1.0, 1.0])


@pytest.mark.parametrize(
    "call",
    [
        lambda: householder_unitaries(NON_UNIT),
        lambda: householder_hamiltonians(np.array([[0.0, 0.0], NON_UNIT])),
        lambda: delta_psi(NON_UNIT, np.array([1.0, 0.0])),
        lambda: HouseholderLayer("layer", NON_UNIT[None, :]),
    ],
)
def test_non_unit_vectors_are_rejected(call):
    # Regression: householder_unitaries([1, 1]) returned the non-unitary [[-1, -2], [-2, -1]].
    with pytest.raises(InvalidInputError, match=r"unit vectors .* or zero rows .* norm 1\.414"):
        call()


def test_unit_and_zero_rows_are_accepted():
    vectors = np.array([[0.0, 0.0], [1 / SQRT2, -1 / SQRT2]])

    unitaries = householder_unitaries(vectors)

    np.testing.assert_allclose(unitaries[0], np.eye(2), atol=HAND_ATOL)
    np.testing.assert_allclose(unitaries[1] @ unitaries[1].T, np.eye(2), atol=HAND_ATOL)


def test_identity_mask_must_match_zero_rows():
    vectors = np.array([[0.0, 0.0], [1.0, 0.0]])

    layer = HouseholderLayer("layer", vectors, identity_mask=np.array([True, False]))

    assert layer.identity_mask.tolist() == [True, False]
    assert HouseholderLayer("layer", vectors).identity_mask.tolist() == [True, False]
    with pytest.raises(InvalidInputError, match=r"identity_mask\[0\]=False for a zero row"):
        HouseholderLayer("layer", vectors, identity_mask=np.array([False, False]))
    with pytest.raises(InvalidInputError, match=r"identity_mask\[1\]=True for a non-zero row"):
        HouseholderLayer("layer", vectors, identity_mask=np.array([True, True]))
    with pytest.raises(InvalidInputError, match="boolean array of shape .2,.* dtype int64"):
        HouseholderLayer("layer", vectors, identity_mask=np.array([1, 0]))
