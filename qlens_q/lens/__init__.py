"""Tuned lenses: read intermediate residuals through the frozen model's readout."""

from qlens_q.lens.tuned import (
    LENS_POSITIONS,
    TRANSLATORS,
    LensMetrics,
    TunedLens,
    evaluate_lens,
    fit_lens,
    lens_probabilities,
)

__all__ = [
    "LENS_POSITIONS",
    "TRANSLATORS",
    "LensMetrics",
    "TunedLens",
    "evaluate_lens",
    "fit_lens",
    "lens_probabilities",
]
