"""Distances, chi-square goodness of fit, shot budgets and binomial intervals."""

import math

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.statistics import (
    binomial_confidence_interval,
    chi_square_test,
    chi_square_tests,
    hellinger_fidelity,
    max_abs_error,
    shots_for_tvd,
    total_variation_distance,
)

EXACT_ATOL = 1e-12


def test_distances_by_hand():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])

    assert max_abs_error(p, q) == pytest.approx(0.5)
    assert total_variation_distance(p, q) == pytest.approx(0.5)
    assert hellinger_fidelity(p, q) == pytest.approx((2 * math.sqrt(0.125)) ** 2)


def test_distances_batched():
    p = np.array([[1.0, 0.0], [0.5, 0.5]])
    q = np.array([[0.0, 1.0], [0.5, 0.5]])

    np.testing.assert_allclose(total_variation_distance(p, q), [1.0, 0.0], atol=EXACT_ATOL)
    np.testing.assert_allclose(hellinger_fidelity(p, q), [0.0, 1.0], atol=EXACT_ATOL)
    np.testing.assert_allclose(max_abs_error(p, q), [1.0, 0.0], atol=EXACT_ATOL)


def test_distance_errors():
    with pytest.raises(InvalidInputError, match=r"same shape; got p \(2,\) and q \(3,\)"):
        total_variation_distance([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(InvalidInputError, match="q must be non-negative"):
        hellinger_fidelity([0.5, 0.5], [1.5, -0.5])


def test_chi_square_exact_fit_and_wrong_probabilities():
    probabilities = np.array([0.1, 0.2, 0.3, 0.4])
    counts = np.array([100, 200, 300, 400])

    fit = chi_square_test(counts, probabilities)
    wrong = chi_square_test(counts, [0.25, 0.25, 0.25, 0.25])

    assert fit.p_value > 0.99 and fit.method == "asymptotic" and fit.dof == 3
    assert wrong.p_value < 0.01


def test_chi_square_zero_expected():
    impossible = chi_square_test([5, 1, 4], [0.5, 0.0, 0.5])
    dropped = chi_square_test([50, 0, 50], [0.5, 0.0, 0.5])
    single = chi_square_test([0, 7], [0.0, 1.0])

    assert impossible.p_value == 0.0 and impossible.method == "zero-expected"
    assert impossible.statistic == math.inf
    assert dropped.dof == 1 and dropped.p_value > 0.99
    assert single.p_value == 1.0 and single.method == "single-category"


def test_chi_square_small_expected_uses_seeded_monte_carlo():
    result = chi_square_test([3, 1, 0], [0.6, 0.3, 0.1], seed=4, num_simulations=2000)

    assert result.method == "monte-carlo"
    assert 0.3 < result.p_value <= 1.0
    assert result == chi_square_test([3, 1, 0], [0.6, 0.3, 0.1], seed=4, num_simulations=2000)
    assert chi_square_test([0, 0, 8], [0.6, 0.3, 0.1], num_simulations=999).p_value < 0.01


def test_chi_square_batched():
    counts = np.array([[100, 200, 300, 400], [1000, 0, 0, 0]])
    probabilities = np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])

    results = chi_square_tests(counts, probabilities)

    assert results.p_value.shape == (2,)
    assert results.p_value[0] > 0.99 and results.p_value[1] < 0.01
    assert results.method == ("asymptotic", "asymptotic")


def test_chi_square_errors():
    with pytest.raises(InvalidInputError, match="at least one shot; got a total of 0"):
        chi_square_test([0, 0], [0.5, 0.5])
    with pytest.raises(InvalidInputError, match=r"counts \(3,\) and probabilities \(2,\)"):
        chi_square_test([1, 2, 3], [0.5, 0.5])
    with pytest.raises(InvalidInputError, match="non-negative integers"):
        chi_square_test([1.5, 2], [0.5, 0.5])
    with pytest.raises(InvalidInputError, match="probabilities must sum to 1"):
        chi_square_test([1, 2], [0.5, 0.6])


def test_shots_for_tvd_matches_weissman_bound():
    # n = ceil(2 (ln(2^N - 2) - ln(1 - confidence)) / (2 tvd)^2)
    expected = math.ceil(2 * (math.log(2**4 - 2) - math.log(0.05)) / 0.02**2)

    assert shots_for_tvd(4, 0.01, 0.95) == expected
    assert shots_for_tvd(2, 0.05) < shots_for_tvd(12, 0.05) < shots_for_tvd(12, 0.02)
    assert shots_for_tvd(12, 0.02, 0.9) < shots_for_tvd(12, 0.02, 0.99)
    assert shots_for_tvd(10_000, 0.1) > 0  # no overflow in 2**N


def test_shots_for_tvd_errors():
    with pytest.raises(InvalidInputError, match=r"tvd must lie in \(0, 1\]; got 0"):
        shots_for_tvd(4, 0)
    with pytest.raises(InvalidInputError, match="num_outputs must be >= 2; got 1"):
        shots_for_tvd(1, 0.1)


def test_binomial_confidence_interval():
    low, high = binomial_confidence_interval(3, 10)

    assert low == pytest.approx(0.0667395, abs=1e-6) and high == pytest.approx(0.6524529, abs=1e-6)
    with pytest.raises(InvalidInputError, match="trials must be >= 1; got 0"):
        binomial_confidence_interval(0, 0)
    with pytest.raises(InvalidInputError, match=r"successes must lie in \[0, trials=3\]; got 4"):
        binomial_confidence_interval(4, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: chi_square_test(["a", "b"], [0.5, 0.5]), "counts must be non-negative integers"),
        (lambda: chi_square_test([[1, 2], [3]], [0.5, 0.5]), "counts must be an array .* ragged"),
        (lambda: chi_square_test([1, 2], [0.5, 0.5], seed=None), r"seed must be an int in \[0"),
        (
            lambda: chi_square_tests([[1, 2]], [[0.5, 0.5]], num_simulations=1.5),
            "num_simulations must be an int >= 1; got 1.5",
        ),
        (lambda: shots_for_tvd(4, "0.1"), "tvd must be a finite real number; got '0.1'"),
        (lambda: shots_for_tvd(4.0, 0.1), "num_outputs must be an int >= 2; got 4.0"),
        (lambda: shots_for_tvd(4, 0.1, None), "confidence must be a finite real number"),
        (lambda: binomial_confidence_interval(1, 2.5), "trials must be an int >= 1; got 2.5"),
        (lambda: binomial_confidence_interval(1, math.nan), "trials must be an int >= 1; got nan"),
        (lambda: binomial_confidence_interval(0.5, 2), "successes must be an int >= 0; got 0.5"),
        (lambda: binomial_confidence_interval(-1, 2), "successes must be >= 0; got -1"),
    ],
)
def test_bad_argument_types_raise_invalid_input(call, message):
    # Regression: these raised TypeError/AttributeError, truncated 2.5, or blamed successes.
    with pytest.raises(InvalidInputError, match=message):
        call()


def test_numpy_integers_are_accepted():
    assert binomial_confidence_interval(np.int64(3), np.int64(10)) == (
        binomial_confidence_interval(3, 10)
    )
    assert shots_for_tvd(np.int64(4), np.float64(0.1)) == shots_for_tvd(4, 0.1)
