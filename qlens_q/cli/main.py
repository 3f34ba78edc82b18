"""The ``qlens-q`` command.

``qlens-q run`` reproduces the QLENS Sentihood study end to end; see ``qlens-q run --help``.
Bad input ends the command with a one-line message on stderr and a non-zero exit code
(2 for bad arguments or input, 3 when a numerical check of the run fails, after the report
is written, 1 for anything unexpected), never a traceback; ``--log-level
debug`` shows the traceback of an unexpected error.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from qlens_q import __version__
from qlens_q.exceptions import CheckFailedError, QlensError

logger = logging.getLogger("qlens_q")

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_CHECK_FAILED = 3


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an integer in [0, 2**32); got {text!r}"
        ) from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**32); got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``qlens-q``."""
    parser = argparse.ArgumentParser(
        prog="qlens-q",
        description="Quantum-inspired interpretability of Transformers (QLENS).",
    )
    parser.add_argument("--version", action="version", version=f"qlens-q {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="reproduce the QLENS Sentihood study and run its layers as circuits on Aer",
        description=(
            "Train the one-block Transformer on Sentihood, fit tuned lenses, compute the "
            "study's Table 1, run every test example's layers as circuits on Aer, fit one "
            "operator per layer, and write report.json, report.md, figures and OpenQASM 3."
        ),
    )
    run.add_argument(
        "--task",
        choices=("sentiment", "aspect"),
        default=None,
        help="sentiment (2 classes, 1 qubit; default) or aspect (12 classes, 4 qubits)",
    )
    run.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder with sentihood-{train,dev,test}.json "
        "(default: $QLENS_Q_DATA, else the hub dataset)",
    )
    run.add_argument(
        "--embeddings",
        choices=("minilm", "gpt2"),
        default=None,
        help="frozen pretrained embeddings (default minilm, offline)",
    )
    run.add_argument(
        "--embeddings-path",
        metavar="DIR",
        default=None,
        help="a saved transformers model folder for --embeddings (gpt2 offline)",
    )
    run.add_argument(
        "--config",
        metavar="TOML",
        default=None,
        help="a TOML run configuration (see qlens_q/configs/)",
    )
    run.add_argument(
        "--quick",
        action="store_true",
        default=None,
        help="small, fast variant for smoke tests (fewer epochs, permutations, shots)",
    )
    run.add_argument(
        "--seed", type=_seed, default=None, help="seed of every random choice (default 0)"
    )
    run.add_argument(
        "--shots", type=_positive_int, default=None, help="shots per circuit (default 8192)"
    )
    run.add_argument(
        "--out", metavar="DIR", default=None, help="run folder (default runs/<timestamp>-sentihood)"
    )
    run.add_argument(
        "--export-circuits",
        metavar="DIR",
        default=None,
        help="also export the example circuits' OpenQASM 3 here (e.g. circuits/)",
    )
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    for p in (parser, run):
        p.add_argument(
            "--log-level",
            default="info",
            choices=("debug", "info", "warning", "error"),
            help="logging level",
        )
    return parser


def _run(args: argparse.Namespace) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from qlens_q.study import load_config
    from qlens_q.study.report import summary_table
    from qlens_q.study.run import run_study

    config = load_config(
        args.config,
        task=args.task,
        seed=args.seed,
        embeddings=args.embeddings,
        quick=args.quick,
        shots=args.shots,
    )
    with logging_redirect_tqdm():
        result = run_study(
            config,
            data_dir=args.data,
            embeddings_path=args.embeddings_path,
            out_dir=args.out,
            export_circuits_dir=args.export_circuits,
            progress=not args.no_progress,
        )
    print(summary_table(result.report))
    print(f"\nreport: {result.out_dir / 'report.md'}")
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``qlens-q``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # Hugging Face and Qiskit chatter about every load and transpiler pass; keep them to
    # warnings so that the run's own log stays readable.
    for noisy in ("transformers", "datasets", "huggingface_hub", "urllib3", "httpx", "qiskit"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return _run(args)
    except CheckFailedError as exc:
        print(f"qlens-q: check failed: {_one_line(exc)}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    except QlensError as exc:
        print(f"qlens-q: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("qlens-q: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # One line for the user; the traceback at DEBUG for us.
        logger.debug("unexpected error", exc_info=True)
        print(
            f"qlens-q: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(rerun with --log-level debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
