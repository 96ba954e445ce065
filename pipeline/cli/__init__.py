"""`captcha-cnn`: one command with subcommands for training, evaluation and debugging.

Each subcommand's module is imported only when it runs, so `--help`, `generate` and
`segment` without a model start without TensorFlow or matplotlib.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from charseg import PathError

from .common import UsageError
from .parser import build_parser

__all__ = ["main"]

# Subcommand -> (module in this package, function taking the parsed arguments).
_COMMANDS = {
    "train": (".train", "run_train"),
    "pretrain": (".train", "run_pretrain"),
    "evaluate": (".read", "run_evaluate"),
    "predict": (".read", "run_predict"),
    "segment": (".read", "run_segment"),
    "classify": (".read", "run_classify"),
    "audit": (".audit", "run_audit_command"),
    "generate": (".generate", "run_generate"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; expected failures print one line and return 2."""
    args = build_parser().parse_args(argv)
    module, function = _COMMANDS[args.command]
    try:
        command = getattr(importlib.import_module(module, __name__), function)
        return command(args)
    except (PathError, UsageError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
