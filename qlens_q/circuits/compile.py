"""Compile an amplitude-encoded state and its layers into a Qiskit circuit.

Two routes, chosen with ``method``:

- ``"reflection"``: each reflection ``I - 2|v><v|`` is built as ``S_v (I - 2|0><0|) S_v^dagger``
  with ``S_v |0> = |v>`` (:func:`reflection_circuit`), and ``I - 2|0><0| = X^n MCZ X^n``.
- ``"unitary"``: each layer is one dense ``UnitaryGate``.

Qubit order is little-endian: output unit ``i`` is basis state ``|i>`` with qubit 0 its least
significant bit (see :mod:`qlens_q.states.encoding`). Layers act as the identity on the
``2**num_qubits - N`` padding states.

Warning:
    qiskit-aer 0.18 kills the Python process (segfault) when it receives the inverse of a
    ``StatePreparation``, which reaches it as a parameterless ``multiplexer`` instruction
    (https://github.com/Qiskit/qiskit-aer/issues/2444). :func:`reflection_circuit` therefore
    synthesises ``S_v`` into ``u`` and ``cx`` gates first and inverts that gate list; it is the
    only way this package builds reflections, so no inverted state preparation is ever emitted.
"""

import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import StatePreparation, UnitaryGate

from qlens_q.circuits.layers import ReflectionLayer, UnitaryLayer
from qlens_q.exceptions import InvalidInputError
from qlens_q.states.encoding import num_qubits_for, pad_statevector
from qlens_q.tolerances import STATE_NORM_ATOL

logger = logging.getLogger(__name__)

CompileMethod = Literal["reflection", "unitary"]
_METHODS = ("reflection", "unitary")
#: Elementary gates that state preparations are synthesised into before inversion.
SYNTHESIS_BASIS = ("u", "cx")


def _unit_vector(vector: np.ndarray, name: str, *, allow_zero: bool) -> np.ndarray:
    """Return a finite 1-D vector of unit norm (or zero when allowed) as ``complex128``."""
    array = np.asarray(vector)
    if not np.issubdtype(array.dtype, np.number) or array.ndim != 1 or array.size < 2:
        raise InvalidInputError(
            f"{name} must be a numeric vector of shape (N,) with N >= 2; got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{name} must be finite; got NaN or inf entries")
    norm = float(np.linalg.norm(array))
    if abs(norm - 1.0) > STATE_NORM_ATOL and not (allow_zero and norm == 0.0):
        raise InvalidInputError(
            f"{name} must have unit 2-norm within {STATE_NORM_ATOL:g}; got norm {norm:.12g}; "
            "normalise it (e.g. with qlens_q.states.amplitudes)"
        )
    return array.astype(np.complex128) / (norm if norm > 0 else 1.0)


def state_preparation_circuit(statevector: np.ndarray, num_qubits: int) -> QuantumCircuit:
    """``S_v`` with ``S_v |0> = |v>`` synthesised into ``u``/``cx`` gates (safe to invert).

    Args:
        statevector: Unit vector of length ``2**num_qubits`` (already padded).
        num_qubits: Register size.

    Returns:
        A circuit holding only ``u`` and ``cx`` gates (global phase tracked).
    """
    circuit = QuantumCircuit(num_qubits)
    circuit.append(StatePreparation(statevector), range(num_qubits))
    synthesised = transpile(circuit, basis_gates=list(SYNTHESIS_BASIS), optimization_level=0)
    unexpected = set(synthesised.count_ops()) - set(SYNTHESIS_BASIS)
    assert not unexpected, f"state preparation left non-elementary gates {unexpected}"

    return synthesised


def _zero_reflection(num_qubits: int) -> QuantumCircuit:
    """``I - 2|0><0| = X^n MCZ X^n`` (``X Z X`` on one qubit)."""
    circuit = QuantumCircuit(num_qubits, name="reflect_zero")
    circuit.x(range(num_qubits))
    if num_qubits == 1:
        circuit.z(0)
    else:
        target = num_qubits - 1
        circuit.h(target)
        circuit.mcx(list(range(target)), target)
        circuit.h(target)
    circuit.x(range(num_qubits))

    return circuit


def reflection_circuit(
    vector: np.ndarray, num_qubits: int | None = None, *, name: str | None = None
) -> QuantumCircuit:
    """Circuit of the reflection ``I - 2|v><v|`` as ``S_v (I - 2|0><0|) S_v^dagger``.

    ``S_v`` is synthesised into ``u``/``cx`` gates before it is inverted, so the circuit never
    holds an inverted ``StatePreparation`` (see the module warning about qiskit-aer).

    Args:
        vector: Unit vector over ``N`` output units (real or complex), or the zero vector
            (identity, an empty circuit).
        num_qubits: Register size, at least :func:`~qlens_q.states.num_qubits_for` ``(N)``.
        name: Circuit name; defaults to ``"reflection"``.

    Returns:
        Circuit on ``num_qubits`` qubits acting as the reflection on the padded space.

    Raises:
        InvalidInputError: If ``vector`` is neither unit-norm nor zero, or ``num_qubits`` is
            too small.
    """
    v = _unit_vector(vector, "vector", allow_zero=True)
    padded = pad_statevector(v, num_qubits)
    circuit = _synthesised_reflection(padded.tobytes(), padded.size).copy()
    circuit.name = name or "reflection"

    return circuit


