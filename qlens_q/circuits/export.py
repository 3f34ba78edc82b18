"""OpenQASM 3 export and import of compiled circuits.

``StatePreparation`` and ``UnitaryGate`` have no OpenQASM 3 spelling, so circuits are
transpiled to ``u``/``cx`` (plus ``measure``/``barrier``/``reset``) before export. The circuit
name and ``metadata`` travel in a JSON header comment, which :func:`load_qasm3` reads back;
numpy scalars and arrays in the metadata are written as plain numbers and lists, so they come
back as ``int``/``float``/``list``.
OpenQASM 3 files carry no global phase; the exported circuit equals the original up to it.
"""

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
from qiskit import QuantumCircuit, qasm3, transpile
from qiskit.qasm3 import QASM3Error

from qlens_q.exceptions import DataError, InvalidInputError
from qlens_q.io import atomic_write_text

logger = logging.getLogger(__name__)

#: Gates every exported circuit is written in.
EXPORT_BASIS = ("u", "cx", "measure", "reset")
_HEADER = "// qlens-q: "

try:  # the parser package behind qiskit.qasm3.loads (qiskit-qasm3-import)
    from openqasm3.parser import QASM3ParsingError
except ImportError:  # pragma: no cover - loads itself then fails with QASM3Error or ImportError
    QASM3ParsingError = QASM3Error


def _json_default(value: Any) -> Any:
    """JSON form of metadata values ``json`` cannot write: numpy scalars/arrays, else ``str``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


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
    text = _HEADER + json.dumps(header, default=_json_default) + "\n" + qasm3.dumps(basic)

    atomic_write_text(destination, text)
    logger.debug("exported %s to %s", circuit.name, destination)

    return destination


def load_qasm3(path: str | os.PathLike[str]) -> QuantumCircuit:
    """Read an OpenQASM 3 file (needs ``qiskit-qasm3-import``); restore name and metadata.

    Raises:
        InvalidInputError: If the file does not exist.
        DataError: If the file is not UTF-8 text, is not valid OpenQASM 3, or its qlens-q
            header line is not a JSON object (the message names the file and the problem).
    """
    source = Path(path)
    if not source.is_file():
        raise InvalidInputError(f"path must be an existing OpenQASM 3 file; got {source}")
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{source} must be UTF-8 OpenQASM 3 text; got {error}") from error
    try:
        circuit = qasm3.loads(text)
    except (QASM3Error, QASM3ParsingError) as error:
        raise DataError(
            f"{source} must hold valid OpenQASM 3; got {type(error).__name__}: "
            f"{str(error) or 'a syntax error'}. Re-export it with export_qasm3"
        ) from error

    first_line = text.split("\n", 1)[0]
    if first_line.startswith(_HEADER):
        try:
            header = json.loads(first_line[len(_HEADER) :])
        except json.JSONDecodeError as error:
            raise DataError(
                f"{source} header line must be JSON after {_HEADER.strip()!r}; got a decoding "
                f"error: {error}. Fix or delete that first line"
            ) from error
        if not isinstance(header, dict) or not isinstance(header.get("metadata", {}), dict):
            raise DataError(
                f"{source} header must be a JSON object with a 'metadata' object; got "
                f"{first_line[len(_HEADER) :][:80]!r}. Fix or delete that first line"
            )
        circuit.name = header.get("name", circuit.name)
        circuit.metadata = header.get("metadata", {})

    return circuit
