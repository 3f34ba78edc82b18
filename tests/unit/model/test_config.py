import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.model import ModelConfig, TrainConfig


def test_defaults_are_the_study_configuration():
    model, train = ModelConfig(), TrainConfig()

    assert (model.d_model, model.d_ff, model.num_heads, model.num_classes) == (12, 48, 4, 2)
    assert train.epochs == 12


@pytest.mark.parametrize("cls", [ModelConfig, TrainConfig])
def test_from_dict_round_trip(cls):
    config = cls()

    assert cls.from_dict(config.__dict__.copy()) == config
    assert cls.from_dict({}) == config


@pytest.mark.parametrize("cls", [ModelConfig, TrainConfig])
def test_from_dict_rejects_unknown_keys_listing_valid_ones(cls):
    with pytest.raises(InvalidInputError, match=r"keys must be among .*; got unknown \['bogus'\]"):
        cls.from_dict({"bogus": 1})


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"d_model": 10, "num_heads": 4}, "divisible by num_heads=4; got 10"),
        ({"dropout": 1.0}, r"dropout must be in \[0, 1\); got 1.0"),
        ({"pooling": "max"}, "pooling must be one of mean, cls; got 'max'"),
        ({"max_length": 1}, "max_length must be > 0"),
    ],
)
def test_model_config_validation(values, match):
    with pytest.raises(InvalidInputError, match=match):
        ModelConfig.from_dict(values)


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"epochs": 0}, "TrainConfig.epochs must be > 0; got 0"),
        ({"learning_rate": -1.0}, "learning_rate must be > 0"),
        ({"weight_decay": -0.1}, "weight_decay must be >= 0"),
        ({"warmup_fraction": 1.0}, "warmup_fraction must be in"),
    ],
)
def test_train_config_validation(values, match):
    with pytest.raises(InvalidInputError, match=match):
        TrainConfig.from_dict(values)


def test_from_dict_rejects_non_mapping():
    with pytest.raises(InvalidInputError, match="must be a dict"):
        TrainConfig.from_dict([("epochs", 1)])
