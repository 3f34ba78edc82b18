"""Configuration of a study run: what ``qlens-q run`` reads from flags and a TOML file."""

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from qlens_q.exceptions import InvalidInputError
from qlens_q.model.config import ModelConfig, TrainConfig

Task = Literal["sentiment", "aspect"]
TASKS: tuple[str, ...] = ("sentiment", "aspect")
PARAMETRISATIONS: tuple[str, ...] = ("householder", "exponential", "orthogonal")
#: Seeds go to numpy, torch and Aer; all accept integers below 2**32.
MAX_SEED = 2**32


@dataclass(frozen=True)
class AnalysisConfig:
    """Settings of the per-example (Table 1) analysis.

    Attributes:
        alpha: time step of ``U = exp(-i alpha H)``; only the Hamiltonians' scale depends on it.
        num_permutations: permutations per test. 9,999 gives the study's p-value resolution
            (its smallest reported p is 0.0001).
        num_resamples: resamples of the distance-correlation independence test.
    """

    alpha: float = 1.0
    num_permutations: int = 9999
    num_resamples: int = 1000


@dataclass(frozen=True)
class CircuitConfig:
    """Settings of the circuit runs on Aer.

    Attributes:
        shots: shots per circuit in the sampling run.
        num_exported: how many test examples are exported as OpenQASM 3.
        chi2_alpha: significance level of the per-example chi-square goodness-of-fit test.
    """

    shots: int = 8192
    num_exported: int = 3
    chi2_alpha: float = 0.01


@dataclass(frozen=True)
class FitConfig:
    """Settings of the fitted-operator analysis (one unitary per layer across inputs).

    Attributes:
        parametrisations: which parametrisations to fit; each gets a row in the report.
        num_reflections: reflections of the Householder-product fit; ``None`` means N.
        ks: the K values of the fidelity-vs-K curve; ``None`` means 1, 2, 4, ... up to N.
        max_epochs: upper bound on optimisation epochs (early stopping usually ends sooner).
        validation_fraction: share of the train split held out for early stopping.
        num_restarts: independent starts per fit, the best on validation kept; more than one
            guards against the local minima that would understate a shared operator.
    """

    parametrisations: tuple[str, ...] = PARAMETRISATIONS
    num_reflections: int | None = None
    ks: tuple[int, ...] | None = None
    max_epochs: int | None = None
    validation_fraction: float = 0.1
    num_restarts: int = 3


