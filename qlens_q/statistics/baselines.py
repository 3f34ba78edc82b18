"""Random Householder vectors: the baseline the study compares each layer against.

Model vectors are ``v = (Psi_1 - Psi_0) / ||Psi_1 - Psi_0||`` with ``Psi_0``, ``Psi_1``
amplitude-encoded probability vectors, i.e. non-negative unit vectors. The baseline draws
vectors of the same kind at random:

- ``N > 2``: ``v = (a - b) / ||a - b||`` where ``a`` and ``b`` are independent random
  non-negative unit vectors (absolute values of standard Gaussians, normalised).
- ``N = 2``: each baseline vector is drawn from the same quadrant (sign pattern) as the model
  vector in the same row, ``|g| * sign(v_model)`` normalised with ``g`` standard Gaussian. A zero
  component of the model vector gets a random sign. A zero model row (identity layer) is
  replaced by a random difference of non-negative unit vectors, as for ``N > 2``.

Baseline vectors are real, one per model vector, and never zero.
"""

import logging

import numpy as np

from qlens_q.exceptions import InvalidInputError
from qlens_q.operators.householder import householder_unitaries

logger = logging.getLogger(__name__)


def _random_differences(rng: np.random.Generator, num_vectors: int, num_outputs: int) -> np.ndarray:
    """``(a - b) / ||a - b||`` for random non-negative unit vectors ``a`` and ``b``."""
    first = np.abs(rng.standard_normal((num_vectors, num_outputs)))
    second = np.abs(rng.standard_normal((num_vectors, num_outputs)))
    first /= np.linalg.norm(first, axis=1, keepdims=True)
    second /= np.linalg.norm(second, axis=1, keepdims=True)
    difference = first - second

    return difference / np.linalg.norm(difference, axis=1, keepdims=True)


def random_householder_vectors(reference_vectors: np.ndarray, *, seed: int) -> np.ndarray:
    """Random baseline Householder vectors shaped like ``reference_vectors``.

    Args:
        reference_vectors: Real model vectors, shape ``(M, N)`` with ``N >= 2``.
        seed: Seed of the numpy generator.

    Returns:
        ``float64`` unit vectors of shape ``(M, N)``; see the module docstring for the draw.

    Raises:
        InvalidInputError: If ``reference_vectors`` is not a finite real ``(M, N)`` array.
    """
    reference = np.asarray(reference_vectors)
    if reference.ndim != 2 or reference.shape[1] < 2:
        raise InvalidInputError(
            f"reference_vectors must have shape (M, N) with N >= 2; got {reference.shape}"
        )
    if np.iscomplexobj(reference) or not np.all(np.isfinite(reference)):
        raise InvalidInputError(
            f"reference_vectors must be real and finite; got dtype {reference.dtype}"
        )
    rng = np.random.default_rng(seed)
    num_vectors, num_outputs = reference.shape
    logger.debug("random_householder_vectors: seed %s, shape %s", seed, reference.shape)

    vectors = _random_differences(rng, num_vectors, num_outputs)
    if num_outputs == 2:
        signs = np.sign(reference)
        random_signs = rng.choice([-1.0, 1.0], size=signs.shape)
        signs = np.where(signs == 0, random_signs, signs)
        same_quadrant = np.abs(rng.standard_normal((num_vectors, 2))) * signs
        same_quadrant /= np.linalg.norm(same_quadrant, axis=1, keepdims=True)
        nonzero_row = np.any(reference != 0, axis=1, keepdims=True)
        vectors = np.where(nonzero_row, same_quadrant, vectors)

    return vectors


def random_householder_matrices(reference_vectors: np.ndarray, *, seed: int) -> np.ndarray:
    """Reflections ``I - 2 v v^T`` of :func:`random_householder_vectors`, shape ``(M, N, N)``."""
    return householder_unitaries(random_householder_vectors(reference_vectors, seed=seed))
