"""Run compiled circuits on qiskit-aer: exact statevectors, or seeded shots.

Every batch of circuits goes to Aer in a single ``backend.run`` call. Output units follow
:mod:`qlens_q.states.encoding`: counts keys are read with
:func:`~qlens_q.states.bitstring_output` (qubit 0 is the rightmost character), and outcomes
``>= N`` are padding states.

Before anything reaches Aer, inverted state preparations are synthesised into ``u``/``cx``
gates: qiskit-aer 0.18 segfaults on them (https://github.com/Qiskit/qiskit-aer/issues/2444).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit_aer import AerSimulator

from qlens_q.exceptions import InvalidInputError
from qlens_q.states.encoding import bitstring_output
from qlens_q.states.validation import check_int, check_seed

logger = logging.getLogger(__name__)

#: Instruction names under which an inverted ``StatePreparation`` can reach Aer.
_AER_CRASH_NAMES = frozenset({"state_preparation_dg", "isometry_to_uncompute", "multiplexer"})
#: Gates a hazardous circuit is synthesised into before it is transpiled for Aer.
_SAFE_BASIS = ("u", "cx", "measure", "reset")
#: Transpiler settings for Aer (fixed seed so that repeated runs see identical circuits).
_TRANSPILE_OPTIONS = {"optimization_level": 1, "seed_transpiler": 0}


def _as_list(circuits: QuantumCircuit | Sequence[QuantumCircuit]) -> list[QuantumCircuit]:
    batch = [circuits] if isinstance(circuits, QuantumCircuit) else list(circuits)
    if not batch:
        raise InvalidInputError("circuits must hold at least one QuantumCircuit; got none")
    for index, circuit in enumerate(batch):
        if not isinstance(circuit, QuantumCircuit):
            raise InvalidInputError(
                f"circuits[{index}] must be a QuantumCircuit; got {type(circuit).__name__}"
            )
    return batch


def _hazardous(circuit: QuantumCircuit) -> bool:
    """True if a top-level instruction is one under which Aer 0.18 segfaults."""
    return any(instruction.operation.name in _AER_CRASH_NAMES for instruction in circuit.data)


def _prepare_for_aer(
    batch: list[QuantumCircuit], backend: AerSimulator, finish: Callable[[QuantumCircuit], None]
) -> list[QuantumCircuit]:
    """Strip final measurements, apply ``finish`` (save or measure) and transpile for Aer.

    A circuit whose transpiled form still holds an inverted state preparation (also when it
    was nested inside a custom gate) is first synthesised into ``u``/``cx`` gates and then
    transpiled again, so Aer never receives the instruction it crashes on.
    """

    def build(circuit: QuantumCircuit, synthesise: bool) -> QuantumCircuit:
        circuit = circuit.remove_final_measurements(inplace=False)
        if synthesise:
            circuit = transpile(circuit, basis_gates=list(_SAFE_BASIS), optimization_level=0)
        finish(circuit)
        return circuit

    compiled = transpile([build(c, False) for c in batch], backend, **_TRANSPILE_OPTIONS)
    for index, circuit in enumerate(compiled):
        if _hazardous(circuit):
            logger.debug("%s: synthesising inverted state preparations", circuit.name)
            compiled[index] = transpile(build(batch[index], True), backend, **_TRANSPILE_OPTIONS)
            assert not _hazardous(compiled[index]), "inverted state preparation survived"
    return compiled


def _num_qubits(batch: list[QuantumCircuit]) -> int:
    sizes = {circuit.num_qubits for circuit in batch}
    if len(sizes) != 1:
        raise InvalidInputError(
            f"circuits must all have the same number of qubits; got {sorted(sizes)}"
        )
    return sizes.pop()


def run_statevectors(circuits: QuantumCircuit | Sequence[QuantumCircuit]) -> np.ndarray:
    """Exact final statevectors from Aer (``method="statevector"``), final measurements removed.

    Args:
        circuits: One circuit or a sequence, all on the same number of qubits ``n``.

    Returns:
        ``complex128`` array of shape ``(batch, 2**n)``, little-endian basis order.

    Raises:
        InvalidInputError: On an empty batch, non-circuits or differing qubit counts.
    """
    batch = _as_list(circuits)
    num_qubits = _num_qubits(batch)
    backend = AerSimulator(method="statevector")
    compiled = _prepare_for_aer(batch, backend, lambda circuit: circuit.save_statevector())
    logger.debug("run_statevectors: %d circuits, options %s", len(compiled), backend.options)

    result = backend.run(compiled).result()
    statevectors = np.empty((len(batch), 2**num_qubits), dtype=np.complex128)
    for index in range(len(batch)):
        statevectors[index] = np.asarray(result.get_statevector(index))

    return statevectors


def statevector_probabilities(
    circuits: QuantumCircuit | Sequence[QuantumCircuit], num_outputs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Born probabilities of the ``num_outputs`` output units, and the padding mass.

    Returns:
        ``(probabilities (batch, N), padding_probability (batch,))``, both ``float64``.

    Raises:
        InvalidInputError: If ``num_outputs`` is not an int, exceeds ``2**n`` or is below 2.
    """
    num_outputs = check_int(num_outputs, name="num_outputs", minimum=2)
    statevectors = run_statevectors(circuits)
    if not 2 <= num_outputs <= statevectors.shape[1]:
        raise InvalidInputError(
            f"num_outputs must lie in [2, {statevectors.shape[1]}] for these circuits; got "
            f"{num_outputs}"
        )
    probabilities = np.abs(statevectors) ** 2

    return probabilities[:, :num_outputs], probabilities[:, num_outputs:].sum(axis=1)


