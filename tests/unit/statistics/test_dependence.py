"""Distance correlation test wrapper around dcor."""

import time

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.statistics import distance_correlation_test


def test_dependent_and_independent(rng):
    x = rng.normal(size=80)

    dependent = distance_correlation_test(x, x**2, num_resamples=199, seed=0)
    independent = distance_correlation_test(x, rng.normal(size=(80, 2)), num_resamples=199)

    assert dependent.p_value == pytest.approx(1 / 200)
    assert 0 <= independent.statistic <= 1 and independent.p_value > 0.01
    assert dependent == distance_correlation_test(x, x**2, num_resamples=199, seed=0)


def test_errors():
    with pytest.raises(InvalidInputError, match="same number of rows; got x 3 and y 4"):
        distance_correlation_test(np.ones(3), np.ones(4))
    with pytest.raises(InvalidInputError, match="num_resamples must be >= 1; got 0"):
        distance_correlation_test(np.arange(3.0), np.arange(3.0), num_resamples=0)


@pytest.mark.parametrize(
    ("x", "y", "num_resamples"),
    [([1, 1, 1, 1], [1, 2, 3, 4], 99), ([1, 2], [3, 4], 9), ([1, 2, 3], [5, 5, 5], 19)],
)
def test_ties_count_towards_the_p_value(x, y, num_resamples):
    # Regression: dcor 0.7 counted only strictly greater permuted statistics (p = 0.01, 0.1).
    result = distance_correlation_test(x, y, num_resamples=num_resamples)

    assert result.p_value == 1.0 and result.num_resamples == num_resamples
    if len(set(x)) == 1 or len(set(y)) == 1:
        assert result.statistic == 0.0


def test_statistic_matches_dcor_and_permutations_are_calibrated(rng):
    import dcor

    x, y = rng.normal(size=(60, 2)), rng.normal(size=60)

    result = distance_correlation_test(x, y, num_resamples=199, seed=3)

    assert result.statistic == pytest.approx(float(dcor.distance_correlation(x, y)), abs=1e-12)
    assert result.p_value > 0.01
    assert result == distance_correlation_test(x, y, num_resamples=199, seed=3)
    assert result.p_value != distance_correlation_test(x, y, num_resamples=199, seed=4).p_value


def test_study_sized_input_is_fast(rng):
    x, y = rng.normal(size=(214, 2)), rng.normal(size=(214, 2))
    distance_correlation_test(x[:5], y[:5], num_resamples=5)  # import dcor outside the timing

    start = time.perf_counter()
    distance_correlation_test(x, y, num_resamples=1000)

    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": [1j, 2, 3]}, "x must be real; got a complex array"),
        ({"y": np.array([1, 2, 3], dtype=complex)}, "y must be real; got a complex array"),
        ({"x": [[1, 2], [3]]}, "x must be a real numeric array .* got a ragged list"),
        ({"x": ["a", "b", "c"]}, "x must be a real numeric array .* got dtype <U1"),
        ({"num_resamples": 9.5}, "num_resamples must be an int >= 1; got 9.5 of type float"),
        ({"seed": None}, r"seed must be an int in \[0, 2\*\*63\); got None"),
    ],
)
def test_bad_arguments_raise_invalid_input(kwargs, message):
    arguments = {"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 4.0], **kwargs}

    with pytest.raises(InvalidInputError, match=message):
        distance_correlation_test(**arguments)
