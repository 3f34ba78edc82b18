"""qlens-q: read a Transformer's layers as quantum states, unitaries and Hamiltonians.

Subpackages, one concept each:

- :mod:`qlens_q.states`: probability vectors to amplitude-encoded states and back.
- :mod:`qlens_q.operators`: per-example Householder layers, Hamiltonians, parametrised unitaries.
- :mod:`qlens_q.statistics`: similarities, permutation tests, baselines, shot comparisons.
- :mod:`qlens_q.circuits`: compile trajectories into Qiskit circuits, OpenQASM 3 export.
- :mod:`qlens_q.execution`: run circuits on qiskit-aer.
- :mod:`qlens_q.fit`: fit one unitary per layer across inputs with PyTorch.
- :mod:`qlens_q.data`, :mod:`qlens_q.model`, :mod:`qlens_q.lens`: the Sentihood study.
- :mod:`qlens_q.study`: the end-to-end run behind ``qlens-q run``.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
