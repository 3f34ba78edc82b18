"""A one-block Transformer classifier on frozen pretrained embeddings.

Layout, for a sentence of ``L`` tokens (``x`` are frozen embeddings of width ``d_emb``)::

    x_0 = cls + pos_0,  x_i = tok(t_i) + pos_{i}, i = 1..L        (frozen, cls learned)
    h_emb  = W_c x + b_c                                          "embedding"   (d_model)
    h_attn = LN_1(h_emb + MHA(h_emb))                             "attention"
    h_out  = h_attn + FFN(h_attn)                                 "output"
    logits = head(LN_2(pool(h_out)))                              readout(h) = head(LN_2(h))

``pool`` reads a sentence out of the stream, the same way for every residual and the head:
``"mean"`` (default) averages over the CLS slot and the tokens, padding excluded; ``"cls"``
takes the CLS slot alone. With ``"cls"`` the embedding residual is the same vector for every
sentence (the CLS slot has not yet attended to anything), so a lens there cannot tell
sentences apart; mean pooling gives the embedding lens something to read.

The CLS slot is the same for every tokenizer: a learned vector of width ``d_emb`` prepended to
the sentence's tokens (which are encoded without special tokens) and given position
embedding 0. It starts from the tokenizer's own CLS token embedding when there is one
(MiniLM's ``[CLS]``, so the layout matches BERT's) and from the mean token embedding otherwise
(GPT-2).

``LN_2`` is the model's final LayerNorm. The ``"output"`` residual is taken before it, as in
tuned-lens (https://arxiv.org/abs/2303.08112), so that every residual, the last included, is
read out through the same ``readout`` and ``readout(residuals(...)["output"])`` is exactly the
forward pass's logits.
"""

from __future__ import annotations

import logging

import torch
from torch import nn

from qlens_q.exceptions import InvalidInputError
from qlens_q.model.config import ModelConfig
from qlens_q.model.embeddings import PretrainedEmbeddings

logger = logging.getLogger(__name__)

#: Residual positions returned by :meth:`OneBlockTransformer.residuals`, in depth order.
RESIDUAL_POSITIONS = ("embedding", "attention", "output")


class OneBlockTransformer(nn.Module):
    """One post-LayerNorm Transformer block on frozen pretrained embeddings.

    Args:
        config: Layer sizes and dropout.
        embeddings: Frozen token and position tables; kept as non-persistent buffers, so they
            neither train nor enter ``state_dict``.
        seed: If given, the parameters are initialised from this seed without touching the
            global torch RNG; otherwise from the global RNG.

    Raises:
        InvalidInputError: ``config.max_length`` exceeds the number of position embeddings.
    """

    def __init__(
        self, config: ModelConfig, embeddings: PretrainedEmbeddings, *, seed: int | None = None
    ) -> None:
        super().__init__()

        num_positions, d_emb = embeddings.position_embeddings.shape
        if config.max_length > num_positions:
            raise InvalidInputError(
                f"config.max_length must be <= {num_positions} (position embeddings of "
                f"{embeddings.name}); got {config.max_length}; lower max_length"
            )
        self.config = config
        self.embedding_name = embeddings.name
        self.register_buffer("token_embeddings", embeddings.token_embeddings, persistent=False)
        self.register_buffer(
            "position_embeddings", embeddings.position_embeddings, persistent=False
        )

        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            self.cls_embedding = nn.Parameter(_initial_cls(embeddings))
            self.compression = nn.Linear(d_emb, config.d_model)
            self.attention = nn.MultiheadAttention(
                config.d_model, config.num_heads, dropout=config.dropout, batch_first=True
            )
            self.attention_ln = nn.LayerNorm(config.d_model)
            self.feed_forward = nn.Sequential(
                nn.Linear(config.d_model, config.d_ff),
                nn.GELU(),
                nn.Linear(config.d_ff, config.d_model),
            )
            self.final_ln = nn.LayerNorm(config.d_model)
            self.head = nn.Linear(config.d_model, config.num_classes)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Classify sentences.

        Args:
            input_ids: Token ids without special tokens, int64 of shape (batch, seq).
            attention_mask: 1 for tokens, 0 for padding, shape (batch, seq).

        Returns:
            Logits of shape (batch, num_classes).
        """
        return self.readout(self.residuals(input_ids, attention_mask)["output"])

    def residuals(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """The pooled residual stream after each stage (see ``ModelConfig.pooling``).

        Args:
            input_ids: Token ids without special tokens, int64 of shape (batch, seq).
            attention_mask: 1 for tokens, 0 for padding, shape (batch, seq).

        Returns:
            ``{"embedding", "attention", "output"}`` to tensors of shape (batch, d_model):
            the compression output, the stream after attention (residual + LayerNorm) and the
            stream after the feed-forward residual, before the final LayerNorm.
        """
        x, key_padding_mask = self._embed(input_ids, attention_mask)

        h_emb = self.compression(x)
        attended, _ = self.attention(
            h_emb, h_emb, h_emb, key_padding_mask=key_padding_mask, need_weights=False
        )
        h_attn = self.attention_ln(h_emb + self.dropout(attended))
        h_out = h_attn + self.dropout(self.feed_forward(h_attn))

        stream = {"embedding": h_emb, "attention": h_attn, "output": h_out}

        return {key: self._pool(h, key_padding_mask) for key, h in stream.items()}

    def _pool(self, h: torch.Tensor, key_padding_mask: torch.Tensor) -> torch.Tensor:
        """Read (batch, seq, d_model) as (batch, d_model): CLS slot or masked mean."""
        if self.config.pooling == "cls":
            return h[:, 0]
        weights = (~key_padding_mask).to(h.dtype).unsqueeze(-1)

        return (h * weights).sum(dim=1) / weights.sum(dim=1)

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """Map residuals of shape (..., d_model) to logits through the final LayerNorm and head."""
        return self.head(self.final_ln(h))

    def _embed(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Frozen embeddings with the CLS slot prepended, and the key padding mask."""
        if input_ids.ndim != 2 or input_ids.shape != attention_mask.shape:
            raise InvalidInputError(
                "input_ids and attention_mask must both have shape (batch, seq); got "
                f"{tuple(input_ids.shape)} and {tuple(attention_mask.shape)}; use encode_texts"
            )
        batch, seq = input_ids.shape
        if seq + 1 > self.config.max_length:
            raise InvalidInputError(
                f"input_ids must have at most max_length - 1 = {self.config.max_length - 1} "
                f"tokens; got {seq}; encode with max_length={self.config.max_length}"
            )

        tokens = self.token_embeddings[input_ids]
        cls = self.cls_embedding.expand(batch, 1, -1)
        x = torch.cat([cls, tokens], dim=1) + self.position_embeddings[: seq + 1]
        keep = torch.cat([attention_mask.new_ones(batch, 1), attention_mask], dim=1)

        return x, keep == 0


def _initial_cls(embeddings: PretrainedEmbeddings) -> torch.Tensor:
    """The tokenizer's CLS token embedding if it has one, else the mean token embedding."""
    cls_id = getattr(embeddings.tokenizer, "cls_token_id", None)
    if cls_id is not None:
        return embeddings.token_embeddings[cls_id].clone()

    return embeddings.token_embeddings.mean(dim=0)
