"""The QLENS Sentihood study, end to end (``qlens-q run``)."""

from qlens_q.study.config import (
    AnalysisConfig,
    CircuitConfig,
    FitConfig,
    RunConfig,
    load_config,
)

__all__ = [
    "AnalysisConfig",
    "CircuitConfig",
    "FitConfig",
    "RunConfig",
    "load_config",
    "run_study",
]


def __getattr__(name: str):
    # run_study pulls in torch, transformers and qiskit; import it only when asked for.
    if name == "run_study":
        from qlens_q.study.run import run_study

        return run_study
    raise AttributeError(f"module 'qlens_q.study' has no attribute {name!r}")
