"""Validation, amplitude encoding, padding and the little-endian bit order."""

import re
import warnings

import numpy as np
import pytest

from qlens_q.exceptions import InvalidInputError, QlensWarning
from qlens_q.states import (
    amplitudes,
    bitstring_output,
    born_probabilities,
    num_qubits_for,
    output_bitstring,
    pad_statevector,
    validate_probabilities,
)
from qlens_q.tolerances import PROBABILITY_SUM_ATOL

EXACT_ATOL = 1e-15


class TestValidateProbabilities:
    def test_valid_input_is_returned_as_float64_with_shape(self):
        probabilities = validate_probabilities([[0.25, 0.75], [1, 0]])

        assert probabilities.dtype == np.float64
        assert probabilities.shape == (2, 2)

    @pytest.mark.parametrize(
        ("value", "match"),
        [
            ([0.5, np.nan], r"must be finite; got nan at index \(1,\)"),
            ([0.5, np.inf], r"must be finite; got inf at index \(1,\)"),
            ([1.2, -0.2], r"must be non-negative; got -0.2 at index \(1,\)"),
            ([1.0], r"at least N=2 output units; got N=1"),
            (np.ones((2, 2, 2)) / 2, r"shape \(N,\) or \(batch, N\); got shape \(2, 2, 2\)"),
            ("ab", r"real numeric array"),
            (np.array([0.5 + 0j, 0.5]), r"must be real; got a complex array"),
        ],
    )
    def test_rejects_bad_values(self, value, match):
        with pytest.raises(InvalidInputError, match=match):
            validate_probabilities(value)

    def test_sum_off_reports_amount_and_fix(self):
        with pytest.raises(
            InvalidInputError, match=r"probs must sum to 1 within 1e-06; got a sum off by 0\.01"
        ) as info:
            validate_probabilities([0.5, 0.51], name="probs")

        assert "renormalize=True" in str(info.value)

    def test_sum_within_tolerance_is_accepted(self):
        validate_probabilities([0.5, 0.5 + 0.5 * PROBABILITY_SUM_ATOL])

    def test_renormalize_rescales_with_warning(self):
        with pytest.warns(QlensWarning, match=re.escape("off from 1 by up to 1")):
            probabilities = validate_probabilities([1.0, 1.0], renormalize=True)

        np.testing.assert_allclose(probabilities, [0.5, 0.5], atol=EXACT_ATOL)

    def test_renormalize_quiet_when_already_normalised(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            validate_probabilities([0.3, 0.7], renormalize=True)

    def test_renormalize_rejects_zero_row(self):
        with pytest.raises(InvalidInputError, match="row 1 is all zeros and cannot be renorm"):
            validate_probabilities([[0.5, 0.5], [0.0, 0.0]], renormalize=True)


@pytest.mark.parametrize(("num_outputs", "num_qubits"), [(2, 1), (3, 2), (4, 2), (5, 3), (12, 4)])
def test_num_qubits_for(num_outputs, num_qubits):
    assert num_qubits_for(num_outputs) == num_qubits


@pytest.mark.parametrize("num_outputs", [1, 0, -3])
def test_num_qubits_for_rejects_small(num_outputs):
    with pytest.raises(InvalidInputError, match=f"num_outputs must be >= 2; got {num_outputs}"):
        num_qubits_for(num_outputs)


def test_amplitudes_are_square_roots():
    psi = amplitudes([[0.9, 0.1], [0.2, 0.8]])

    np.testing.assert_allclose(psi, [[np.sqrt(0.9), np.sqrt(0.1)], [np.sqrt(0.2), np.sqrt(0.8)]])
    np.testing.assert_allclose(np.linalg.norm(psi, axis=1), 1.0, atol=EXACT_ATOL)


@pytest.mark.parametrize(("num_outputs", "size"), [(3, 4), (12, 16), (2, 2), (16, 16)])
def test_pad_statevector_zero_pads(num_outputs, size):
    psi = amplitudes(np.full((2, num_outputs), 1.0 / num_outputs))

    padded = pad_statevector(psi)

    assert padded.shape == (2, size)
    np.testing.assert_array_equal(padded[:, :num_outputs], psi)
    np.testing.assert_array_equal(padded[:, num_outputs:], 0.0)


def test_pad_statevector_rejects_too_few_qubits():
    with pytest.raises(InvalidInputError, match=r"2\*\*num_qubits >= N=5; got 2"):
        pad_statevector(np.ones(5) / np.sqrt(5), num_qubits=2)


def test_born_probabilities_inverts_amplitudes():
    probabilities = np.array([0.1, 0.2, 0.7])

    np.testing.assert_allclose(born_probabilities(amplitudes(probabilities)), probabilities)
    with pytest.raises(InvalidInputError, match="must be finite"):
        born_probabilities([np.nan, 1.0])


def test_bit_order_is_little_endian():
    # Unit 1 of N=4 is |01>: qubit 0 (rightmost character) is 1, qubit 1 is 0.
    assert output_bitstring(1, 2) == "01"
    assert output_bitstring(2, 2) == "10"
    assert output_bitstring(6, 4) == "0110"
    assert bitstring_output("01") == 1
    assert bitstring_output("0110") == 6
    assert all(bitstring_output(output_bitstring(i, 4)) == i for i in range(16))


def test_bitstring_errors():
    with pytest.raises(InvalidInputError, match=r"index must lie in \[0, 4\) for 2 qubits; got 4"):
        output_bitstring(4, 2)
    with pytest.raises(InvalidInputError, match="only '0' and '1'; got '012'"):
        bitstring_output("012")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: amplitudes([[0.5, 0.5], [1]]), "probabilities must be .* got a ragged list"),
        (lambda: validate_probabilities(["a", "b"]), "must be a real numeric array; got list"),
        (lambda: pad_statevector(np.array([1.0, 0.0, 0.0]), 2.0), "num_qubits must be an int"),
        (lambda: pad_statevector(np.array([1.0, 0.0]), 0), "num_qubits must be >= 1; got 0"),
        (lambda: num_qubits_for(4.0), "num_outputs must be an int >= 2; got 4.0"),
        (lambda: output_bitstring(1.5, 2), "index must be an int >= 0; got 1.5 of type float"),
        (lambda: output_bitstring(-1, 2), "index must be >= 0; got -1"),
        (lambda: output_bitstring(1, 2.0), "num_qubits must be an int >= 1; got 2.0"),
        (lambda: bitstring_output(1), "bitstring must be a str of '0' and '1' .* got 1 of type"),
    ],
)
def test_bad_argument_types_raise_invalid_input(call, message):
    # Regression: ragged input, float qubit counts and int bitstrings raised raw errors, and
    # output_bitstring(1.5, 2) silently returned '01'.
    with pytest.raises(InvalidInputError, match=message):
        call()


def test_numpy_integers_are_accepted():
    assert output_bitstring(np.int64(1), np.int64(2)) == "01"
    assert pad_statevector(np.array([1.0, 0.0, 0.0]), np.int64(2)).shape == (4,)
