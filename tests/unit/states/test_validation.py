"""Shared scalar checks: integer counts, seeds and real numbers."""

import math

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.validation import MAX_SEED, check_int, check_real, check_seed


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_check_int_accepts_python_and_numpy_integers(value):
    result = check_int(value, name="num_shots", minimum=1)

    assert result == 3 and type(result) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.0, "num_shots must be an int >= 1; got 2.0 of type float; pass a whole number"),
        ("3", "num_shots must be an int >= 1; got '3' of type str"),
        (None, "num_shots must be an int >= 1; got None of type NoneType"),
        (True, "num_shots must be an int >= 1; got True of type bool"),
        (np.float64(math.nan), "num_shots must be an int >= 1; got .*nan"),
        (0, "num_shots must be >= 1; got 0"),
    ],
)
def test_check_int_rejects(value, message):
    with pytest.raises(InvalidInputError, match=message):
        check_int(value, name="num_shots", minimum=1)


@pytest.mark.parametrize("value", [0, np.int64(7), MAX_SEED - 1])
def test_check_seed_accepts(value):
    assert check_seed(value) == int(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, r"seed must be an int in \[0, 2\*\*63\); got None .* pass a fixed seed"),
        (1.0, r"seed must be an int in \[0, 2\*\*63\); got 1.0 of type float"),
        (-1, r"seed must be an int in \[0, 2\*\*63\); got -1; pick a seed in that range"),
        (2**64, r"seed must be an int in \[0, 2\*\*63\); got 18446744073709551616"),
    ],
)
def test_check_seed_rejects(value, message):
    with pytest.raises(InvalidInputError, match=message):
        check_seed(value)


def test_check_real():
    assert check_real(np.float32(0.5), name="tvd") == 0.5
    assert check_real(2, name="tvd") == 2.0
    with pytest.raises(InvalidInputError, match="tvd must be a finite real number; got '0.1'"):
        check_real("0.1", name="tvd")
    with pytest.raises(InvalidInputError, match="tvd must be a finite real number; got inf"):
        check_real(math.inf, name="tvd")
    with pytest.raises(InvalidInputError, match="tvd must be a finite real number; got 1j"):
        check_real(1j, name="tvd")
