"""Checks shared by the fitting and evaluation entry points (states, probabilities, numbers)."""

import math
import numbers

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.tolerances import PROBABILITY_SUM_ATOL, STATE_NORM_ATOL

#: Lower clamp on model probabilities ``|U x|^2`` before taking their log in a KL divergence.
PROBABILITY_FLOOR = 1e-12


def as_statevectors(array: object, *, name: str, allow_single: bool = False) -> np.ndarray:
    """Return ``array`` as a complex128 ``(M, N)`` array of unit-norm, finite statevectors.

    Args:
        array: Array-like of shape ``(M, N)`` (or ``(N,)`` when ``allow_single``), real or
            complex.
        name: The argument name used in error messages.
        allow_single: Accept one statevector of shape ``(N,)`` (returned as ``(1, N)``).

    Returns:
        The statevectors, complex128, shape ``(M, N)``.

    Raises:
        InvalidInputError: If the array is not numeric, has the wrong number of dimensions,
            ``N < 2``, holds NaN or infinity, or a row's norm is not 1.
    """
    try:
        statevectors = np.asarray(array, dtype=np.complex128)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"{name} must be a numeric array of statevectors; got {type(array).__name__}."
        ) from error
    if allow_single and statevectors.ndim == 1:
        statevectors = statevectors[None, :]
    if statevectors.ndim != 2:
        expected = "(M, N) or (N,)" if allow_single else "(M, N)"
        raise InvalidInputError(
            f"{name} must have shape {expected}, one statevector per row; got shape "
            f"{statevectors.shape}."
        )
    if statevectors.shape[1] < 2:
        raise InvalidInputError(
            f"{name} must have at least N=2 amplitudes per row; got shape {statevectors.shape}."
        )
    if not np.all(np.isfinite(statevectors)):
        num_bad = int(np.sum(~np.isfinite(statevectors).all(axis=1)))
        raise InvalidInputError(
            f"{name} must be finite; got NaN or infinity in {num_bad} of "
            f"{statevectors.shape[0]} rows. Drop or repair those rows."
        )
    check_unit_norm(statevectors, name=name)

    return statevectors


def check_unit_norm(statevectors: np.ndarray, *, name: str) -> None:
    """Raise unless every row has ``| ||psi|| - 1 | <= STATE_NORM_ATOL``."""
    if statevectors.shape[0] == 0:
        return
    norms = np.linalg.norm(statevectors, axis=1)
    worst = int(np.argmax(np.abs(norms - 1.0)))
    if abs(norms[worst] - 1.0) > STATE_NORM_ATOL:
        raise InvalidInputError(
            f"{name} rows must be unit-norm statevectors (2-norm 1 within {STATE_NORM_ATOL:g}); "
            f"got norm {norms[worst]:.12g} in row {worst}. Normalise each row, e.g. "
            "x / np.linalg.norm(x, axis=1, keepdims=True)."
        )


def check_same_shape(first: np.ndarray, second: np.ndarray, *, names: tuple[str, str]) -> None:
    """Raise unless the two arrays have the same shape."""
    if first.shape != second.shape:
        raise InvalidInputError(
            f"{names[0]} and {names[1]} must have the same shape (one target per input); got "
            f"{first.shape} and {second.shape}."
        )


def as_probabilities(array: object | None, statevectors: np.ndarray, *, name: str) -> np.ndarray:
    """Return the reference probabilities: ``array`` checked, or ``|statevectors|^2``.

    Args:
        array: ``None`` or array-like of shape ``(M, N)``, rows non-negative summing to 1.
        statevectors: The target statevectors, complex128 ``(M, N)``.
        name: The argument name used in error messages.

    Returns:
        float64 array of shape ``(M, N)``.

    Raises:
        InvalidInputError: If the shape differs from the statevectors', or an entry is
            negative or not finite, or a row does not sum to 1.
    """
    if array is None:
        return np.abs(statevectors) ** 2
    probabilities = np.asarray(array, dtype=np.float64)
    if probabilities.shape != statevectors.shape:
        raise InvalidInputError(
            f"{name} must have the targets' shape {statevectors.shape}; got "
            f"{probabilities.shape}. Pass one probability vector per target, or None."
        )
    if not np.all(np.isfinite(probabilities)) or np.any(probabilities < 0):
        raise InvalidInputError(
            f"{name} must be finite and non-negative; got minimum "
            f"{np.nanmin(probabilities):.6g} (or NaN/infinity). Pass probability vectors."
        )
    sums = probabilities.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0))) if sums.size else 0
    if sums.size and abs(sums[worst] - 1.0) > PROBABILITY_SUM_ATOL:
        raise InvalidInputError(
            f"{name} rows must sum to 1 within {PROBABILITY_SUM_ATOL:g}; got {sums[worst]:.6g} "
            f"in row {worst}. Normalise each row."
        )

    return probabilities


def check_integer(
    value: object, *, name: str, minimum: int, maximum: int | None = None, hint: str = ""
) -> int:
    """Return ``value`` as a Python int, raising unless it is an integer in range.

    Args:
        value: The argument to check; a Python or NumPy integer (``bool`` is rejected).
        name: The argument name used in error messages.
        minimum: The smallest allowed value.
        maximum: The largest allowed value, or ``None`` for no upper bound.
        hint: A sentence appended to the error message, saying how to fix the value.

    Returns:
        ``int(value)``.

    Raises:
        InvalidInputError: If ``value`` is not an integer or lies outside the range.
    """
    is_integer = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    in_range = is_integer and minimum <= value and (maximum is None or value <= maximum)
    if not in_range:
        expected = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise InvalidInputError(
            f"{name} must be an integer {expected}; got {value!r}." + (f" {hint}" if hint else "")
        )

    return int(value)


def check_number(
    value: object,
    *,
    name: str,
    minimum: float,
    maximum: float = math.inf,
    minimum_allowed: bool = True,
    hint: str = "",
) -> float:
    """Return ``value`` as a Python float, raising unless it is a finite number in range.

    The range is ``[minimum, maximum)``, or ``(minimum, maximum)`` when ``minimum_allowed`` is
    false; ``maximum=inf`` leaves it unbounded above.

    Args:
        value: The argument to check; a Python or NumPy real number (``bool`` is rejected).
        name: The argument name used in error messages.
        minimum: The lower bound.
        maximum: The excluded upper bound.
        minimum_allowed: Whether ``minimum`` itself is allowed.
        hint: A sentence appended to the error message, saying how to fix the value.

    Returns:
        ``float(value)``.

    Raises:
        InvalidInputError: If ``value`` is not a real number, is NaN or infinite, or lies
            outside the range.
    """
    is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    in_range = (
        is_number
        and math.isfinite(value)
        and (minimum <= value if minimum_allowed else minimum < value)
        and value < maximum
    )
    if not in_range:
        if math.isinf(maximum):
            expected = f"a finite number {'>=' if minimum_allowed else '>'} {minimum:g}"
        else:
            expected = f"a number in {'[' if minimum_allowed else '('}{minimum:g}, {maximum:g})"
        raise InvalidInputError(
            f"{name} must be {expected}; got {value!r}." + (f" {hint}" if hint else "")
        )

    return float(value)
