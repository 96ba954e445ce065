"""Training a reader from whole-string labels: alignment rounds, calibration, checkpoints,
synthetic pretraining."""

from .alignment import align_all, count_changed, learn_bounds, learn_widths, relative_cut_widths
from .calibration import choose_decode_weight, decode_texts
from .checkpoint import Checkpoint, CheckpointError, TrainingState, fingerprint
from .cleaning import choose_cleaning, choose_extent, with_cleaning
from .precision import choose_int8
from .pretrain import DEFAULT_ALPHABET, DEFAULT_COUNT, PRETRAIN_STYLES, pretrain, synthetic_corpus
from .rounds import RoundReport, TrainingResult, round_epochs, run_rounds
from .self_training import (
    SelfTraining,
    confident_threshold,
    relative_scores,
    self_train,
    symbol_log_medians,
)
from .train import train_reader

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "DEFAULT_ALPHABET",
    "DEFAULT_COUNT",
    "PRETRAIN_STYLES",
    "RoundReport",
    "SelfTraining",
    "TrainingResult",
    "TrainingState",
    "align_all",
    "choose_cleaning",
    "choose_extent",
    "choose_int8",
    "confident_threshold",
    "choose_decode_weight",
    "count_changed",
    "decode_texts",
    "fingerprint",
    "learn_bounds",
    "learn_widths",
    "pretrain",
    "relative_cut_widths",
    "round_epochs",
    "run_rounds",
    "relative_scores",
    "self_train",
    "symbol_log_medians",
    "synthetic_corpus",
    "train_reader",
    "with_cleaning",
]
