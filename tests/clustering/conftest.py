import numpy as np
import pytest

from tests.clustering.corpus import TEXTS


@pytest.fixture(scope="session")
def embedder():
    """The real model, loaded once per test session: the default quantised ONNX route. Its one-off export
    lands in the model cache folder (CROWD_MODEL_CACHE, else ~/.cache/crowd), so only a machine's first
    run pays for it."""
    from clustering.embed import OnnxEmbedder

    return OnnxEmbedder()


@pytest.fixture(scope="session")
def corpus_vectors(embedder) -> np.ndarray:
    return embedder.embed(TEXTS)
