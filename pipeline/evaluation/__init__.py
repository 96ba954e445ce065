"""Scoring readers: evaluation on labelled datasets and breakability audits."""

from .audit import (
    ABLATIONS,
    QUICK_READER,
    QUICK_SELF_TRAINING,
    AuditConfig,
    AuditPoint,
    AuditReport,
    labels_needed,
    run_audit,
)
from .evaluate import evaluate, read_and_align
from .metrics import (
    Evaluation,
    ImageResult,
    confusion_matrix,
    coverage_curve,
    cuts_agree,
    edit_distance,
    score,
    selective_accuracy,
    text_scores,
)
from .peers import installed_peers, zero_label_scores

__all__ = [
    "ABLATIONS",
    "AuditConfig",
    "AuditPoint",
    "AuditReport",
    "Evaluation",
    "ImageResult",
    "QUICK_READER",
    "QUICK_SELF_TRAINING",
    "confusion_matrix",
    "coverage_curve",
    "cuts_agree",
    "edit_distance",
    "evaluate",
    "installed_peers",
    "labels_needed",
    "read_and_align",
    "run_audit",
    "score",
    "selective_accuracy",
    "text_scores",
    "zero_label_scores",
]
