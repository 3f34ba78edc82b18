"""Fit one unitary per layer across inputs with PyTorch, and score it against baselines.

- :func:`fit_unitary` returns a :class:`FittedUnitary` (unitary, Hamiltonian, save / load).
- :func:`score_operator`, :func:`identity_scores`, :func:`per_example_scores`,
  :func:`single_reflection_scores` and :func:`fidelity_vs_k` return :class:`OperatorScores`
  or tables of fidelities.

The parametrisations themselves live in :mod:`qlens_q.operators.parametrisations`.
"""

from qlens_q.fit.evaluation import (
    OperatorScores,
    fidelity_vs_k,
    identity_scores,
    per_example_reflections,
    per_example_scores,
    score_operator,
    single_reflection_scores,
)
from qlens_q.fit.fitting import fit_unitary
from qlens_q.fit.result import FittedUnitary

__all__ = [
    "FittedUnitary",
    "OperatorScores",
    "fidelity_vs_k",
    "fit_unitary",
    "identity_scores",
    "per_example_reflections",
    "per_example_scores",
    "score_operator",
    "single_reflection_scores",
]
