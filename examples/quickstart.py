"""Quickstart: one layer as a Householder operator, run on Aer and compared with the model."""

import numpy as np

from qlens_q.circuits import ReflectionLayer, compile_trajectory
from qlens_q.execution import run_shots, statevector_probabilities
from qlens_q.operators import HouseholderLayer
from qlens_q.states import amplitudes
from qlens_q.statistics import (
    chi_square_test,
    hellinger_fidelity,
    max_abs_error,
    total_variation_distance,
)

p0, p1 = np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.3, 0.6])  # one example, two layers
psi0, psi1 = amplitudes(p0), amplitudes(p1)
layer = HouseholderLayer.from_states("layer_1", psi0, psi1)  # U = I - 2 v v^T, U psi0 = psi1
print(f"H =\n{np.round(layer.hamiltonians[0], 3)}")

circuit = compile_trajectory(psi0, [ReflectionLayer("layer_1", layer.vectors[0])])
exact, _ = statevector_probabilities(circuit, num_outputs=3)
shots = run_shots(circuit, shots=4000, seed=3)
empirical = shots.counts[0] / shots.shots

print("max abs error (exact):", max_abs_error(exact[0], p1))
print("TVD (shots):", total_variation_distance(empirical, p1))
print("Hellinger fidelity (shots):", hellinger_fidelity(empirical, p1))
print("chi-square p-value:", chi_square_test(shots.counts[0], p1).p_value)
