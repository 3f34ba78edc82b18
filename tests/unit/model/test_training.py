import numpy as np
import pytest
import torch

from qlens_q.exceptions import InvalidInputError
from qlens_q.model import (
    OneBlockTransformer,
    TrainConfig,
    class_probabilities,
    encode_texts,
    evaluate_classifier,
    load_embeddings,
    train_classifier,
)

FAST = TrainConfig(epochs=8, batch_size=16, learning_rate=1e-2)


def train(config, embeddings, task, seed=0):
    encoded, labels = task
    model = OneBlockTransformer(config, embeddings, seed=seed)
    history = train_classifier(model, encoded, labels, FAST, seed=seed, progress=False)
    return model, history


@pytest.fixture(scope="module")
def tokenizer():
    return load_embeddings("minilm").tokenizer


class TestEncode:
    def test_no_special_tokens_and_padding(self, tokenizer):
        encoded = encode_texts(["the park is nice", "quiet"], tokenizer, max_length=16)

        assert encoded.input_ids.shape == (2, 4)
        assert encoded.attention_mask.tolist() == [[1, 1, 1, 1], [1, 0, 0, 0]]
        assert tokenizer.cls_token_id not in encoded.input_ids.tolist()[0]
        assert encoded.input_ids.dtype == torch.int64 and len(encoded) == 2

    def test_truncates_to_leave_room_for_cls(self, tokenizer):
        encoded = encode_texts(["one two three four five six"], tokenizer, max_length=4)

        assert encoded.input_ids.shape == (1, 3)

    @pytest.mark.parametrize(
        ("texts", "max_length", "match"),
        [
            ([], 8, "at least one sentence"),
            ("a sentence", 8, "list of strings"),
            (["ok", 3], 8, "list of strings"),
            (["ok"], 1, "max_length must be >= 2"),
        ],
    )
    def test_invalid(self, tokenizer, texts, max_length, match):
        with pytest.raises(InvalidInputError, match=match):
            encode_texts(texts, tokenizer, max_length=max_length)


def test_training_lowers_loss_and_fits(tiny_config, tiny_embeddings, toy_task):
    encoded, labels = toy_task

    model, history = train(tiny_config, tiny_embeddings, toy_task)
    metrics = evaluate_classifier(model, encoded, labels)

    assert len(history) == FAST.epochs
    assert history[-1] < history[0]
    assert 0.0 <= metrics.macro_f1 <= 1.0
    assert metrics.accuracy > 0.7
    assert not model.training


def test_same_seed_is_bit_identical(tiny_config, tiny_embeddings, toy_task):
    first, first_history = train(tiny_config, tiny_embeddings, toy_task, seed=3)
    second, second_history = train(tiny_config, tiny_embeddings, toy_task, seed=3)
    third, _ = train(tiny_config, tiny_embeddings, toy_task, seed=4)

    assert first_history == second_history
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(first.head.weight, third.head.weight)


def test_training_spares_global_rng(tiny_config, tiny_embeddings, toy_task):
    model = OneBlockTransformer(tiny_config, tiny_embeddings, seed=0)
    state = torch.get_rng_state()

    train_classifier(model, *toy_task, FAST, seed=0, progress=False)

    assert torch.equal(torch.get_rng_state(), state)


def test_class_probabilities_are_float64_and_normalised(tiny_config, tiny_embeddings, toy_task):
    model, _ = train(tiny_config, tiny_embeddings, toy_task)

    probs = class_probabilities(model, toy_task[0])

    assert probs.dtype == np.float64 and probs.shape == (64, 2)
    assert np.all(probs >= 0)
    assert np.max(np.abs(probs.sum(axis=1) - 1.0)) <= 1e-15


def test_labels_must_match(tiny_config, tiny_embeddings, toy_task):
    model = OneBlockTransformer(tiny_config, tiny_embeddings, seed=0)
    encoded, labels = toy_task

    with pytest.raises(InvalidInputError, match=r"labels must have shape \(64,\).*got \(63,\)"):
        train_classifier(model, encoded, labels[:-1], FAST, seed=0, progress=False)
    with pytest.raises(InvalidInputError, match="labels must have shape"):
        evaluate_classifier(model, encoded, labels[:3])
