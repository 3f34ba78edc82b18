"""Cosine similarity between matrices (e.g. per-example Hamiltonians) from one Gram matrix.

The inner product is ``<A, B> = Re tr(A^dagger B)``, which for real matrices is the usual
Frobenius inner product ``sum_ij A_ij B_ij``. Cosine similarity is
``<A, B> / (||A||_F ||B||_F)``. A zero matrix (the Hamiltonian of an identity layer) has no
direction: it is an error unless ``skip_zero=True`` drops it from the set.
"""

import logging

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.tolerances import ZERO_MATRIX_NORM_ATOL

logger = logging.getLogger(__name__)


def _flatten(matrices: np.ndarray, name: str) -> np.ndarray:
    """Return a finite stack ``(M, ...)`` flattened to ``(M, D)``."""
    array = np.asarray(matrices)
    if not np.issubdtype(array.dtype, np.number) or array.ndim < 2:
        raise InvalidInputError(
            f"{name} must be a numeric stack of shape (M, N, N) (or (M, D)); got shape "
            f"{array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    return array.reshape(array.shape[0], -1)


def frobenius_gram(matrices: np.ndarray) -> np.ndarray:
    """Gram matrix ``G_ij = Re tr(A_i^dagger A_j)`` of a stack of matrices.

    Args:
        matrices: Shape ``(M, N, N)`` (any trailing shape is flattened), real or complex.

    Returns:
        ``float64`` symmetric matrix of shape ``(M, M)``.

    Raises:
        InvalidInputError: If the stack is not numeric, not at least 2-D or not finite.
    """
    flat = _flatten(matrices, "matrices")
    gram = (flat.conj() @ flat.T).real

    return np.asarray(gram, dtype=np.float64)


def cosine_matrix(matrices: np.ndarray, *, skip_zero: bool = False) -> np.ndarray:
    """Cosine similarity matrix ``(M', M')`` (``M'`` matrices left after ``skip_zero``).

    Raises:
        InvalidInputError: If a matrix has Frobenius norm below ``ZERO_MATRIX_NORM_ATOL`` and
            ``skip_zero`` is False (the message names its index).
    """
    gram = frobenius_gram(matrices)
    norms = np.sqrt(np.clip(np.diag(gram), 0.0, None))
    zero = norms < ZERO_MATRIX_NORM_ATOL
    if np.any(zero):
        if not skip_zero:
            index = int(np.argmax(zero))
            raise InvalidInputError(
                f"matrices must be non-zero for a cosine similarity; got a zero matrix at index "
                f"{index} ({int(zero.sum())} in all, e.g. identity layers); pass "
                "skip_zero=True to leave them out"
            )
        logger.debug("cosine_matrix: skipping %d zero matrices", int(zero.sum()))
        keep = ~zero
        gram, norms = gram[np.ix_(keep, keep)], norms[keep]
    cosine = gram / np.outer(norms, norms)

    return np.clip(cosine, -1.0, 1.0)


def pairwise_cosine_similarities(matrices: np.ndarray, *, skip_zero: bool = False) -> np.ndarray:
    """The ``M (M - 1) / 2`` cosine similarities of distinct pairs ``i < j`` (row-major order).

    Args:
        matrices: Shape ``(M, N, N)``, ``M >= 2`` after zero matrices are skipped.
        skip_zero: Leave out zero matrices instead of raising.

    Returns:
        ``float64`` array of shape ``(M (M - 1) / 2,)``.

    Raises:
        InvalidInputError: On a zero matrix (unless skipped) or fewer than 2 matrices.
    """
    cosine = cosine_matrix(matrices, skip_zero=skip_zero)
    if cosine.shape[0] < 2:
        raise InvalidInputError(
            f"matrices must hold at least 2 non-zero matrices; got {cosine.shape[0]}"
        )
    rows, cols = np.triu_indices(cosine.shape[0], k=1)

    return cosine[rows, cols]


def mean_pairwise_cosine_similarity(matrices: np.ndarray, *, skip_zero: bool = False) -> float:
    """Mean of :func:`pairwise_cosine_similarities` (same arguments and errors)."""
    return float(pairwise_cosine_similarities(matrices, skip_zero=skip_zero).mean())
