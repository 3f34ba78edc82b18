"""The QLENS measurement operator ``M`` with ``m_kj = j delta_kj`` and its expectation value.

Output unit ``j`` (0-based, the computational basis state ``|j>``, see
:mod:`qlens_q.states.encoding` for the bit order) is read out as the value ``j``, so
``<Psi|M|Psi> = sum_j j p_j`` is the mean output index under the Born rule.
"""

import logging

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.validation import check_int

logger = logging.getLogger(__name__)


def measurement_operator(num_outputs: int, values: np.ndarray | None = None) -> np.ndarray:
    """Diagonal measurement operator ``diag(values)`` over ``num_outputs`` units.

    Args:
        num_outputs: Number of output units ``N >= 1``.
        values: Real value read out for each unit, shape ``(N,)``. Defaults to
            ``arange(N)``, i.e. ``m_kj = j delta_kj`` with ``j`` the 0-based unit index.

    Returns:
        ``float64`` matrix of shape ``(N, N)``.

    Raises:
        InvalidInputError: If ``num_outputs`` is not an int ``>= 1``, or ``values`` has the
            wrong shape or is not finite.
    """
    num_outputs = check_int(num_outputs, name="num_outputs", minimum=1)
    if values is None:
        values = np.arange(num_outputs, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (num_outputs,):
        raise InvalidInputError(
            f"values must have shape ({num_outputs},) to match num_outputs; got {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise InvalidInputError("values must be finite; got NaN or inf entries")

    return np.diag(values)


def expectation(statevector: np.ndarray, operator: np.ndarray) -> float | np.ndarray:
    """Expectation value ``<Psi|M|Psi>`` (real part) for one state or a batch.

    Args:
        statevector: Shape ``(N,)`` or ``(batch, N)``, real or complex.
        operator: Hermitian matrix of shape ``(N, N)``.

    Returns:
        A float for a single state, or a ``float64`` array of shape ``(batch,)``.

    Raises:
        InvalidInputError: If the shapes do not match.
    """
    psi = np.asarray(statevector)
    matrix = np.asarray(operator)
    if psi.ndim not in (1, 2):
        raise InvalidInputError(
            f"statevector must have shape (N,) or (batch, N); got shape {psi.shape}"
        )
    if matrix.shape != (psi.shape[-1], psi.shape[-1]):
        raise InvalidInputError(
            f"operator must have shape (N, N) = ({psi.shape[-1]}, {psi.shape[-1]}) to match "
            f"statevector; got {matrix.shape}"
        )

    values = np.einsum("...i,ij,...j->...", psi.conj(), matrix, psi).real
    if psi.ndim == 1:
        return float(values)
    return values.astype(np.float64)
