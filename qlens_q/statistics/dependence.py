"""Distance correlation and its permutation test of independence (via ``dcor``).

Distance correlation (Székely, Rizzo & Bakirov 2007, https://doi.org/10.1214/009053607000000505)
is zero exactly when ``x`` and ``y`` are independent; the test permutes the rows of ``y``.
"""

import logging
from dataclasses import dataclass

import numpy as np

from qlens_q.exceptions import InvalidInputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DistanceCorrelationResult:
    """Distance correlation of two samples and the permutation p-value of independence.

    Attributes:
        statistic: Distance correlation in ``[0, 1]``.
        p_value: Permutation p-value of the distance covariance test (``dcor``).
        num_resamples: Number of permutations behind ``p_value``.
    """

    statistic: float
    p_value: float
    num_resamples: int


def _sample(values: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2:
        raise InvalidInputError(
            f"{name} must have shape (M,) or (M, d) with M >= 2; got {np.shape(values)}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    return array


def distance_correlation_test(
    x: np.ndarray, y: np.ndarray, *, num_resamples: int = 1000, seed: int = 0
) -> DistanceCorrelationResult:
    """Distance correlation of paired samples ``x`` and ``y`` with a permutation p-value.

    Args:
        x: Shape ``(M,)`` or ``(M, d_x)``.
        y: Shape ``(M,)`` or ``(M, d_y)``, same ``M``.
        num_resamples: Permutations for the p-value (``>= 1``).
        seed: ``random_state`` passed to ``dcor``.

    Returns:
        :class:`DistanceCorrelationResult`.

    Raises:
        InvalidInputError: If ``x`` and ``y`` have different numbers of rows, are not finite,
            or ``num_resamples < 1``.
    """
    first, second = _sample(x, "x"), _sample(y, "y")
    if first.shape[0] != second.shape[0]:
        raise InvalidInputError(
            f"x and y must have the same number of rows; got x {first.shape[0]} and "
            f"y {second.shape[0]}"
        )
    if num_resamples < 1:
        raise InvalidInputError(f"num_resamples must be >= 1; got {num_resamples}")
    logger.debug("distance_correlation_test: seed %s, %d resamples", seed, num_resamples)

    # dcor pulls in numba (seconds to import), so it is loaded only when a test is run.
    import dcor

    statistic = float(dcor.distance_correlation(first, second))
    test = dcor.independence.distance_covariance_test(
        first, second, num_resamples=num_resamples, random_state=seed
    )

    return DistanceCorrelationResult(
        statistic=statistic, p_value=float(test.pvalue), num_resamples=int(num_resamples)
    )
