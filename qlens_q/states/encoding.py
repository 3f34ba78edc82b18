"""Amplitude encoding of probability vectors over output units, and the qubit bit order.

A probability vector ``p`` over ``N >= 2`` output units (classes) becomes the state

    |Psi> = sum_i sqrt(p_i) |c_i>

on ``num_qubits = ceil(log2 N)`` qubits, with the amplitudes zero-padded to length
``2**num_qubits`` (``N = 2`` needs 1 qubit, ``N = 3`` and ``N = 4`` need 2, ``N = 12`` needs 4).
Padding states carry no probability in an exact run.

Bit order: output unit ``i`` is the computational basis state ``|i>``. Qiskit is little-endian:
qubit 0 is the least significant bit of ``i``, and it is printed as the *rightmost* character
of a counts bitstring. For ``N = 4`` and ``p`` concentrated on unit 1, every shot reads
``'01'``: qubit 0 measured 1, qubit 1 measured 0. :func:`output_bitstring` and
:func:`bitstring_output` convert between the two.

All arrays are ``float64`` (probabilities, amplitudes) or keep their complex dtype
(statevectors). Batched functions accept ``(N,)`` or ``(batch, N)`` and keep the leading shape.
"""

import logging
import math
import warnings

import numpy as np

from qlens_q.exceptions import InvalidInputError, QlensWarning
from qlens_q.states.validation import check_int
from qlens_q.tolerances import PROBABILITY_SUM_ATOL

logger = logging.getLogger(__name__)


