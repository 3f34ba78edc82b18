"""Wall time of the reference fits as ratios to their targets: python benchmarks/fit_speed.py.

1. K=12 complex Householder reflections for N=12 on 1,500 training states (target 30 s).
2. A full unitary (exponential map) for N=16 on 1,500 training states (target 60 s).

Both use fit_unitary's defaults and synthetic data with a known Haar-random unitary, so the
held-out fidelity shows the defaults still recover it. Inputs are amplitude-encoded states
sqrt(p), p ~ Dirichlet(1), like the QLENS layer states.
"""

import argparse
import logging

import numpy as np
from scipy.stats import unitary_group

from qlens_q.fit import fit_unitary, score_operator

NUM_TRAIN = 1500
NUM_TEST = 500

CASES = [
    # (label, N, fit_unitary options, target seconds)
    ("householder K=12, N=12", 12, {"parametrisation": "householder", "num_reflections": 12}, 30.0),
    ("exponential N=16", 16, {"parametrisation": "exponential"}, 60.0),
]


def synthetic_layer(num_outputs: int, seed: int):
    """Train and test pairs (x, U x) for a seeded Haar-random unitary U."""
    rng = np.random.default_rng(seed)
    unitary = unitary_group.rvs(num_outputs, random_state=seed)
    inputs = np.sqrt(rng.dirichlet(np.ones(num_outputs), size=NUM_TRAIN + NUM_TEST))
    targets = inputs @ unitary.T
    return inputs[:NUM_TRAIN], targets[:NUM_TRAIN], inputs[NUM_TRAIN:], targets[NUM_TRAIN:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="log each fit at INFO")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)

    print(f"{'fit':<26}{'seconds':>9}{'target':>8}{'ratio':>8}{'epochs':>8}{'test fid':>12}")
    for label, num_outputs, options, target in CASES:
        train_inputs, train_targets, test_inputs, test_targets = synthetic_layer(
            num_outputs, args.seed
        )
        fitted = fit_unitary(train_inputs, train_targets, seed=args.seed, **options)
        fidelity = score_operator(fitted, test_inputs, test_targets).fidelity
        print(
            f"{label:<26}{fitted.seconds:>9.2f}{target:>8.0f}{fitted.seconds / target:>8.3f}"
            f"{fitted.num_epochs:>8d}{fidelity:>12.8f}"
        )


if __name__ == "__main__":
    main()
