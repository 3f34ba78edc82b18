"""OpenQASM 3 export and import of compiled circuits.

``StatePreparation`` and ``UnitaryGate`` have no OpenQASM 3 spelling, so circuits are
transpiled to ``u``/``cx`` (plus ``measure``/``barrier``/``reset``) before export. The circuit
name and ``metadata`` travel in a JSON header comment, which :func:`load_qasm3` reads back.
OpenQASM 3 files carry no global phase; the exported circuit equals the original up to it.
"""

import json
import logging
import os
from pathlib import Path

from qiskit import QuantumCircuit, qasm3, transpile

from qlens_q.exceptions import InvalidInputError
from qlens_q.io import atomic_write_text

logger = logging.getLogger(__name__)

#: Gates every exported circuit is written in.
EXPORT_BASIS = ("u", "cx", "measure", "reset")
_HEADER = "// qlens-q: "


def export_qasm3(circuit: QuantumCircuit, path: str | os.PathLike[str]) -> Path:
    """Write ``circuit`` as OpenQASM 3 to ``path`` atomically (temp file + ``os.replace``).

    Args:
        circuit: Any circuit; it is transpiled to ``u``/``cx`` first.
        path: Destination file; its folder must exist.

    Returns:
        The path written.

    Raises:
        InvalidInputError: If the destination folder does not exist.
    """
    destination = Path(path)
    if not destination.parent.is_dir():
        raise InvalidInputError(
            f"path must be in an existing folder; got {destination} (create "
            f"{destination.parent} first)"
        )
    basic = transpile(circuit, basis_gates=list(EXPORT_BASIS), optimization_level=0)
    header = {"name": circuit.name, "metadata": circuit.metadata or {}}
    text = _HEADER + json.dumps(header, default=str) + "\n" + qasm3.dumps(basic)

    atomic_write_text(destination, text)
    logger.debug("exported %s to %s", circuit.name, destination)

    return destination


def load_qasm3(path: str | os.PathLike[str]) -> QuantumCircuit:
    """Read an OpenQASM 3 file (needs ``qiskit-qasm3-import``); restore name and metadata.

    Raises:
        InvalidInputError: If the file does not exist.
    """
    source = Path(path)
    if not source.is_file():
        raise InvalidInputError(f"path must be an existing OpenQASM 3 file; got {source}")
    text = source.read_text(encoding="utf-8")
    circuit = qasm3.loads(text)

    first_line = text.split("\n", 1)[0]
    if first_line.startswith(_HEADER):
        header = json.loads(first_line[len(_HEADER) :])
        circuit.name = header.get("name", circuit.name)
        circuit.metadata = header.get("metadata", {})

    return circuit
