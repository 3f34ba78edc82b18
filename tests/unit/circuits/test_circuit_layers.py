"""ReflectionLayer and UnitaryLayer construction and matrices."""

import numpy as np
import pytest

from qlens_q.circuits import ReflectionLayer, UnitaryLayer, reflection_matrix
from qlens_q.exceptions import InvalidInputError, NotUnitaryError

EXACT_ATOL = 1e-12


def test_reflection_product_order(rng):
    first, second = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 3)))

    layer = ReflectionLayer("two", np.stack([first, second]))

    expected = reflection_matrix(second) @ reflection_matrix(first)
    np.testing.assert_allclose(layer.unitary(), expected, atol=EXACT_ATOL)
    assert layer.num_outputs == 3


def test_single_vector_promoted_and_zero_row_is_identity():
    layer = ReflectionLayer("id", np.zeros(4))

    assert layer.vectors.shape == (1, 4)
    np.testing.assert_array_equal(layer.unitary(), np.eye(4))


def test_complex_reflection_is_unitary_and_hermitian():
    v = np.array([1.0, 1.0j, -1.0]) / np.sqrt(3)

    matrix = ReflectionLayer("c", v).unitary()

    np.testing.assert_allclose(matrix @ matrix.conj().T, np.eye(3), atol=EXACT_ATOL)
    np.testing.assert_allclose(matrix @ v, -v, atol=EXACT_ATOL)


def test_errors():
    with pytest.raises(InvalidInputError, match="unit vectors .* got norm 2 in row 0"):
        ReflectionLayer("bad", np.array([2.0, 0.0]))
    with pytest.raises(NotUnitaryError, match="unitary of layer 'u' must be unitary"):
        UnitaryLayer("u", np.diag([1.0, 2.0]))
    with pytest.raises(InvalidInputError, match=r"got shape \(2, 2, 2\)"):
        ReflectionLayer("bad", np.ones((2, 2, 2)))
