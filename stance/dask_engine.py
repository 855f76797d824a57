"""Classifying on a Dask cluster: ``stance classify --engine dask [--scheduler ADDRESS]``.

Needs the ``dask`` extra (``pip install 'stance[dask]'``); this module is imported only when
that engine is asked for, so ``stance --help`` and the local engine never import Dask.

* Without ``--scheduler`` a :class:`distributed.LocalCluster` starts: ``--jobs`` worker processes
  of one thread each, listening on the loopback interface only (127.0.0.1), no dashboard.
  With ``--scheduler tcp://host:8786`` the client connects to that cluster instead; stance (same
  version) must be installed on its workers.
* The model travels once per worker: a worker plugin carries the model directory's files (a few
  MB), and each worker writes them to a temporary directory and loads them there, with the usual
  card and checksum checks. So workers need no shared file system and no copy of the model.
* Documents are cut into the same chunks as the local engine's and submitted with at most two
  chunks in flight per worker thread; the client writes results in chunk order as they
  arrive. The output is byte for byte the local engine's.

To use the model inside your own Dask pipeline instead, see :func:`classify_partition`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from stance.classification import ChunkResult, ClassifyOptions, classify_chunk, classify_documents
from stance.corpus import Document
from stance.parallel import WINDOW_PER_WORKER, _documents, _slim, chunk_documents, ordered_map

PLUGIN_NAME = "stance-model"
INSTALL_HINT = "pip install 'stance[dask]'"

try:  # the base class is needed at class-definition time; without dask, a stand-in
    from distributed.diagnostics.plugin import WorkerPlugin as _PluginBase
except ImportError:  # pragma: no cover - checked by require_dask()
    _PluginBase = object


def require_dask() -> None:
    """Raise ImportError with the install command when dask.distributed is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the dask engine needs dask.distributed: {INSTALL_HINT}") from exc


class ModelPlugin(_PluginBase):
    """A worker plugin that carries a model directory's files and loads the model on each worker."""

    name = PLUGIN_NAME

    def __init__(self, model_dir: str | Path, options: ClassifyOptions):
        model_dir = Path(model_dir)
        self.files = {p.name: p.read_bytes() for p in sorted(model_dir.iterdir()) if p.is_file()}
        self.options = options
        self.model = None
        self._dir: str | None = None

    def setup(self, worker=None):
        from stance.inference import load_model

        self._dir = tempfile.mkdtemp(prefix="stance-model-")
        for name, data in self.files.items():
            Path(self._dir, name).write_bytes(data)
        self.model = load_model(self._dir)

    def teardown(self, worker=None):
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)


def _work(rows: list[tuple]) -> ChunkResult:
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    return classify_chunk(plugin.model, _documents(rows), plugin.options)


def run_dask(documents: Iterable[Document], model, options: ClassifyOptions, *,
             scheduler: str | None = None, jobs: int = 1,
             chunks: Iterable[list[Document]] | None = None) -> Iterator[ChunkResult]:
    """Classify on a Dask cluster; yield chunk results in input order (as :func:`run_local`)."""
    require_dask()
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        client.register_plugin(ModelPlugin(model.path, options), name=PLUGIN_NAME)
        client.wait_for_workers(1)
        threads = max(1, sum(client.nthreads().values()))
        chunks = chunks if chunks is not None else chunk_documents(documents)
        yield from ordered_map(lambda chunk: client.submit(_work, _slim(chunk), pure=False), chunks,
                               window=WINDOW_PER_WORKER * threads)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def classify_partition(texts, ids=None, *, model=None, all_sentences: bool = False,
                       min_confidence: float = 0.0) -> list[dict]:
    """Records for a partition of texts: for ``bag.map_partitions`` or a DataFrame's.

    ``texts`` is any iterable of str (a list, a pandas Series); ``ids`` the documents' ids
    (default: their position in the partition). The default model is loaded once per worker
    process and reused by every partition that process runs.
    """
    from stance.inference import _default_model

    model = model or _default_model()
    texts = list(texts)
    ids = [str(i) for i in (ids if ids is not None else range(len(texts)))]
    documents = [Document(id=i, text=t, path="") for i, t in zip(ids, texts, strict=True)]
    return list(classify_documents(documents, model, all_sentences=all_sentences,
                                   min_confidence=min_confidence))
