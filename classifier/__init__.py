"""Window classifiers: networks that score windows of text strips, their registry, training,
augmentation and self-describing model files.

Importing the package (or `classifier.config`) does not import TensorFlow; the modules that
need it do, on first use of one of their names.
"""

from typing import TYPE_CHECKING

from charseg.lazy import lazy_exports

from .config import AugmentConfig, ModelConfig, TrainConfig, WindowSpec
from .errors import ModelFileError

if TYPE_CHECKING:
    from .augment import augment_strip
    from .batches import StripBatches
    from .loading import RUNTIMES, load_classifier
    from .model_file import (
        FORMAT_VERSION,
        load_model_file,
        load_network,
        read_metadata,
        save_model_file,
        save_network,
    )
    from .networks import NETWORKS, build_network
    from .onnx_runtime import OnnxClassifier, OnnxForward, sharing_cores, to_onnx
    from .quantize import int8_graph
    from .strip_net import FusedBatchNormalization, WindowSample
    from .train import fit_windows, set_random_seed
    from .transfer import transfer_weights
    from .window_classifier import WindowClassifier
    from .window_scoring import padded_width
    from .windows import bad_windows, training_windows

__getattr__ = lazy_exports(
    __name__,
    {
        "augment_strip": ".augment",
        "StripBatches": ".batches",
        "bad_windows": ".windows",
        "training_windows": ".windows",
        "set_random_seed": ".train",
        "FORMAT_VERSION": ".model_file",
        "load_model_file": ".model_file",
        "read_metadata": ".model_file",
        "save_model_file": ".model_file",
        "load_network": ".model_file",
        "save_network": ".model_file",
        "NETWORKS": ".networks",
        "build_network": ".networks",
        "FusedBatchNormalization": ".strip_net",
        "WindowSample": ".strip_net",
        "fit_windows": ".train",
        "transfer_weights": ".transfer",
        "RUNTIMES": ".loading",
        "OnnxClassifier": ".onnx_runtime",
        "OnnxForward": ".onnx_runtime",
        "to_onnx": ".onnx_runtime",
        "int8_graph": ".quantize",
        "sharing_cores": ".onnx_runtime",
        "WindowClassifier": ".window_classifier",
        "load_classifier": ".loading",
        "padded_width": ".window_scoring",
    },
)

__all__ = [
    "AugmentConfig",
    "FORMAT_VERSION",
    "FusedBatchNormalization",
    "ModelConfig",
    "ModelFileError",
    "NETWORKS",
    "OnnxClassifier",
    "OnnxForward",
    "RUNTIMES",
    "StripBatches",
    "TrainConfig",
    "WindowClassifier",
    "WindowSample",
    "WindowSpec",
    "augment_strip",
    "bad_windows",
    "build_network",
    "fit_windows",
    "int8_graph",
    "load_classifier",
    "load_model_file",
    "load_network",
    "padded_width",
    "read_metadata",
    "save_model_file",
    "save_network",
    "set_random_seed",
    "sharing_cores",
    "training_windows",
    "to_onnx",
    "transfer_weights",
]