@functools.lru_cache(maxsize=4096)
def _synthesised_reflection(padded_bytes: bytes, dimension: int) -> QuantumCircuit:
    """The reflection circuit of one padded vector, synthesised once.

    A fitted layer applies the same reflections to every example; synthesising ``S_v`` is
    the slow step (tens of milliseconds at 4 qubits), so circuits are cached by the vector's
    exact bytes. Callers get a copy, never the cached object.
    """
    padded = np.frombuffer(padded_bytes, dtype=np.complex128)
    num_qubits = int(np.log2(dimension))
    circuit = QuantumCircuit(num_qubits, name="reflection")
    if not np.any(padded):
        return circuit

    preparation = state_preparation_circuit(padded, num_qubits)
    circuit.compose(preparation.inverse(), inplace=True)
    circuit.compose(_zero_reflection(num_qubits), inplace=True)
    circuit.compose(preparation, inplace=True)

    return circuit


def _padded_unitary(matrix: np.ndarray, num_qubits: int) -> np.ndarray:
    """``U`` on the output units, identity on the padding states."""
    dimension = 2**num_qubits
    padded = np.eye(dimension, dtype=np.complex128)
    padded[: matrix.shape[0], : matrix.shape[0]] = matrix
    return padded


def compile_trajectory(
    initial_statevector: np.ndarray,
    layers: Sequence[ReflectionLayer | UnitaryLayer],
    *,
    method: CompileMethod = "reflection",
    measure: bool = True,
    name: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> QuantumCircuit:
    """Circuit that prepares ``initial_statevector`` and applies ``layers`` in order.

    The initial state (``N`` amplitudes, zero-padded) is loaded with ``StatePreparation``.
    Each layer is preceded by a barrier labelled with its name. With ``method="reflection"`` a
    :class:`ReflectionLayer` becomes its product of :func:`reflection_circuit`; with
    ``method="unitary"`` it becomes one dense ``UnitaryGate``. A :class:`UnitaryLayer` is
    always dense.

    Args:
        initial_statevector: Unit vector of shape ``(N,)`` (e.g. ``sqrt(p)``).
        layers: Layers over the same ``N`` output units, applied first to last.
        method: ``"reflection"`` or ``"unitary"``.
        measure: Append ``measure_all``.
        name: Circuit name; defaults to
            ``f"qlens_{example_id}_{'+'.join(layer names)}_{method}"`` (``example_id`` from
            ``metadata``, left out when absent).
        metadata: Extra entries for ``circuit.metadata`` (e.g. ``{"example_id": 17}``).

    Returns:
        Circuit on ``num_qubits_for(N)`` qubits with ``metadata`` holding ``example_id``,
        ``layers`` (names), ``num_outputs`` and ``method``, plus the user's entries.

    Raises:
        InvalidInputError: If the state is not unit-norm, ``layers`` is a single layer or not
            a sequence, a layer has a different ``N``, a layer is of an unknown type, or
            ``method`` is unknown.
    """
    if method not in _METHODS:
        raise InvalidInputError(f"method must be one of {_METHODS}; got {method!r}")
    if isinstance(layers, ReflectionLayer | UnitaryLayer):
        raise InvalidInputError(
            f"layers must be a sequence of layers; got a single {type(layers).__name__} "
            f"{layers.name!r}; pass it in a list, e.g. layers=[layer]"
        )
    if isinstance(layers, str | bytes) or not isinstance(layers, Iterable):
        raise InvalidInputError(
            "layers must be a sequence of ReflectionLayer or UnitaryLayer objects; got "
            f"{type(layers).__name__}; pass a list, e.g. layers=[layer_1, layer_2]"
        )
    layers = list(layers)
    psi = _unit_vector(initial_statevector, "initial_statevector", allow_zero=False)
    num_outputs = psi.size
    for index, layer in enumerate(layers):
        if not isinstance(layer, ReflectionLayer | UnitaryLayer):
            raise InvalidInputError(
                f"layers[{index}] must be a ReflectionLayer or UnitaryLayer; got "
                f"{type(layer).__name__}"
            )
        if layer.num_outputs != num_outputs:
            raise InvalidInputError(
                f"layer {layer.name!r} must act on N={num_outputs} output units to match "
                f"initial_statevector; got N={layer.num_outputs}"
            )
    num_qubits = num_qubits_for(num_outputs)
    user_metadata = dict(metadata or {})
    example_id = user_metadata.get("example_id")
    layer_names = [layer.name for layer in layers]
    if name is None:
        parts = ["qlens"] + ([str(example_id)] if example_id is not None else [])
        name = "_".join(parts + ["+".join(layer_names) or "initial", method])

    circuit = QuantumCircuit(num_qubits, name=name)
    circuit.append(StatePreparation(pad_statevector(psi, num_qubits)), range(num_qubits))
    for layer in layers:
        circuit.barrier(label=layer.name)
        if isinstance(layer, ReflectionLayer) and method == "reflection":
            for vector in layer.vectors:
                circuit.compose(reflection_circuit(vector, num_qubits), inplace=True)
        else:
            matrix = layer.unitary() if isinstance(layer, ReflectionLayer) else layer.unitary
            gate = UnitaryGate(_padded_unitary(matrix, num_qubits), label=layer.name)
            circuit.append(gate, range(num_qubits))
    if measure:
        circuit.measure_all()

    circuit.metadata = {
        **user_metadata,
        "example_id": example_id,
        "layers": layer_names,
        "num_outputs": num_outputs,
        "method": method,
    }
    logger.debug("compiled %s: %d qubits, depth %d", name, num_qubits, circuit.depth())
    return circuit
