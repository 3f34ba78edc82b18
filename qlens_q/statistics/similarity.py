"""Cosine similarity between matrices (e.g. per-example Hamiltonians) from one Gram matrix.

The inner product is ``<A, B> = Re tr(A^dagger B)``, which for real matrices is the usual
Frobenius inner product ``sum_ij A_ij B_ij``. Cosine similarity is
``<A, B> / (||A||_F ||B||_F)``. A zero matrix (the Hamiltonian of an identity layer) has no
direction: it is an error unless ``skip_zero=True`` drops it from the set.

Cosine similarity is scale invariant, so each matrix is divided by its largest absolute entry
before the Gram matrix is formed: Hamiltonians ``(pi/alpha) v v^dagger`` with a tiny ``alpha``
(huge entries) or a huge one (tiny entries) neither overflow nor underflow.
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


def _scaled_rows(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows divided by their max-abs entry, and the rows' Frobenius norms (overflow-safe).

    Returns:
        ``(scaled (M, D), norms (M,))``; a zero row stays zero with norm 0.
    """
    scale = np.abs(flat).max(axis=1) if flat.shape[1] else np.zeros(flat.shape[0])
    safe_scale = np.where(scale > 0, scale, 1.0)
    scaled = flat / safe_scale[:, None]
    norms = scale * np.linalg.norm(scaled, axis=1)

    return scaled, norms


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
        InvalidInputError: If the stack is not numeric or not finite, or a matrix has Frobenius
            norm below ``ZERO_MATRIX_NORM_ATOL`` and ``skip_zero`` is False (the message names
            its index).
    """
    scaled, norms = _scaled_rows(_flatten(matrices, "matrices"))
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
        scaled = scaled[~zero]
    # Rows scaled to max-abs 1 have norms in [1, sqrt(D)]: no overflow, no 0/0.
    gram = (scaled.conj() @ scaled.T).real
    scaled_norms = np.sqrt(np.clip(np.diag(gram), 0.0, None))
    cosine = gram / np.outer(scaled_norms, scaled_norms)

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
