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


def test_tiny_alpha_does_not_overflow_the_gram(rng):
    # Regression: alpha=1e-160 overflowed the Gram matrix -> NaN -> p = 1/(n+1).
    vectors = rng.normal(size=(10, 4))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    first, second = vectors[:5], vectors[5:]

    tiny = similarity_permutation_test(
        householder_hamiltonians(first, alpha=1e-160),
        householder_hamiltonians(second, alpha=1e-160),
        num_permutations=99,
    )
    unit = similarity_permutation_test(
        householder_hamiltonians(first), householder_hamiltonians(second), num_permutations=99
    )

    assert np.isfinite(tiny.statistic)
    assert tiny.statistic == pytest.approx(unit.statistic, abs=1e-12)
    assert tiny.p_value == unit.p_value


@pytest.mark.parametrize("skip_zero", [False, True])
def test_non_finite_matrices_are_reported_before_skip_zero(skip_zero):
    # Regression: NaN input with skip_zero=True reported "at least 2 matrices; got 0".
    matrices = np.full((3, 2, 2), np.nan)

    with pytest.raises(InvalidInputError, match="matrices must be finite; got NaN or inf"):
        similarity_permutation_test(matrices, np.ones((3, 2, 2)), skip_zero=skip_zero)


def test_non_finite_statistic_raises():
    huge = np.full((2, 2), 1e308)

    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises(InvalidInputError, match="observed statistic must be finite; got nan"),
    ):
        delta_psi_permutation_test(huge, np.ones((2, 2)), num_permutations=9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_permutations": 9.5}, "num_permutations must be an int >= 1; got 9.5"),
        ({"seed": None}, r"seed must be an int in \[0, 2\*\*63\); got None"),
        ({"seed": -1}, r"seed must be an int in \[0, 2\*\*63\); got -1"),
    ],
)
def test_option_types(rng, kwargs, message):
    first = _hamiltonians(rng, 4, 3, 0.5)

    with pytest.raises(InvalidInputError, match=message):
        similarity_permutation_test(first, first, **kwargs)
    with pytest.raises(InvalidInputError, match=message):
        delta_psi_permutation_test(np.ones((2, 2)), np.ones((2, 2)), **kwargs)
