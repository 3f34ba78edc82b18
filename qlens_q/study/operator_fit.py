"""The fitted-operator analysis: one unitary per layer, shared by all inputs.

A per-example Householder reflection maps each state onto the next by construction. Fitting
a single operator per layer on the train split and scoring it on the test split measures how
much of a layer's effect is one operator shared across inputs: the identity (no layer) is
the floor, the per-example reflections (fidelity 1) the ceiling.
"""

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qlens_q.fit import (
    FittedUnitary,
    OperatorScores,
    fidelity_vs_k,
    fit_unitary,
    identity_scores,
    per_example_scores,
    score_operator,
    single_reflection_scores,
)
from qlens_q.study.analysis import LAYERS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParametrisationFit:
    """One fitted operator of one layer with its train and test scores."""

    fitted: FittedUnitary
    train: OperatorScores
    test: OperatorScores
    seconds: float

    def to_report(self) -> dict[str, Any]:
        """JSON-ready ``fit.<layer>.<parametrisation>`` block."""
        spectrum = self.fitted.spectrum()
        return {
            "k": self.fitted.num_reflections,
            "complex": bool(self.fitted.complex),
            "train_fidelity": self.train.fidelity,
            "test_fidelity": self.test.fidelity,
            "test_kl": self.test.kl,
            "test_tvd": self.test.tvd,
            "test_agreement": self.test.agreement,
            "best_epoch": int(self.fitted.best_epoch),
            "energies": [float(e) for e in np.sort(np.asarray(spectrum, dtype=float))],
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class LayerFit:
    """All fits and baselines of one layer."""

    fits: dict[str, ParametrisationFit]
    baselines: dict[str, OperatorScores]
    k_curve: list[dict[str, float]] = field(default_factory=list)

    def shared_fraction(self, parametrisation: str) -> float:
        """How much of the layer's effect one shared operator explains, in [0, 1]-ish.

        ``(F_fit - F_identity) / (F_per_example - F_identity)`` on the test split: 0 means the
        fitted operator does no better than no layer at all, 1 means it does as well as a
        separate reflection for every example. ``nan`` cannot occur in the report: a layer
        that leaves every state unchanged gives a zero denominator and is reported as 1.
        """
        floor = self.baselines["identity"].fidelity
        ceiling = self.baselines["per_example"].fidelity
        if ceiling - floor < 1e-12:
            return 1.0
        return float((self.fits[parametrisation].test.fidelity - floor) / (ceiling - floor))

    def to_report(self) -> dict[str, Any]:
        """JSON-ready ``fit.<layer>`` block."""
        report: dict[str, Any] = {name: fit.to_report() for name, fit in self.fits.items()}
        report["baselines"] = {
            name: {
                "test_fidelity": s.fidelity,
                "test_kl": s.kl,
                "test_tvd": s.tvd,
                "test_agreement": s.agreement,
            }
            for name, s in self.baselines.items()
        }
        report["shared_fraction"] = {name: self.shared_fraction(name) for name in self.fits}
        report["fidelity_vs_k"] = self.k_curve

        return report


def fit_layer(
    train_in: np.ndarray,
    train_out: np.ndarray,
    test_in: np.ndarray,
    test_out: np.ndarray,
    *,
    parametrisations: tuple[str, ...],
    num_reflections: int | None,
    ks: tuple[int, ...] | None,
    seed: int,
    fit_kwargs: dict[str, Any],
) -> LayerFit:
    """Fit each parametrisation on the train states and score it on the test states."""
    num_outputs = train_in.shape[1]
    fits = {}
    for parametrisation in parametrisations:
        kwargs = dict(fit_kwargs)
        if parametrisation == "householder":
            kwargs["num_reflections"] = num_reflections or num_outputs
        kwargs["complex"] = parametrisation != "orthogonal"
        start = time.perf_counter()
        fitted = fit_unitary(
            train_in, train_out, parametrisation=parametrisation, seed=seed, **kwargs
        )
        seconds = time.perf_counter() - start
        unitary = fitted.unitary()
        fits[parametrisation] = ParametrisationFit(
            fitted=fitted,
            train=score_operator(unitary, train_in, train_out),
            test=score_operator(unitary, test_in, test_out),
            seconds=seconds,
        )
        logger.info(
            "%s fit: train fidelity %.4f, test fidelity %.4f (%.1f s)",
            parametrisation,
            fits[parametrisation].train.fidelity,
            fits[parametrisation].test.fidelity,
            seconds,
        )

    baselines = {
        "identity": identity_scores(test_in, test_out),
        "single_reflection": single_reflection_scores(
            train_in, train_out, test_in, test_out, seed=seed, **fit_kwargs
        ),
        "per_example": per_example_scores(test_in, test_out),
    }
    if ks is None:
        ks = tuple(
            sorted(
                {2**i for i in range(num_outputs.bit_length()) if 2**i <= num_outputs}
                | {num_outputs}
            )
        )
    curve = fidelity_vs_k(
        train_in, train_out, test_in, test_out, list(ks), complex=True, seed=seed, **fit_kwargs
    )

    return LayerFit(fits=fits, baselines=baselines, k_curve=[dict(row) for row in curve])


def fit_layers(
    train_states: dict[str, np.ndarray],
    test_states: dict[str, np.ndarray],
    *,
    parametrisations: tuple[str, ...],
    num_reflections: int | None = None,
    ks: tuple[int, ...] | None = None,
    max_epochs: int | None = None,
    validation_fraction: float = 0.1,
    num_restarts: int = 1,
    seed: int = 0,
) -> dict[str, LayerFit]:
    """Fit the attention and MLP layers (states keyed by position, as in ``analysis``)."""
    fit_kwargs: dict[str, Any] = {
        "validation_fraction": validation_fraction,
        "num_restarts": num_restarts,
    }
    if max_epochs is not None:
        fit_kwargs["max_epochs"] = max_epochs
    return {
        name: fit_layer(
            train_states[before],
            train_states[after],
            test_states[before],
            test_states[after],
            parametrisations=parametrisations,
            num_reflections=num_reflections,
            ks=ks,
            seed=seed,
            fit_kwargs=fit_kwargs,
        )
        for name, (before, after) in LAYERS.items()
    }
