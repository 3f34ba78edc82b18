"""Probability vectors to amplitude-encoded states, padding, bit order and measurement."""

from qlens_q.states.encoding import (
    amplitudes,
    bitstring_output,
    born_probabilities,
    num_qubits_for,
    output_bitstring,
    pad_statevector,
    validate_probabilities,
)
from qlens_q.states.measurement import expectation, measurement_operator

__all__ = [
    "amplitudes",
    "bitstring_output",
    "born_probabilities",
    "expectation",
    "measurement_operator",
    "num_qubits_for",
    "output_bitstring",
    "pad_statevector",
    "validate_probabilities",
]
