"""The theme pipeline: embed -> reduce -> cluster -> represent -> draft foundations.

Pure: texts and ids in, a ``RunResult`` out. Each stage is a replaceable object; parameters left as None
adapt to the corpus size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from clustering.cluster import Clusterer, HdbscanClusterer, centroids, reassign_noise, secondary_themes
from clustering.embed import Embedder, Progress
from clustering.foundations import candidate_foundations
from clustering.naming import name_themes
from clustering.reduce import Reducer, UmapReducer
from clustering.refine import refine_boundaries
from clustering.represent import ctfidf_keywords, representatives
from clustering.results import UNTHEMED, RunResult, RunStatus, Theme
from clustering.textprep import is_usable, normalise

StageProgress = Callable[[str, float], None]  # (stage name, fraction of the whole run done)

MIN_CONTRIBUTIONS = 20


@dataclass
class PipelineParams:
    min_contributions: int = MIN_CONTRIBUTIONS
    n_neighbors: int | None = None
    n_components: int = 5
    min_dist: float = 0.0
    min_cluster_size: int | None = None
    min_samples: int | None = None
    selection: str = "eom"
    n_epochs: int | None = 200
    reassign_threshold: float | None = 0.25  # None keeps every noise point unthemed
    refine_core: float | None = 0.95  # theme core share (0.9 from 200 members); None: no refining
    secondary_margin: float = 0.03
    representatives: int = 5
    seed: int = 42

    def cluster_size_for(self, n: int) -> int | None:
        """None: the clusterer chooses the smallest theme size per corpus (see HdbscanClusterer)."""
        return self.min_cluster_size

    def neighbors_for(self, n: int) -> int:
        """UMAP's own default, 15: local enough for many small topics at any corpus size; a corpus under 150
        gets a tenth of itself (at least 5), so a topic of 15 texts in 80 stays local."""
        if self.n_neighbors is not None:
            return self.n_neighbors
        return max(5, min(15, n // 10))

    def samples_for(self, n: int) -> int:
        """HDBSCAN's ``min_samples``, the neighbourhood its density is measured over: 1% of the corpus,
        at least 4 and at most the UMAP neighbourhood (``n_neighbors`` counts the point itself,
        ``min_samples`` does not, hence the - 1). Left to HDBSCAN it would equal the smallest theme size,
        and with sizes as small as 5 a handful of near-identical texts ("Agree with every word of this")
        in a corpus of thousands would be a theme of its own; in a corpus of 200 a topic of 10 still is."""
        if self.min_samples is not None:
            return self.min_samples
        return max(4, min(self.neighbors_for(n) - 1, n // 100))


class Pipeline:
    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        reducer: Reducer | None = None,
        clusterer: Clusterer | None = None,
        params: PipelineParams | None = None,
    ) -> None:
        self.embedder = embedder
        self.reducer = reducer
        self.clusterer = clusterer
        self.params = params or PipelineParams()

    def _embedder(self) -> Embedder:
        if self.embedder is None:
            from clustering.embed import default_embedder

            self.embedder = default_embedder()
        return self.embedder

    def effective_params(self, n: int) -> dict[str, object]:
        values = asdict(self.params)
        values["n_neighbors"] = self.params.neighbors_for(n)
        values["min_cluster_size"] = self.params.cluster_size_for(n)
        values["min_samples"] = self.params.samples_for(n)
        values["reducer"] = type(self.reducer).__name__ if self.reducer else "UmapReducer"
        values["clusterer"] = type(self.clusterer).__name__ if self.clusterer else "HdbscanClusterer"
        return values

    def run(
        self,
        *,
        texts: Sequence[str],
        ids: Sequence[str],
        support: Sequence[float] | None = None,
        vectors: np.ndarray | None = None,
        progress: StageProgress | None = None,
        authors: Sequence[str | None] | None = None,
    ) -> RunResult:
        """``authors`` (optional, one per text): who wrote each text, so names and quotes count people."""
        if len(texts) != len(ids):
            raise ValueError(f"{len(texts)} texts but {len(ids)} ids")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        started, started_cpu = time.perf_counter(), time.process_time()
        report = progress or (lambda stage, done: None)
        timings: dict[str, float] = {}
        cleaned = [normalise(t) for t in texts]
        keep = [i for i, t in enumerate(cleaned) if is_usable(t)]
        kept = set(keep)
        skipped = [str(ids[i]) for i in range(len(ids)) if i not in kept]
        kept_ids = [str(ids[i]) for i in keep]
        kept_texts = [cleaned[i] for i in keep]
        n = len(keep)
        params = self.effective_params(n)
        model_name = self.embedder.name if self.embedder is not None else "default"
        if n < self.params.min_contributions:
            return RunResult(
                status=RunStatus.NOT_ENOUGH_CONTRIBUTIONS,
                message=f"Not enough contributions to find themes: {n} usable, at least "
                f"{self.params.min_contributions} needed.",
                model_name=model_name,
                params=params,
                timings={"total": time.perf_counter() - started},
                assignments={i: UNTHEMED for i in kept_ids},
                skipped_ids=skipped,
                n_contributions=n,
            )

        t = time.perf_counter()
        if vectors is None:
            embedder = self._embedder()
            model_name = embedder.name
            unique = list(dict.fromkeys(kept_texts))
            on_embed: Progress = lambda done, total: report("embed", 0.6 * done / max(total, 1))  # noqa: E731
            found = embedder.embed(unique, progress=on_embed)
            row = {text: i for i, text in enumerate(unique)}
            matrix = found[[row[text] for text in kept_texts]]
        else:
            matrix = np.asarray(vectors, dtype=np.float32)[keep]
            model_name = self.embedder.name if self.embedder is not None else "precomputed"
        matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        timings["embed"] = time.perf_counter() - t
        report("reduce", 0.6)

        t = time.perf_counter()
        reducer = self.reducer or UmapReducer(
            n_neighbors=int(params["n_neighbors"]),
            n_components=self.params.n_components,
            min_dist=self.params.min_dist,
            seed=self.params.seed,
            n_epochs=self.params.n_epochs,
        )
        # one point per distinct vector: a text repeated more often than UMAP has neighbours is otherwise a
        # graph of its own, and the spectral start of a graph in pieces is not reproducible (ARPACK's own
        # random restarts); the copies rejoin at their text's point, so the clusterer still counts them
        distinct, copies = _distinct_rows(matrix)
        points = reducer.fit_transform(matrix[distinct])[copies]
        timings["reduce"] = time.perf_counter() - t
        report("cluster", 0.85)

        t = time.perf_counter()
        clusterer = self.clusterer or HdbscanClusterer(
            min_cluster_size=self.params.cluster_size_for(n),
            min_samples=self.params.samples_for(n),
            selection=self.params.selection,
            seed=self.params.seed,
        )
        labels = _renumber(clusterer.fit_predict(points))
        if params["min_cluster_size"] is None:
            params["min_cluster_size"] = getattr(clusterer, "chosen_min_cluster_size", None)
        if self.params.reassign_threshold is not None:
            labels = reassign_noise(vectors=matrix, labels=labels, threshold=self.params.reassign_threshold)
        if self.params.refine_core is not None:
            labels = refine_boundaries(
                texts=kept_texts, vectors=matrix, labels=labels, core=self.params.refine_core
            )
        timings["cluster"] = time.perf_counter() - t
        report("represent", 0.92)

        t = time.perf_counter()
        kept_authors = [authors[i] for i in keep] if authors is not None else None
        themes, secondary, pool = self._represent(
            kept_ids, kept_texts, matrix, labels, support, keep, kept_authors
        )
        texts_by_id = dict(zip(kept_ids, kept_texts, strict=True))
        foundations = candidate_foundations(
            themes=themes, texts_by_id=texts_by_id, pool=pool, vectors=matrix, labels=labels
        )
        timings["represent"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - started
        timings["total_cpu"] = time.process_time() - started_cpu  # this process's CPU seconds, all threads
        report("done", 1.0)
        message = f"{len(themes)} themes from {n} contributions"
        if not themes:
            message = f"No themes found in {n} contributions: they are too varied or too few."
        return RunResult(
            status=RunStatus.OK,
            message=message,
            model_name=model_name,
            params=params,
            timings=timings,
            themes=themes,
            foundations=foundations,
            assignments=dict(zip(kept_ids, labels.tolist(), strict=True)),
            secondary=secondary,
            skipped_ids=skipped,
            n_contributions=n,
        )

    def _represent(
        self,
        ids: list[str],
        texts: list[str],
        matrix: np.ndarray,
        labels: np.ndarray,
        support: Sequence[float] | None,
        keep: list[int],
        authors: list[str | None] | None = None,
    ):
        scores = np.asarray(support, dtype=float)[keep] if support is not None else None
        keywords = ctfidf_keywords(texts=texts, labels=labels)
        cents = centroids(matrix, labels)
        namings, pool = name_themes(
            texts=texts,
            ids=ids,
            labels=labels,
            vectors=matrix,
            centroids=cents,
            keywords=keywords,
            authors=[a or "" for a in authors] if authors is not None else None,
            support=scores,
            embedder=self.embedder,
        )
        second = secondary_themes(vectors=matrix, labels=labels, margin=self.params.secondary_margin)
        themes = []
        for index, centroid in cents.items():
            rows = np.flatnonzero(labels == index)
            picked = representatives(
                vectors=matrix[rows],
                centroid=centroid,
                texts=[texts[r] for r in rows],
                support=scores[rows] if scores is not None else None,
                count=self.params.representatives,
            )
            themes.append(
                Theme(
                    index=index,
                    label=namings[index].name,
                    keywords=keywords.get(index, []),
                    member_ids=[ids[r] for r in rows],
                    representative_ids=[ids[rows[p]] for p in picked],
                    centroid=centroid,
                    secondary_ids=[ids[r] for r, s in second.items() if s == index],
                    name_options=namings[index].options,
                    description=namings[index].description,
                    description_ids=namings[index].description_ids,
                )
            )
        themes.sort(key=lambda th: -th.size)
        return themes, {ids[r]: s for r, s in second.items()}, pool


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Themes numbered 0.. by decreasing size; noise stays UNTHEMED."""
    sizes = {lab: int((labels == lab).sum()) for lab in set(labels.tolist()) - {UNTHEMED}}
    order = {lab: i for i, lab in enumerate(sorted(sizes, key=lambda lab: (-sizes[lab], lab)))}
    return np.array([order.get(lab, UNTHEMED) for lab in labels.tolist()], dtype=int)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the first copy of each distinct row, in order, and for every row the position of its
    copy among them (``matrix[distinct][copies]`` is ``matrix``)."""
    _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse.reshape(-1)]
