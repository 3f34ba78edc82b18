"""The walkthrough notebook runs headless, top to bottom, in quick mode."""

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_sentihood_walkthrough.ipynb"


def test_walkthrough_notebook_executes_in_quick_mode(sentihood_dir, monkeypatch):
    monkeypatch.setenv("QLENS_Q_QUICK", "1")
    monkeypatch.setenv("QLENS_Q_DATA", str(sentihood_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()

    outputs = [
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    text = "".join(outputs)
    assert "statevector max |p_circuit - p_model|" in text
    images = sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert images >= 5
    assert os.environ["QLENS_Q_QUICK"] == "1"
