"""Vectorised permutation tests: calibration, extreme cases, seeding and errors."""

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators import householder_hamiltonians
from qlens_q.statistics import (
    delta_psi_permutation_test,
    mean_delta_psi,
    mean_pairwise_cosine_similarity,
    random_householder_vectors,
    similarity_permutation_test,
)

NUM_PERMUTATIONS = 499


def _hamiltonians(rng, num_matrices, num_outputs, spread):
    """Householder Hamiltonians around one direction (small spread) or spread out."""
    centre = np.abs(rng.normal(size=num_outputs))
    vectors = centre + spread * rng.normal(size=(num_matrices, num_outputs))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return householder_hamiltonians(vectors)


def test_identical_distributions_are_not_significant(rng):
    reference = rng.normal(size=(40, 4))
    first = householder_hamiltonians(random_householder_vectors(reference, seed=1))
    second = householder_hamiltonians(random_householder_vectors(reference, seed=2))

    result = similarity_permutation_test(first, second, num_permutations=NUM_PERMUTATIONS)

    assert result.p_value > 0.05
    assert result.observed == pytest.approx(mean_pairwise_cosine_similarity(first))
    assert result.baseline == pytest.approx(mean_pairwise_cosine_similarity(second))
    assert result.statistic == pytest.approx(result.observed - result.baseline)


def test_clearly_different_gives_minimal_p(rng):
    aligned = _hamiltonians(rng, 30, 5, spread=0.05)
    spread = householder_hamiltonians(random_householder_vectors(rng.normal(size=(30, 5)), seed=3))

    result = similarity_permutation_test(aligned, spread, num_permutations=NUM_PERMUTATIONS)
    reverse = similarity_permutation_test(
        aligned, spread, num_permutations=NUM_PERMUTATIONS, alternative="less"
    )

    assert result.p_value == 1 / (NUM_PERMUTATIONS + 1)
    assert reverse.p_value > 0.99
    assert result.num_permutations == NUM_PERMUTATIONS and result.alternative == "greater"


def test_seeded(rng):
    first, second = _hamiltonians(rng, 10, 3, 0.5), _hamiltonians(rng, 12, 3, 0.5)

    results = [similarity_permutation_test(first, second, seed=7) for _ in range(2)]

    assert results[0] == results[1]


def test_delta_psi_test(rng):
    coherent = np.array([0.3, -0.2, 0.1]) + 0.01 * rng.normal(size=(25, 3))
    incoherent = rng.normal(size=(25, 3)) * 0.3

    result = delta_psi_permutation_test(coherent, incoherent, num_permutations=NUM_PERMUTATIONS)
    null = delta_psi_permutation_test(
        incoherent[:12], incoherent[12:], num_permutations=NUM_PERMUTATIONS
    )

    assert result.p_value == 1 / (NUM_PERMUTATIONS + 1)
    assert result.observed == pytest.approx(mean_delta_psi(coherent)[1])
    assert null.p_value > 0.01


def test_mean_delta_psi():
    vector, norm = mean_delta_psi(np.array([[1.0, 0.0], [0.0, 1.0]]))

    np.testing.assert_allclose(vector, [0.5, 0.5])
    assert norm == pytest.approx(np.sqrt(0.5))


def test_errors(rng):
    first = _hamiltonians(rng, 5, 3, 0.5)

    with pytest.raises(InvalidInputError, match=r"matrices \(5, 3, 3\) and baseline_matrices"):
        similarity_permutation_test(first, _hamiltonians(rng, 5, 4, 0.5))
    with pytest.raises(InvalidInputError, match=r"alternative must be one of \('greater', 'less'"):
        similarity_permutation_test(first, first, alternative="two-sided")
    with pytest.raises(InvalidInputError, match="num_permutations must be >= 1; got 0"):
        similarity_permutation_test(first, first, num_permutations=0)
    with pytest.raises(InvalidInputError, match="baseline_matrices 1"):
        similarity_permutation_test(first, first[:1])
    with pytest.raises(InvalidInputError, match=r"same N; got delta_psi \(2, 2\)"):
        delta_psi_permutation_test(np.ones((2, 2)), np.ones((2, 3)))


def test_skip_zero(rng):
    first = _hamiltonians(rng, 5, 3, 0.5)
    first[0] = 0.0

    with pytest.raises(InvalidInputError, match="zero matrix at index 0"):
        similarity_permutation_test(first, _hamiltonians(rng, 5, 3, 0.5))
    result = similarity_permutation_test(first, _hamiltonians(rng, 5, 3, 0.5), skip_zero=True)

    assert result.observed == pytest.approx(mean_pairwise_cosine_similarity(first[1:]))
