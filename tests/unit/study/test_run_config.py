import pytest

from qlens_q.exceptions import InvalidInputError
from qlens_q.study import load_config


def test_defaults_are_the_study_configuration():
    config = load_config()

    assert (config.model.d_model, config.model.d_ff, config.model.num_heads) == (12, 48, 4)
    assert config.train.epochs == 12
    assert config.circuits.shots == 8192
    assert config.task == "sentiment"


def test_toml_selects_a_wider_model(tmp_path):
    path = tmp_path / "wide.toml"
    path.write_text("[model]\nd_model = 128\nd_ff = 512\n\n[train]\nepochs = 10\n")

    config = load_config(path)

    assert (config.model.d_model, config.model.d_ff, config.train.epochs) == (128, 512, 10)


def test_shipped_configs_load():
    from importlib.resources import files

    for name in ("study.toml", "wide.toml"):
        load_config(files("qlens_q") / "configs" / name)


def test_overrides_win_over_the_file_and_none_is_skipped(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("seed = 3\n[circuits]\nshots = 100\n")

    config = load_config(path, seed=None, shots=500, task="aspect")

    assert (config.seed, config.circuits.shots, config.task) == (3, 500, "aspect")


def test_quick_variant_keeps_the_model_and_shrinks_the_work():
    full, quick = load_config(), load_config(quick=True)

    assert quick.quick and quick.model == full.model
    assert quick.train.epochs <= full.train.epochs
    assert quick.analysis.num_permutations < full.analysis.num_permutations


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[model]\nd_modle = 3\n", r"d_modle"),
        ("colour = 'red'\n", r"unknown key\(s\) \['colour'\].*valid keys"),
        ("task = 'vision'\n", r"task must be one of \('sentiment', 'aspect'\); got 'vision'"),
        ("[circuits]\nshots = 0\n", r"shots must be a positive integer; got 0"),
        ("[analysis]\nalpha = -1.0\n", r"alpha must be > 0; got -1.0"),
        ("[fit]\nparametrisations = ['cayley']\n", r"parametrisations must be drawn from"),
        ("[model\n", r"not valid TOML"),
    ],
)
def test_bad_config_files_name_the_problem(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)

    with pytest.raises(InvalidInputError, match=match):
        load_config(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(InvalidInputError, match=r"config file .*nope.toml does not exist"):
        load_config(tmp_path / "nope.toml")


def test_an_explicit_shots_flag_wins_over_quick_mode():
    assert load_config(quick=True, shots=8192).circuits.shots == 8192
    assert load_config(quick=True).circuits.shots == 2048


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "3", True])
def test_bad_seeds_are_rejected_by_name(seed):
    with pytest.raises(InvalidInputError, match=r"seed must be an integer in \[0, 4294967296\)"):
        load_config(seed=seed)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[model]\nd_model = "twelve"\n', r"\[model\] d_model must be an integer; got 'twelve'"),
        ("[train]\nlearning_rate = 'fast'\n", r"\[train\] learning_rate must be a number"),
        ("[circuits]\nshots = 1.5\n", r"\[circuits\] shots must be an integer; got 1.5"),
        ("[fit]\nks = 3\n", r"\[fit\] ks must be a list; got 3"),
        ("[fit]\nmax_epochs = 'many'\n", r"\[fit\] max_epochs must be an integer"),
        ("seed = 'zero'\n", r"seed must be an integer; got 'zero'"),
        ("[analysis]\nalpha = true\n", r"\[analysis\] alpha must be a number; got True"),
    ],
)
def test_wrongly_typed_values_name_the_key(tmp_path, text, match):
    path = tmp_path / "typed.toml"
    path.write_text(text)

    with pytest.raises(InvalidInputError, match=match):
        load_config(path)


def test_a_float_key_accepts_an_integer(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[analysis]\nalpha = 2\n")

    assert load_config(path).analysis.alpha == 2
