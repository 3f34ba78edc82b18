"""Run compiled circuits on qiskit-aer: exact statevectors and seeded shot counts."""

from qlens_q.execution.aer import ShotResult, run_shots, run_statevectors, statevector_probabilities

__all__ = ["ShotResult", "run_shots", "run_statevectors", "statevector_probabilities"]