@dataclass(frozen=True)
class RunConfig:
    """Everything that fixes the numbers of a run; with the seed it fixes them exactly."""

    task: Task = "sentiment"
    seed: int = 0
    embeddings: str = "minilm"
    lens_translator: Literal["bias", "affine"] = "bias"
    quick: bool = False
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    circuits: CircuitConfig = field(default_factory=CircuitConfig)
    fit: FitConfig = field(default_factory=FitConfig)

    def __post_init__(self) -> None:
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int)
            or not (0 <= self.seed < MAX_SEED)
        ):
            raise InvalidInputError(
                f"seed must be an integer in [0, {MAX_SEED}); got {self.seed!r}"
            )
        if self.task not in TASKS:
            raise InvalidInputError(f"task must be one of {TASKS}; got {self.task!r}")
        if self.lens_translator not in ("bias", "affine"):
            raise InvalidInputError(
                f"lens_translator must be 'bias' or 'affine'; got {self.lens_translator!r}"
            )
        if not self.analysis.alpha > 0:
            raise InvalidInputError(f"analysis.alpha must be > 0; got {self.analysis.alpha}")
        for name in ("num_permutations", "num_resamples"):
            if getattr(self.analysis, name) < 1:
                raise InvalidInputError(f"analysis.{name} must be >= 1")
        if isinstance(self.circuits.shots, bool) or not isinstance(self.circuits.shots, int):
            raise InvalidInputError(
                f"shots must be a positive integer; got {self.circuits.shots!r}"
            )
        if self.circuits.shots <= 0:
            raise InvalidInputError(f"shots must be a positive integer; got {self.circuits.shots}")
        if self.fit.num_restarts < 1:
            raise InvalidInputError(f"fit.num_restarts must be >= 1; got {self.fit.num_restarts}")
        if self.circuits.num_exported < 0:
            raise InvalidInputError("circuits.num_exported must be >= 0")
        unknown = set(self.fit.parametrisations) - set(PARAMETRISATIONS)
        if unknown:
            raise InvalidInputError(
                f"fit.parametrisations must be drawn from {PARAMETRISATIONS}; got {sorted(unknown)}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain JSON-ready data (for report.json)."""
        return dataclasses.asdict(self)

    def quick_variant(self) -> "RunConfig":
        """A small, fast variant for smoke tests: same data and model, fewer steps everywhere.

        Data counts, the model's shape and the full test split are kept so the checks that
        matter (counts, statevector agreement) still run on real input.
        """
        train = dataclasses.replace(
            self.train,
            epochs=min(self.train.epochs, 6),
            lens_epochs=min(self.train.lens_epochs, 20),
        )
        return dataclasses.replace(
            self,
            quick=True,
            train=train,
            analysis=dataclasses.replace(self.analysis, num_permutations=199, num_resamples=199),
            circuits=dataclasses.replace(self.circuits, shots=min(self.circuits.shots, 2048)),
            fit=dataclasses.replace(
                self.fit,
                max_epochs=min(self.fit.max_epochs or 60, 60),
                ks=self.fit.ks or (1, 2),
                num_restarts=1,
            ),
        )


_SECTIONS = {
    "model": ModelConfig,
    "train": TrainConfig,
    "analysis": AnalysisConfig,
    "circuits": CircuitConfig,
    "fit": FitConfig,
}
_TOP_LEVEL = ("task", "seed", "embeddings", "lens_translator")


def _section(cls: type, values: dict[str, Any], section: str) -> Any:
    if not isinstance(values, dict):
        raise InvalidInputError(f"[{section}] must be a TOML table; got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise InvalidInputError(
            f"unknown key(s) {unknown} in [{section}]; valid keys are {sorted(fields)}"
        )
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    for key, value in values.items():
        _check_type(f"[{section}] {key}", value, _default(fields[key]))
    return cls(**values)


def _default(field: dataclasses.Field) -> Any:
    """An example value of the field's type: its default, or for optional fields a stand-in."""
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    if field.default is not None and field.default is not dataclasses.MISSING:
        return field.default
    # Optional fields (default None): take the type from the annotation, e.g. int | None.
    for option in typing.get_args(field.type):
        if option is int:
            return 0
        if typing.get_origin(option) is tuple:
            return ()
    return None


def _check_type(name: str, value: Any, default: Any) -> None:
    """TOML values must have the type of the field's default (an int is fine for a float)."""
    if default is None or value is None:
        return
    if isinstance(default, bool):
        expected, ok = "true or false", isinstance(value, bool)
    elif isinstance(default, int):
        expected, ok = "an integer", isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        expected = "a number"
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        expected, ok = "a string", isinstance(value, str)
    elif isinstance(default, tuple):
        expected, ok = "a list", isinstance(value, tuple)
    else:
        return
    if not ok:
        raise InvalidInputError(f"{name} must be {expected}; got {value!r}")


def load_config(path: str | Path | None = None, **overrides: Any) -> RunConfig:
    """Read a run configuration from a TOML file, then apply ``overrides`` (``None`` skipped).

    The file has optional top-level keys ``task``, ``seed``, ``embeddings`` and
    ``lens_translator`` and optional tables ``[model]``, ``[train]``, ``[analysis]``,
    ``[circuits]`` and ``[fit]`` whose keys are the fields of the matching dataclasses.

    Raises:
        InvalidInputError: the file is missing, is not valid TOML or has unknown keys.
    """
    raw: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidInputError(f"config file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"config file {path} cannot be read: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInputError(f"config file {path} is not valid TOML: {exc}") from exc

    unknown = sorted(set(raw) - set(_SECTIONS) - set(_TOP_LEVEL))
    if unknown:
        raise InvalidInputError(
            f"unknown key(s) {unknown} in config file; valid keys are "
            f"{sorted(_TOP_LEVEL)} and tables {sorted(_SECTIONS)}"
        )
    kwargs: dict[str, Any] = {k: raw[k] for k in _TOP_LEVEL if k in raw}
    for key, value in kwargs.items():
        _check_type(key, value, getattr(RunConfig, key))
    for section, cls in _SECTIONS.items():
        if section in raw:
            kwargs[section] = _section(cls, raw[section], section)
    config = RunConfig(**kwargs)

    # Quick mode shrinks the defaults first, so that an explicit flag (--shots) still wins.
    shots = overrides.pop("shots", None)
    config = dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})
    if config.quick:
        config = config.quick_variant()
    if shots is not None:
        config = dataclasses.replace(
            config, circuits=dataclasses.replace(config.circuits, shots=shots)
        )

    return config
