"""Compile states and layers into Qiskit circuits, and exchange them as OpenQASM 3."""

from qlens_q.circuits.compile import (
    compile_trajectory,
    reflection_circuit,
    state_preparation_circuit,
)
from qlens_q.circuits.export import export_qasm3, load_qasm3
from qlens_q.circuits.layers import ReflectionLayer, UnitaryLayer, reflection_matrix

__all__ = [
    "ReflectionLayer",
    "UnitaryLayer",
    "compile_trajectory",
    "export_qasm3",
    "load_qasm3",
    "reflection_circuit",
    "reflection_matrix",
    "state_preparation_circuit",
]
