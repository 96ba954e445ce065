import pytest

import classifier
import pipeline


def test_lazy_packages_import_a_name_on_first_use_and_refuse_unknown_ones():
    assert pipeline.SynthConfig().width == 160  # loaded from pipeline.data on first use
    assert "SynthConfig" in pipeline.__all__ and "WindowClassifier" in classifier.__all__
    with pytest.raises(AttributeError, match="'pipeline' has no attribute 'GlyphClassifier'"):
        pipeline.GlyphClassifier  # noqa: B018
    with pytest.raises(AttributeError, match="'classifier' has no attribute 'build_model'"):
        classifier.build_model  # noqa: B018


def test_every_exported_name_resolves():
    for package in (pipeline, classifier):
        for name in package.__all__:
            assert getattr(package, name) is not None, name
