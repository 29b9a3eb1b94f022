"""The theme pipeline: contributions in, labelled themes and draft foundations out.

Pure: imports nothing from the web app. See docs/themes.md.
"""

from clustering.align import Alignment, CuratedTheme, align
from clustering.assign import assign, nearest
from clustering.cache import EmbeddingCache, MemoryCache, SqliteCache
from clustering.embed import CachedEmbedder, Embedder, ModelNotInstalledError, OnnxEmbedder, TorchEmbedder
from clustering.pipeline import Pipeline, PipelineParams
from clustering.results import UNTHEMED, Foundation, RunResult, RunStatus, Theme

__all__ = [
    "UNTHEMED",
    "Alignment",
    "CachedEmbedder",
    "CuratedTheme",
    "Embedder",
    "EmbeddingCache",
    "Foundation",
    "MemoryCache",
    "ModelNotInstalledError",
    "OnnxEmbedder",
    "Pipeline",
    "PipelineParams",
    "RunResult",
    "RunStatus",
    "SqliteCache",
    "Theme",
    "TorchEmbedder",
    "align",
    "assign",
    "nearest",
]
