import json

import pytest
import torch
from transformers import GPT2Config, GPT2Model, PreTrainedTokenizerFast

from qlens_q.exceptions import InvalidInputError, WeightsNotFoundError
from qlens_q.model import load_embeddings


@pytest.fixture(scope="module")
def minilm():
    return load_embeddings("minilm")


def test_minilm_shapes(minilm):
    assert minilm.name == "minilm"
    assert minilm.token_embeddings.shape == (30522, 384)
    assert minilm.position_embeddings.shape == (512, 384)
    assert minilm.d_emb == 384
    assert minilm.token_embeddings.dtype == torch.float32
    assert not minilm.token_embeddings.requires_grad
    assert minilm.tokenizer.cls_token == "[CLS]"


def test_unknown_name_lists_choices():
    with pytest.raises(InvalidInputError, match="name must be one of minilm, gpt2; got 'bert'"):
        load_embeddings("bert")


def test_minilm_bad_path(tmp_path):
    with pytest.raises(WeightsNotFoundError, match="--embeddings-path DIR"):
        load_embeddings("minilm", tmp_path)


def test_gpt2_missing_path_names_option(tmp_path):
    with pytest.raises(WeightsNotFoundError, match="--embeddings-path DIR"):
        load_embeddings("gpt2", tmp_path / "absent")


def save_tiny_gpt2(folder):
    """A 1-layer random GPT-2 and a word-level tokenizer, saved without the hub."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {word: i for i, word in enumerate(["<|endoftext|>", "the", "park", "is", "nice"])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<|endoftext|>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|endoftext|>")
    tokenizer.save_pretrained(folder)
    config = GPT2Config(n_layer=1, n_head=2, n_embd=16, n_positions=32, vocab_size=len(vocab))
    GPT2Model(config).save_pretrained(folder)
    # Keep the generic fast tokenizer class rather than GPT-2's BPE one.
    config_path = folder / "tokenizer_config.json"
    settings = json.loads(config_path.read_text())
    settings["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(settings))


def test_gpt2_from_saved_folder(tmp_path):
    save_tiny_gpt2(tmp_path)

    embeddings = load_embeddings("gpt2", tmp_path)

    assert embeddings.token_embeddings.shape == (5, 16)
    assert embeddings.position_embeddings.shape == (32, 16)
    assert embeddings.tokenizer.pad_token == "<|endoftext|>"
    assert embeddings.tokenizer("the park", add_special_tokens=False)["input_ids"] == [1, 2]
