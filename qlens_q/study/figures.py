"""The run's figures (PNG, written atomically): the study's views of states and operators."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # Runs are headless (CI, servers); never open a window.
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from qlens_q.io import atomic_write  # noqa: E402

LAYER_COLOURS = {"attention": "tab:blue", "mlp": "tab:orange"}
BASELINE_COLOUR = "tab:gray"


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110))
    plt.close(fig)
    return path


def similarity_histograms(analysis, path: Path) -> Path:
    """Pairwise similarity of each layer's unitaries and Hamiltonians against the baseline."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for row, (name, layer) in enumerate(analysis.layers.items()):
        for col, quantity in enumerate(("unitary", "hamiltonian")):
            ax = axes[row, col]
            observed = getattr(layer, f"{quantity}_similarities")
            baseline = getattr(layer, f"baseline_{quantity}_similarities")
            bins = np.linspace(-1, 1, 61)
            ax.hist(
                baseline,
                bins=bins,
                alpha=0.6,
                color=BASELINE_COLOUR,
                label="random baseline",
                density=True,
            )
            ax.hist(
                observed, bins=bins, alpha=0.6, color=LAYER_COLOURS[name], label=name, density=True
            )
            ax.axvline(np.mean(observed), color=LAYER_COLOURS[name], ls="--")
            ax.axvline(np.mean(baseline), color=BASELINE_COLOUR, ls="--")
            ax.set_title(f"{name}: {quantity} pairwise cosine similarity")
            ax.set_xlabel("Frobenius cosine similarity")
            ax.legend(fontsize=8)
    return _save(fig, path)


def householder_vectors(analysis, class_names: Sequence[str], path: Path) -> Path:
    """The per-example Householder vectors of both layers (scatter for N = 2, else heatmaps)."""
    layers = analysis.layers
    num_outputs = next(iter(layers.values())).layer.vectors.shape[1]
    if num_outputs == 2:
        fig, ax = plt.subplots(figsize=(6, 6))
        theta = np.linspace(0, 2 * np.pi, 200)
        ax.plot(np.cos(theta), np.sin(theta), color="lightgray", lw=1)
        for name, layer in layers.items():
            v = layer.layer.vectors
            ax.scatter(v[:, 0], v[:, 1], s=12, alpha=0.7, color=LAYER_COLOURS[name], label=name)
            b = layer.baseline_vectors
            ax.scatter(
                b[:, 0],
                b[:, 1],
                s=6,
                alpha=0.3,
                color=BASELINE_COLOUR,
                marker="x",
                label=f"{name} baseline",
            )
        ax.set_xlabel(f"v[{class_names[0]}]")
        ax.set_ylabel(f"v[{class_names[1]}]")
        ax.set_aspect("equal")
        ax.set_title("Householder vectors v = (Ψ_after − Ψ_before)/‖·‖")
        ax.legend(fontsize=8)
        return _save(fig, path)

    fig, axes = plt.subplots(1, len(layers), figsize=(6 * len(layers), 6))
    for ax, (name, layer) in zip(np.atleast_1d(axes), layers.items(), strict=True):
        v = layer.layer.vectors
        order = np.argsort(np.argmax(np.abs(v), axis=1), kind="stable")
        image = ax.imshow(v[order], aspect="auto", cmap="coolwarm", vmin=-1, vmax=1)
        ax.set_xticks(range(num_outputs), class_names, rotation=90, fontsize=7)
        ax.set_ylabel("test example (sorted by largest component)")
        ax.set_title(f"{name} Householder vectors")
        fig.colorbar(image, ax=ax)
    return _save(fig, path)


