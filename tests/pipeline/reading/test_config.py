import dataclasses
import json

import pytest

from charseg import CleanConfig, SegmentConfig, StripConfig
from classifier import AugmentConfig, ModelConfig
from pipeline.reading import ReaderConfig, WidthLearning, config_from_dict


def test_every_nested_setting_survives_json():
    config = ReaderConfig(
        segment=SegmentConfig(
            clean=CleanConfig(binarizer="sauvola", ink_floor=0.2, denoise=5),
            strip=StripConfig(height=24, margin=0.1),
            min_gap=3,
            thin_edges=0.3,
        ),
        model=ModelConfig(filters=(8, 16), context=0.5),
        augment=AugmentConfig(lines=0.0),
        widths=WidthLearning(quantiles=(0.01, 0.99), prior_count=2.0),
        decode_weights=(0.0, 2.0),
        refine_rate=0.25,
        seed=7,
    )
    again = config_from_dict(json.loads(json.dumps(dataclasses.asdict(config))))
    assert again == config


def test_a_model_file_from_before_thin_edge_cuts_reads_without_them():
    saved = dataclasses.asdict(ReaderConfig(segment=SegmentConfig(thin_edges=0.3)))
    del saved["segment"]["thin_edges"]
    assert config_from_dict(saved).segment.thin_edges == 0.0


def test_settings_are_checked_where_they_are_made():
    with pytest.raises(ValueError, match="rounds"):
        ReaderConfig(rounds=0)
    with pytest.raises(ValueError, match="settled"):
        ReaderConfig(settled=1.0)
    with pytest.raises(ValueError, match="min_rel_width"):
        SegmentConfig(min_rel_width=1.5)
    with pytest.raises(ValueError, match="height"):
        StripConfig(height=6)
    with pytest.raises(ValueError, match="thin_edges"):
        SegmentConfig(thin_edges=1.5)
