"""Similarities, permutation tests, random baselines, dependence and shot comparisons."""

from qlens_q.statistics.baselines import random_householder_matrices, random_householder_vectors
from qlens_q.statistics.comparison import (
    ChiSquareResult,
    ChiSquareResults,
    binomial_confidence_interval,
    chi_square_test,
    chi_square_tests,
    hellinger_fidelity,
    max_abs_error,
    shots_for_tvd,
    total_variation_distance,
)
from qlens_q.statistics.dependence import DistanceCorrelationResult, distance_correlation_test
from qlens_q.statistics.permutation import (
    PermutationTestResult,
    delta_psi_permutation_test,
    mean_delta_psi,
    similarity_permutation_test,
)
from qlens_q.statistics.similarity import (
    cosine_matrix,
    frobenius_gram,
    mean_pairwise_cosine_similarity,
    pairwise_cosine_similarities,
)

__all__ = [
    "ChiSquareResult",
    "ChiSquareResults",
    "DistanceCorrelationResult",
    "PermutationTestResult",
    "binomial_confidence_interval",
    "chi_square_test",
    "chi_square_tests",
    "cosine_matrix",
    "delta_psi_permutation_test",
    "distance_correlation_test",
    "frobenius_gram",
    "hellinger_fidelity",
    "max_abs_error",
    "mean_delta_psi",
    "mean_pairwise_cosine_similarity",
    "pairwise_cosine_similarities",
    "random_householder_matrices",
    "random_householder_vectors",
    "shots_for_tvd",
    "similarity_permutation_test",
    "total_variation_distance",
]
