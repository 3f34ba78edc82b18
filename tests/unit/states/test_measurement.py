"""The measurement operator m_kj = j delta_kj and its expectation value."""

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.states import amplitudes, expectation, measurement_operator

EXACT_ATOL = 1e-12


def test_default_operator_reads_unit_index():
    np.testing.assert_array_equal(measurement_operator(3), np.diag([0.0, 1.0, 2.0]))


def test_expectation_is_mean_index():
    probabilities = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5]])
    operator = measurement_operator(3)

    values = expectation(amplitudes(probabilities), operator)

    np.testing.assert_allclose(values, [0.1, 1.3], atol=EXACT_ATOL)
    assert isinstance(expectation(amplitudes(probabilities[0]), operator), float)


def test_custom_values_and_complex_state():
    operator = measurement_operator(2, values=[-1.0, 1.0])
    psi = np.array([1.0, 1.0j]) / np.sqrt(2)

    assert expectation(psi, operator) == pytest.approx(0.0, abs=EXACT_ATOL)


def test_errors():
    with pytest.raises(InvalidInputError, match=r"values must have shape \(3,\)"):
        measurement_operator(3, values=[1.0, 2.0])
    with pytest.raises(InvalidInputError, match=r"operator must have shape \(N, N\) = \(2, 2\)"):
        expectation(np.array([1.0, 0.0]), np.eye(3))


def test_num_outputs_must_be_an_int():
    with pytest.raises(InvalidInputError, match="num_outputs must be an int >= 1; got 2.0"):
        measurement_operator(2.0)
