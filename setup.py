"""Install the charseg, classifier and pipeline packages and the `captcha-cnn` command.

All version pins of the project live here.
"""

from setuptools import find_packages, setup

setup(
    name="captcha-cnn",
    version="0.1.0",
    description="Segmentation-first text-captcha reader with a small per-character CNN",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["charseg", "classifier", "pipeline", "pipeline.*"]),
    python_requires=">=3.10",
    install_requires=[
        "numpy>=1.26",
        "opencv-python-headless>=4.8",
        "scikit-image>=0.22",
        "pillow>=10",
        "imutils>=0.5",
        "tensorflow-cpu==2.21.0",
        "keras>=3.6,<4",
        "tqdm>=4.60",
        "matplotlib>=3.7",
        # Reading runs the CNN through ONNX Runtime; tf2onnx converts it when a model is saved.
        "onnxruntime>=1.18",
        "onnx>=1.16",
        "tf2onnx==1.17.0",
    ],
    extras_require={
        "test": ["pytest>=8", "ruff>=0.6", "hypothesis>=6", "mypy>=1.10"],
        # Peers for benchmarks/. rapidocr_onnxruntime==1.4.4 itself is installed without its
        # dependencies by `make bench-peers` (it requires opencv-python, a second cv2); these
        # are the others it needs.
        "bench": ["ddddocr==1.6.1", "pyclipper>=1.3", "shapely>=2.0", "PyYAML>=6", "six>=1.16"],
    },
    entry_points={"console_scripts": ["captcha-cnn=pipeline.cli:main"]},
)
