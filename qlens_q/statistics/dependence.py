"""Distance correlation and its permutation test of independence.

Distance correlation (Székely, Rizzo & Bakirov 2007, https://doi.org/10.1214/009053607000000505)
is zero exactly when ``x`` and ``y`` are independent. The statistic comes from ``dcor``; the
test permutes the rows of ``y`` itself, on the double-centred distance matrices ``A`` (of
``x``) and ``B`` (of ``y``), computed once: a permutation ``pi`` gives
``dCov^2 = mean(A * B[pi][:, pi])``, while the distance variances do not change.
"""

import logging
from dataclasses import dataclass

import numpy as np
import scipy.spatial.distance

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.validation import check_int, check_seed
from qlens_q.tolerances import RESAMPLING_TIE_RTOL

logger = logging.getLogger(__name__)

#: Upper bound on ``permutations x M x M`` floats gathered at once (about 32 MB).
_BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class DistanceCorrelationResult:
    """Distance correlation of two samples and the permutation p-value of independence.

    Attributes:
        statistic: Distance correlation in ``[0, 1]`` (0 when either sample is constant).
        p_value: Permutation p-value with add-one smoothing,
            ``(#{permuted dCor >= observed} + 1) / (num_resamples + 1)``; ties count, so a
            constant sample gives 1.
        num_resamples: Number of permutations behind ``p_value``.
    """

    statistic: float
    p_value: float
    num_resamples: int


def _sample(values: np.ndarray, name: str) -> np.ndarray:
    """Return a finite real ``(M, d)`` float64 sample (``(M,)`` is promoted), or raise."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"{name} must be a real numeric array of shape (M,) or (M, d); got a ragged "
            f"{type(values).__name__}"
        ) from error
    if np.iscomplexobj(array):
        raise InvalidInputError(
            f"{name} must be real; got a complex array; pass its real and imaginary parts as "
            "separate columns"
        )
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise InvalidInputError(
            f"{name} must be a real numeric array of shape (M,) or (M, d); got dtype {array.dtype}"
        )
    array = array.astype(np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2:
        raise InvalidInputError(
            f"{name} must have shape (M,) or (M, d) with M >= 2; got {np.shape(values)}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    return array


def _double_centred_distances(sample: np.ndarray) -> np.ndarray:
    """``a_ij - mean_i - mean_j + mean`` of the Euclidean distances ``a_ij`` (``(M, M)``)."""
    distances = scipy.spatial.distance.cdist(sample, sample)
    row_means = distances.mean(axis=1)
    return distances - row_means[:, None] - row_means[None, :] + distances.mean()


def _permuted_covariances(first: np.ndarray, second: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``mean(first * second[p][:, p])`` for every permutation ``p`` (row of ``orders``)."""
    gathered = second[orders[:, :, None], orders[:, None, :]]
    return np.einsum("ij,pij->p", first, gathered) / first.size


def distance_correlation_test(
    x: np.ndarray, y: np.ndarray, *, num_resamples: int = 1000, seed: int = 0
) -> DistanceCorrelationResult:
    """Distance correlation of paired samples ``x`` and ``y`` with a permutation p-value.

    Args:
        x: Real sample, shape ``(M,)`` or ``(M, d_x)``.
        y: Real sample, shape ``(M,)`` or ``(M, d_y)``, same ``M``.
        num_resamples: Permutations of the rows of ``y`` for the p-value (``>= 1``).
        seed: Seed of the numpy generator that draws the permutations.

    Returns:
        :class:`DistanceCorrelationResult`.

    Raises:
        InvalidInputError: If ``x`` and ``y`` have different numbers of rows, are complex,
            not numeric or not finite, ``num_resamples`` is not an int ``>= 1`` or ``seed``
            is not an int in ``[0, 2**63)``.
    """
    first, second = _sample(x, "x"), _sample(y, "y")
    if first.shape[0] != second.shape[0]:
        raise InvalidInputError(
            f"x and y must have the same number of rows; got x {first.shape[0]} and "
            f"y {second.shape[0]}"
        )
    num_resamples = check_int(num_resamples, name="num_resamples", minimum=1)
    seed = check_seed(seed)
    logger.debug("distance_correlation_test: seed %s, %d resamples", seed, num_resamples)

    centred_x, centred_y = _double_centred_distances(first), _double_centred_distances(second)
    normaliser = np.sqrt(np.mean(centred_x**2) * np.mean(centred_y**2))
    if normaliser == 0:
        # A constant sample: dCor is 0 and every permutation ties with it.
        return DistanceCorrelationResult(0.0, 1.0, num_resamples)

    # dcor pulls in numba (seconds to import), so it is loaded only when a test is run.
    import dcor

    statistic = float(dcor.distance_correlation(first, second))
    observed = float(np.mean(centred_x * centred_y))
    tolerance = RESAMPLING_TIE_RTOL * normaliser  # |observed| <= normaliser

    rng = np.random.default_rng(seed)
    num_samples = first.shape[0]
    block = max(1, _BLOCK_ELEMENTS // num_samples**2)
    count = 0
    for start in range(0, num_resamples, block):
        size = min(block, num_resamples - start)
        orders = rng.permuted(np.tile(np.arange(num_samples), (size, 1)), axis=1)
        permuted = _permuted_covariances(centred_x, centred_y, orders)
        count += int(np.sum(permuted >= observed - tolerance))

    return DistanceCorrelationResult(
        statistic=statistic,
        p_value=(count + 1) / (num_resamples + 1),
        num_resamples=num_resamples,
    )
