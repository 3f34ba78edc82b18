"""Shared fixtures: the Sentihood folder beside the repo and offline Hugging Face settings."""

import logging
import os
from pathlib import Path

import pytest

# Tests must never reach a model or dataset hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SENTIHOOD_DIR = REPO_ROOT.parent / "shared" / "data" / "sentihood"

logger = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def sentihood_dir() -> Path:
    """The original Sentihood JSON release, read from ``../shared`` (never copied in)."""
    if not (SENTIHOOD_DIR / "sentihood-train.json").is_file():
        pytest.fail(f"Sentihood data not found at {SENTIHOOD_DIR}; CI lays shared/ beside the repo")
    return SENTIHOOD_DIR


@pytest.fixture
def rng(request):
    """A numpy Generator seeded from the test's name; the seed is logged at DEBUG."""
    import zlib

    import numpy as np

    seed = zlib.crc32(request.node.nodeid.encode())
    logger.debug("rng seed for %s: %d", request.node.nodeid, seed)
    return np.random.default_rng(seed)


@pytest.fixture(scope="session")
def qlens_cli():
    """Run ``python -m qlens_q ARGS...`` in a child process; returns the CompletedProcess."""
    import subprocess
    import sys

    def run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "qlens_q", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
