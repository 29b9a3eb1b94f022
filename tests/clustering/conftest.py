import numpy as np
import pytest

from tests.clustering.corpus import TEXTS


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The real model, loaded once per test session (quantised ONNX route, exported into a temp folder)."""
    from clustering.embed import OnnxEmbedder

    return OnnxEmbedder(cache_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def corpus_vectors(embedder) -> np.ndarray:
    return embedder.embed(TEXTS)
