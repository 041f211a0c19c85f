"""The benchmark's corpus generator makes distinct articles, in both input formats, that the build accepts."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from yearbook import pipeline, read

from .conftest import copy_project

ROOT = Path(__file__).resolve().parent.parent
N = 12


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_corpus", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    corpus = _corpus_module()
    dest = tmp_path_factory.mktemp("bench_corpus") / "seeds"
    return dest, corpus.generate(N, dest)


def test_distinct_deterministic_both_formats(generated: tuple[Path, list[Path]], tmp_path: Path) -> None:
    dest, paths = generated
    assert len(paths) == N == len({p.name for p in paths})
    texts = [p.read_bytes() for p in paths]
    assert len({hashlib.sha256(t).digest() for t in texts}) == N
    again = _corpus_module().generate(N, tmp_path / "again")
    assert [p.read_bytes() for p in again] == texts, "the same seed must give the same corpus"
    sources, diagnostics = read.read_seeds(dest)
    assert [d for d in diagnostics if d.level != "info"] == []
    assert len(sources) == N
    assert {s.fmt for s in sources} == {"html", "markdown"}
    assert sum(bool(s.meta) for s in sources) == sum(s.fmt == "html" for s in sources), "HTML inputs keep front matter"
    assert any("京交会" in s.body for s in sources) and any("服贸会" in s.body for s in sources)


def test_build_accepts_and_keeps_every_article(generated: tuple[Path, list[Path]]) -> None:
    dest, _ = generated
    sources, _ = read.read_seeds(dest)
    processed = [pipeline.slim(pipeline._safe_process(s, ROOT)) for s in sources]
    errors = [d for p in processed for d in p.article.diagnostics if d.level == "error"]
    assert errors == []
    kept = pipeline._drop_unusable(processed, [])
    merged, duplicates = pipeline._merge_duplicates(kept, dest, ROOT)
    assert len(merged) == N and duplicates == [], "the duplicate detector must not merge generated articles"
    assert all(p.classification.edition is not None for p in merged), "every article is about an edition"
    assert len({p.classification.edition for p in merged}) > 3


def test_warm_change_rebuilds_the_edited_article_in_the_same_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("bench_main", ROOT / "benchmarks" / "bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_main", bench)  # dataclasses look their module up by name
    spec.loader.exec_module(bench)
    project = copy_project(tmp_path / "p")
    bench.warm_change(project)
    seconds, summary = bench._warm_result(capsys.readouterr().out)
    assert 0 < seconds < 60
    assert "5 published" in summary and " 0 files written" not in summary
    edited = sorted((project / "seeds").iterdir())[5 // 3]
    assert "增设了外语讲解服务" in edited.read_text(encoding="utf-8")
    pages = [p.read_text(encoding="utf-8") for p in (project / "docs" / "articles").rglob("*.md")]
    assert sum("增设了外语讲解服务" in page for page in pages) == 1, "the second build published the edit"
