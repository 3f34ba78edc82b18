"""The one-block Transformer on frozen pretrained embeddings, and its training loop."""

from qlens_q.model.config import ModelConfig, TrainConfig
from qlens_q.model.embeddings import EMBEDDING_NAMES, PretrainedEmbeddings, load_embeddings
from qlens_q.model.training import (
    ClassifierMetrics,
    EncodedTexts,
    class_probabilities,
    encode_texts,
    evaluate_classifier,
    train_classifier,
)
from qlens_q.model.transformer import RESIDUAL_POSITIONS, OneBlockTransformer

__all__ = [
    "EMBEDDING_NAMES",
    "RESIDUAL_POSITIONS",
    "ClassifierMetrics",
    "EncodedTexts",
    "ModelConfig",
    "OneBlockTransformer",
    "PretrainedEmbeddings",
    "TrainConfig",
    "class_probabilities",
    "encode_texts",
    "evaluate_classifier",
    "load_embeddings",
    "train_classifier",
]
