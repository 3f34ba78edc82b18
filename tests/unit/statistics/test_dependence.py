"""Distance correlation test wrapper around dcor."""

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
