"""Random Householder baselines: shapes, quadrants, seeding."""

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.statistics import random_householder_matrices, random_householder_vectors

NORM_ATOL = 1e-12


def test_two_outputs_keep_quadrant():
    reference = np.array([[-0.6, 0.8], [0.6, -0.8], [0.0, 0.0], [1.0, 0.0]])

    vectors = random_householder_vectors(reference, seed=0)

    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=NORM_ATOL)
    np.testing.assert_array_equal(np.sign(vectors[:2]), np.sign(reference[:2]))
    assert vectors[3, 0] > 0
    assert np.prod(np.sign(vectors[2])) < 0  # difference of non-negative unit vectors


def test_general_outputs_are_differences_of_nonnegative_vectors(rng):
    reference = rng.normal(size=(50, 6))

    vectors = random_householder_vectors(reference, seed=1)

    assert vectors.shape == (50, 6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=NORM_ATOL)
    assert np.all(vectors.max(axis=1) > 0) and np.all(vectors.min(axis=1) < 0)


def test_seeded_and_matrices(rng):
    reference = rng.normal(size=(3, 4))

    np.testing.assert_array_equal(
        random_householder_vectors(reference, seed=5), random_householder_vectors(reference, seed=5)
    )
    matrices = random_householder_matrices(reference, seed=5)
    np.testing.assert_allclose(
        matrices @ np.swapaxes(matrices, 1, 2), np.broadcast_to(np.eye(4), (3, 4, 4)), atol=1e-12
    )


def test_errors():
    with pytest.raises(InvalidInputError, match=r"shape \(M, N\) with N >= 2; got \(3,\)"):
        random_householder_vectors(np.ones(3), seed=0)
    with pytest.raises(InvalidInputError, match="real and finite"):
        random_householder_vectors(np.ones((2, 2)) * 1j, seed=0)
