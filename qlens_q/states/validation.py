"""Argument checks shared by the quantum-core subpackages: integer counts, seeds, real numbers.

``states``, ``circuits``, ``execution`` and ``statistics`` validate their scalar arguments
here, so that a float where an integer belongs (``9.5`` resamples, ``2.0`` qubits), a string
or ``None`` is rejected with the same :class:`~qlens_q.exceptions.InvalidInputError` text
everywhere instead of surfacing later as a raw ``TypeError`` or being truncated silently.
Booleans are never accepted as numbers.
"""

import math
import numbers

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.tolerances import STATE_NORM_ATOL

#: Seeds are integers in ``[0, MAX_SEED)`` (what numpy and Aer both accept without wrapping).
MAX_SEED = 2**63


def _describe(value: object) -> str:
    return f"{value!r} of type {type(value).__name__}"


def check_int(value: object, *, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an ``int`` if it is an integer (Python or numpy) ``>= minimum``.

    Args:
        value: The argument to check.
        name: The argument name used in error messages.
        minimum: Smallest allowed value.

    Returns:
        ``int(value)``.

    Raises:
        InvalidInputError: If ``value`` is not an integer (floats such as ``2.0`` included,
            since they are usually a bug upstream) or is below ``minimum``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(
            f"{name} must be an int >= {minimum}; got {_describe(value)}; pass a whole "
            f"number, e.g. int({name}) if it is integral"
        )
    if value < minimum:
        raise InvalidInputError(f"{name} must be >= {minimum}; got {value}")

    return int(value)


def check_seed(value: object, *, name: str = "seed") -> int:
    """Return ``value`` as an ``int`` if it is an integer seed in ``[0, 2**63)``.

    Raises:
        InvalidInputError: If ``value`` is ``None``, not an integer or out of range (a fixed
            seed is required so that results are reproducible).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(
            f"{name} must be an int in [0, 2**63); got {_describe(value)}; pass a fixed "
            "seed such as 0 so that the run is reproducible"
        )
    if not 0 <= value < MAX_SEED:
        raise InvalidInputError(
            f"{name} must be an int in [0, 2**63); got {value}; pick a seed in that range, "
            f"e.g. {name} % 2**63"
        )

    return int(value)


def check_real(value: object, *, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number (not a string or bool).

    Raises:
        InvalidInputError: If ``value`` is not a real number or is NaN or infinite.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InvalidInputError(
            f"{name} must be a finite real number; got {_describe(value)}; pass a float"
        )
    if not math.isfinite(value):
        raise InvalidInputError(f"{name} must be a finite real number; got {value}")

    return float(value)


def check_unit_rows(vectors: np.ndarray, *, name: str) -> np.ndarray:
    """Check that every row of ``vectors`` is a unit vector or exactly zero (an identity layer).

    Args:
        vectors: Finite array of shape ``(N,)`` or ``(..., N)``.
        name: How the argument is called in the error message.

    Returns:
        The row norms, shape ``(rows,)``.

    Raises:
        InvalidInputError: If a row's 2-norm differs from 1 by more than ``STATE_NORM_ATOL``
            without being exactly zero.
    """
    norms = np.atleast_1d(np.linalg.norm(vectors, axis=-1)).reshape(-1)
    bad = (np.abs(norms - 1.0) > STATE_NORM_ATOL) & (norms != 0)
    if np.any(bad):
        row = int(np.argmax(bad))
        raise InvalidInputError(
            f"{name} must be unit vectors (2-norm 1 within {STATE_NORM_ATOL:g}) or zero rows "
            f"(identity layers); got norm {norms[row]:.12g} in row {row}; normalise them, "
            "e.g. v / np.linalg.norm(v, axis=-1, keepdims=True)"
        )

    return norms
