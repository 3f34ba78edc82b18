"""Reflection circuits on 1..8 qubits run on Aer without killing the process.

Regression for qiskit-aer#2444: Aer 0.18 segfaults on an inverted ``StatePreparation``. The
circuits run in a child interpreter so that a crash shows up as a failed exit code here
instead of taking the test session down.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np

from qlens_q.tolerances import CIRCUIT_PROBABILITY_ATOL

CHILD_TIMEOUT_SECONDS = 300

CHILD_SCRIPT = textwrap.dedent(
    """
    import json

    import numpy as np
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import StatePreparation

    from qlens_q.circuits import ReflectionLayer, compile_trajectory
    from qlens_q.execution import run_statevectors, statevector_probabilities
    from qlens_q.operators import householder_vectors
    from qlens_q.states import amplitudes

    rng = np.random.default_rng(2444)
    report = {}
    for num_qubits in range(1, 9):
        # Odd N above 2 exercises padding; N = 2 fills one qubit.
        num_outputs = 2 if num_qubits == 1 else 2 ** (num_qubits - 1) + 1
        p = rng.dirichlet(np.ones(num_outputs), size=2)
        psi = amplitudes(p)
        layer = ReflectionLayer("layer", householder_vectors(psi[0], psi[1]))
        circuit = compile_trajectory(psi[0], [layer], method="reflection")
        probabilities, padding = statevector_probabilities(circuit, num_outputs)
        report[num_qubits] = {
            "expected": p[1].tolist(),
            "probabilities": probabilities[0].tolist(),
            "padding": float(padding[0]),
        }

    # An inverted StatePreparation handed over directly must be defused too.
    circuit = QuantumCircuit(2)
    circuit.append(StatePreparation([0.6, 0.8, 0.0, 0.0]).inverse(), [0, 1])
    report["inverse"] = np.abs(run_statevectors(circuit)[0]).tolist()
    print(json.dumps(report))
    """
)


def test_reflection_circuits_run_in_child_process():
    completed = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )

    assert completed.returncode == 0, f"child exited {completed.returncode}: {completed.stderr}"
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert sorted(k for k in report if k != "inverse") == [str(n) for n in range(1, 9)]
    for num_qubits, entry in report.items():
        if num_qubits == "inverse":
            continue
        np.testing.assert_allclose(
            entry["probabilities"], entry["expected"], atol=CIRCUIT_PROBABILITY_ATOL
        )
        assert entry["padding"] < CIRCUIT_PROBABILITY_ATOL
    # The inverted preparation was synthesised, ran, and returned a normalised state.
    np.testing.assert_allclose(np.sum(np.square(report["inverse"])), 1.0, atol=1e-9)