def validate_probabilities(
    probabilities: np.ndarray, *, name: str = "probabilities", renormalize: bool = False
) -> np.ndarray:
    """Check that an array holds probability vectors over at least two output units.

    Args:
        probabilities: Shape ``(N,)`` or ``(batch, N)``, one probability vector per row.
        name: Argument name used in error messages.
        renormalize: Rescale each row to sum to 1 (with a :class:`QlensWarning`) instead of
            rejecting rows whose sum is off by more than ``PROBABILITY_SUM_ATOL``.

    Returns:
        A ``float64`` copy with the input's shape (renormalised if asked).

    Raises:
        InvalidInputError: If the array is not 1-D or 2-D, has fewer than 2 units, holds NaN,
            inf or negative entries, or a row sums to something other than 1 (or to 0 when
            ``renormalize`` is set).
    """
    try:
        raw = np.asarray(probabilities)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise InvalidInputError(
            f"{name} must be a real numeric array of shape (N,) or (batch, N); got a ragged "
            f"{type(probabilities).__name__}; give every row the same length"
        ) from error
    if np.iscomplexobj(raw):
        raise InvalidInputError(
            f"{name} must be real; got a complex array (take born_probabilities of a state)"
        )
    try:
        array = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"{name} must be a real numeric array; got {type(probabilities).__name__} of "
            f"dtype {raw.dtype}"
        ) from error
    if array.ndim not in (1, 2):
        raise InvalidInputError(
            f"{name} must have shape (N,) or (batch, N); got shape {array.shape}"
        )
    if array.shape[-1] < 2:
        raise InvalidInputError(
            f"{name} must cover at least N=2 output units; got N={array.shape[-1]}"
        )
    if not np.all(np.isfinite(array)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise InvalidInputError(f"{name} must be finite; got {array[index]} at index {index}")
    if np.any(array < 0):
        index = tuple(int(i) for i in np.argwhere(array < 0)[0])
        raise InvalidInputError(
            f"{name} must be non-negative; got {array[index]:.6g} at index {index}"
        )

    sums = array.sum(axis=-1, keepdims=True)
    deviation = np.abs(sums - 1.0)
    if renormalize:
        if np.any(sums == 0):
            row = int(np.argwhere(sums.reshape(-1) == 0)[0, 0])
            raise InvalidInputError(
                f"{name} row {row} is all zeros and cannot be renormalised; drop that row"
            )
        if np.any(deviation > PROBABILITY_SUM_ATOL):
            warnings.warn(
                f"{name} renormalised: a row sum was off from 1 by up to {deviation.max():.3g}",
                QlensWarning,
                stacklevel=2,
            )
        array = array / sums
    elif np.any(deviation > PROBABILITY_SUM_ATOL):
        row = int(np.argmax(deviation.reshape(-1)))
        raise InvalidInputError(
            f"{name} must sum to 1 within {PROBABILITY_SUM_ATOL:g}; got a sum off by "
            f"{deviation.reshape(-1)[row]:.3g} (row {row}); pass renormalize=True to rescale"
        )

    return array


def num_qubits_for(num_outputs: int) -> int:
    """Number of qubits ``ceil(log2 num_outputs)`` that hold ``num_outputs`` output units.

    Raises:
        InvalidInputError: If ``num_outputs`` is not an integer of at least 2.
    """
    num_outputs = check_int(num_outputs, name="num_outputs", minimum=2)

    return max(1, math.ceil(math.log2(num_outputs)))


def amplitudes(probabilities: np.ndarray, *, renormalize: bool = False) -> np.ndarray:
    """Amplitudes ``sqrt(p)`` of the amplitude-encoded state, after validation.

    Args:
        probabilities: Shape ``(N,)`` or ``(batch, N)``.
        renormalize: Passed to :func:`validate_probabilities`.

    Returns:
        ``float64`` array with the input's shape and unit 2-norm per row.

    Raises:
        InvalidInputError: See :func:`validate_probabilities`.
    """
    return np.sqrt(validate_probabilities(probabilities, renormalize=renormalize))


def pad_statevector(statevector: np.ndarray, num_qubits: int | None = None) -> np.ndarray:
    """Zero-pad amplitudes over ``N`` output units to the ``2**num_qubits`` basis states.

    Args:
        statevector: Shape ``(..., N)``, real or complex.
        num_qubits: Register size; defaults to :func:`num_qubits_for` ``(N)``.

    Returns:
        Shape ``(..., 2**num_qubits)``, same dtype, padding entries zero.

    Raises:
        InvalidInputError: If ``num_qubits`` is not an int ``>= 1`` or ``2**num_qubits < N``.
    """
    array = np.asarray(statevector)
    if array.ndim < 1:
        raise InvalidInputError(f"statevector must be at least 1-D; got shape {array.shape}")
    num_outputs = array.shape[-1]
    if num_qubits is None:
        num_qubits = num_qubits_for(num_outputs)
    num_qubits = check_int(num_qubits, name="num_qubits", minimum=1)
    if 2**num_qubits < num_outputs:
        raise InvalidInputError(
            f"num_qubits must be >= 1 with 2**num_qubits >= N={num_outputs}; got {num_qubits}; "
            f"leave num_qubits=None to use {num_qubits_for(max(num_outputs, 2))}"
        )

    padded = np.zeros(array.shape[:-1] + (2**num_qubits,), dtype=array.dtype)
    padded[..., :num_outputs] = array
    return padded


def born_probabilities(statevector: np.ndarray) -> np.ndarray:
    """Born-rule probabilities ``|psi_i|**2`` as ``float64``, same shape as the input.

    Raises:
        InvalidInputError: If the statevector holds NaN or inf.
    """
    array = np.asarray(statevector)
    if not np.all(np.isfinite(array)):
        raise InvalidInputError("statevector must be finite; got NaN or inf entries")

    return np.abs(array).astype(np.float64) ** 2


def output_bitstring(index: int, num_qubits: int) -> str:
    """Qiskit counts key of output unit ``index``: big-endian text, qubit 0 rightmost.

    >>> output_bitstring(1, 2)
    '01'

    Raises:
        InvalidInputError: If ``num_qubits`` is not an int ``>= 1`` or ``index`` is not an int
            in ``[0, 2**num_qubits)``.
    """
    num_qubits = check_int(num_qubits, name="num_qubits", minimum=1)
    index = check_int(index, name="index", minimum=0)
    if index >= 2**num_qubits:
        raise InvalidInputError(
            f"index must lie in [0, {2**num_qubits}) for {num_qubits} qubits; got {index}"
        )

    return format(index, f"0{num_qubits}b")


def bitstring_output(bitstring: str) -> int:
    """Output unit of a Qiskit counts key (rightmost character is qubit 0; spaces ignored).

    >>> bitstring_output('01')
    1

    Raises:
        InvalidInputError: If ``bitstring`` is not a str, or holds characters other than 0, 1
            and spaces.
    """
    if not isinstance(bitstring, str):
        raise InvalidInputError(
            f"bitstring must be a str of '0' and '1' characters; got {bitstring!r} of type "
            f"{type(bitstring).__name__}; use output_bitstring(index, num_qubits) to make one"
        )
    bits = bitstring.replace(" ", "")
    if not bits or set(bits) - {"0", "1"}:
        raise InvalidInputError(f"bitstring must hold only '0' and '1'; got {bitstring!r}")

    return int(bits, 2)