def delta_psi_scatter(analysis, class_names: Sequence[str], path: Path) -> Path:
    """State changes ΔΨ of both layers and their baselines (first two principal axes if N > 2)."""
    layers = analysis.layers
    pooled = np.concatenate(
        [np.concatenate([a.delta_psi, a.baseline_delta_psi]) for a in layers.values()]
    )
    num_outputs = pooled.shape[1]
    if num_outputs == 2:
        axes_matrix = np.eye(2)
        labels = [f"ΔΨ[{class_names[0]}]", f"ΔΨ[{class_names[1]}]"]
    else:
        _, _, vt = np.linalg.svd(pooled - pooled.mean(axis=0), full_matrices=False)
        axes_matrix = vt[:2].T
        labels = ["principal axis 1", "principal axis 2"]
    fig, ax = plt.subplots(figsize=(6, 6))
    for name, layer in layers.items():
        b = layer.baseline_delta_psi @ axes_matrix
        ax.scatter(b[:, 0], b[:, 1], s=6, alpha=0.3, color=BASELINE_COLOUR, marker="x")
        d = layer.delta_psi @ axes_matrix
        ax.scatter(d[:, 0], d[:, 1], s=12, alpha=0.7, color=LAYER_COLOURS[name], label=name)
        m = layer.mean_delta_psi @ axes_matrix
        ax.scatter(
            [m[0]],
            [m[1]],
            s=150,
            marker="*",
            color=LAYER_COLOURS[name],
            edgecolor="black",
            label=f"{name} mean ΔΨ",
        )
    ax.scatter([], [], s=6, color=BASELINE_COLOUR, marker="x", label="random baselines")
    ax.axhline(0, color="lightgray", lw=1)
    ax.axvline(0, color="lightgray", lw=1)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title("State changes ΔΨ = UΨ − Ψ per layer")
    ax.legend(fontsize=8)
    return _save(fig, path)


def shot_histograms(
    check, class_names: Sequence[str], example_ids: Sequence[str], path: Path, *, count: int = 4
) -> Path:
    """Shot frequencies of a few example circuits against the model's Born probabilities."""
    count = min(count, len(check.counts))
    fig, axes = plt.subplots(1, count, figsize=(4 * count, 3.6), squeeze=False)
    num_outputs = check.counts.shape[1]
    x = np.arange(num_outputs)
    for i, ax in enumerate(axes[0]):
        ax.bar(x - 0.2, check.counts[i] / check.shots, width=0.4, label=f"{check.shots} shots")
        ax.bar(x + 0.2, check.reference_probabilities[i], width=0.4, label="model p")
        ax.set_xticks(x, class_names, rotation=90 if num_outputs > 2 else 0, fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title(f"{example_ids[i]}: TVD {check.tvd[i]:.4f}", fontsize=9)
    axes[0, 0].set_ylabel("probability")
    axes[0, 0].legend(fontsize=8)
    return _save(fig, path)


def fidelity_vs_k(layer_fits, path: Path) -> Path:
    """Train and test fidelity of the Householder-product fit against K, with baselines."""
    fig, axes = plt.subplots(1, len(layer_fits), figsize=(6 * len(layer_fits), 4), squeeze=False)
    for ax, (name, fit) in zip(axes[0], layer_fits.items(), strict=True):
        ks = [row["k"] for row in fit.k_curve]
        ax.plot(ks, [row["train_fidelity"] for row in fit.k_curve], "o-", label="train")
        ax.plot(ks, [row["test_fidelity"] for row in fit.k_curve], "s-", label="test")
        ax.axhline(fit.baselines["identity"].fidelity, color="gray", ls=":", label="identity")
        ax.axhline(
            fit.baselines["per_example"].fidelity,
            color="black",
            ls="--",
            label="per-example reflections",
        )
        ax.set_xticks(ks)
        ax.set_xlabel("K (reflections)")
        ax.set_ylabel("mean fidelity")
        ax.set_title(f"{name}: one shared operator, fidelity vs K")
        ax.legend(fontsize=8)
    return _save(fig, path)


def write_all(
    folder: Path,
    *,
    analysis,
    check,
    layer_fits,
    class_names: Sequence[str],
    example_ids: Sequence[str],
) -> list[Path]:
    """Write every figure of a run into ``folder``; returns the paths."""
    folder = Path(folder)
    return [
        similarity_histograms(analysis, folder / "similarity_histograms.png"),
        householder_vectors(analysis, class_names, folder / "householder_vectors.png"),
        delta_psi_scatter(analysis, class_names, folder / "delta_psi_scatter.png"),
        shot_histograms(check, class_names, example_ids, folder / "shot_histograms.png"),
        fidelity_vs_k(layer_fits, folder / "fidelity_vs_k.png"),
    ]