@dataclass(frozen=True, eq=False)
class ShotResult:
    """Seeded shot counts per output unit.

    Attributes:
        counts: ``int64`` array ``(batch, N)``; ``counts[b, i]`` is how often circuit ``b``
            read output unit ``i``.
        padding_counts: ``int64`` array ``(batch,)`` of shots on padding states (0 ideally).
        shots: Shots per circuit.
        seed: Aer ``seed_simulator``.
    """

    counts: np.ndarray
    padding_counts: np.ndarray
    shots: int
    seed: int


def run_shots(
    circuits: QuantumCircuit | Sequence[QuantumCircuit],
    *,
    shots: int,
    seed: int,
    num_outputs: int | None = None,
) -> ShotResult:
    """Sample every circuit ``shots`` times on Aer with ``seed_simulator=seed``, in one call.

    Final measurements are replaced by ``measure_all`` on a copy, so the counts keys always
    have one bit per qubit. Same circuits, shots and seed give identical counts.

    Args:
        circuits: One circuit or a sequence, all on the same number of qubits ``n``.
        shots: Shots per circuit, ``> 0``.
        seed: Simulator seed, an int in ``[0, 2**63)`` (``None`` is refused: runs must be
            reproducible).
        num_outputs: Output units ``N``; defaults to ``metadata["num_outputs"]`` of the first
            circuit, else ``2**n``.

    Returns:
        :class:`ShotResult`.

    Raises:
        InvalidInputError: If ``shots`` is not an int ``>= 1``, ``seed`` is not an int in
            ``[0, 2**63)``, the batch is empty or ``num_outputs`` is not an int in range.
    """
    shots = check_int(shots, name="shots", minimum=1)
    seed = check_seed(seed)
    batch = _as_list(circuits)
    num_qubits = _num_qubits(batch)
    if num_outputs is None:
        num_outputs = (batch[0].metadata or {}).get("num_outputs", 2**num_qubits)
    num_outputs = check_int(num_outputs, name="num_outputs", minimum=2)
    if num_outputs > 2**num_qubits:
        raise InvalidInputError(
            f"num_outputs must lie in [2, {2**num_qubits}] for {num_qubits} qubits; got "
            f"{num_outputs}"
        )

    backend = AerSimulator(method="statevector", seed_simulator=seed)
    compiled = _prepare_for_aer(batch, backend, lambda circuit: circuit.measure_all())
    logger.debug(
        "run_shots: %d circuits, shots %d, seed %d, options %s",
        len(batch),
        shots,
        seed,
        backend.options,
    )
    result = backend.run(compiled, shots=shots, seed_simulator=seed).result()

    counts = np.zeros((len(batch), num_outputs), dtype=np.int64)
    padding = np.zeros(len(batch), dtype=np.int64)
    for index in range(len(batch)):
        for bitstring, count in result.get_counts(index).items():
            outcome = bitstring_output(bitstring)
            if outcome < num_outputs:
                counts[index, outcome] += count
            else:
                padding[index] += count

    return ShotResult(counts=counts, padding_counts=padding, shots=shots, seed=seed)
