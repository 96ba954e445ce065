"""What people look at: segmentation overlays, plots, overlay indexes and audit reports.

Lazy: matplotlib loads only with the plots, not with `draw_overlay`.
"""

from typing import TYPE_CHECKING

from charseg.lazy import lazy_exports

if TYPE_CHECKING:
    from .audit_report import write_audit
    from .overlay import draw_overlay
    from .overlays import write_overlays, write_plots
    from .plots import (
        plot_confusion,
        plot_coverage,
        plot_learning_curve,
        plot_positions,
        plot_training,
    )

__getattr__ = lazy_exports(
    __name__,
    {
        "write_audit": ".audit_report",
        "draw_overlay": ".overlay",
        "write_overlays": ".overlays",
        "write_plots": ".overlays",
        "plot_confusion": ".plots",
        "plot_coverage": ".plots",
        "plot_learning_curve": ".plots",
        "plot_positions": ".plots",
        "plot_training": ".plots",
    },
)

__all__ = [
    "draw_overlay",
    "plot_confusion",
    "plot_coverage",
    "plot_learning_curve",
    "plot_positions",
    "plot_training",
    "write_audit",
    "write_overlays",
    "write_plots",
]
