"""The per-article cache: an unchanged file is not opened, a touched or moved one is not processed again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yearbook import pipeline, read

from .conftest import copy_project, read_tree


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    calls: dict[str, list[str]] = {"read": [], "process": []}
    real_read, real_process = read.read_file, pipeline.process

    def read_file(path: Path, seed_dir: Path):
        calls["read"].append(path.name)
        return real_read(path, seed_dir)

    def process(source, root):
        calls["process"].append(source.path)
        return real_process(source, root)

    monkeypatch.setattr(read, "read_file", read_file)
    monkeypatch.setattr(pipeline, "process", process)
    return calls


def with_copies(project: Path, n: int) -> Path:
    """The project with n more seeds: copies of the five, each made distinct by a last paragraph
    (enough files for the worker pools and for the index to span many shards)."""
    seeds = sorted((project / "seeds").iterdir())
    for i in range(n):
        seed = seeds[i % len(seeds)]
        (project / "seeds" / f"copy{i:02d}-{seed.name}").write_bytes(seed.read_bytes() + f"\n\n第{i}段。\n".encode())
    return project


def test_unchanged_files_are_not_opened(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    assert len(counted["process"]) == 5
    counted["read"].clear(), counted["process"].clear()
    pipeline.build(project, quiet=True)
    assert counted == {"read": [], "process": []}


def test_touched_and_moved_files_are_found_by_content(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    first = read_tree(project / "docs")
    seeds = sorted((project / "seeds").iterdir())
    os.utime(seeds[0], ns=(1, 1))  # same bytes, new mtime
    sub = project / "seeds" / "2022"
    sub.mkdir()
    moved = seeds[1].rename(sub / seeds[1].name)  # same bytes, new path: the content key names the path
    counted["read"].clear(), counted["process"].clear()
    result = pipeline.build(project, quiet=True)
    assert sorted(counted["read"]) == sorted([seeds[0].name, moved.name])
    assert counted["process"] == [f"2022/{moved.name}"]  # the touched file came from the cache
    assert read_tree(project / "docs") == first
    assert len(result.articles) == 5


def test_a_page_removed_from_the_cache_is_made_again(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    project = copy_project(tmp_path / "p")
    result = pipeline.build(project, quiet=True)
    first = read_tree(project / "docs")
    victim = next(p for p in result.articles if p.page_file)
    os.unlink(victim.page_file)
    counted["process"].clear()
    pipeline.build(project, quiet=True)
    assert counted["process"] == [victim.article.path]
    assert read_tree(project / "docs") == first


def test_a_data_change_starts_a_new_cache_and_drops_the_old_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    first = read_tree(project / "docs")

    def caches() -> list[str]:
        return sorted(p.name for p in (project / ".build" / "cache").iterdir() if len(p.name) == 16)

    [old] = caches()
    with (project / "data" / "fair.yml").open("a", encoding="utf-8") as fh:
        fh.write("\n# an editor's note: the cache of the old data is no use any more\n")
    pipeline.build(project, quiet=True)
    [new] = caches()
    assert new != old
    assert read_tree(project / "docs") == first  # published pages survive their cache (hard links)


def test_an_index_written_in_the_background_is_complete(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    """With many shards to write and two cores, a forked child writes the index while the corpus
    stages run; the build waits for it, so the next build opens nothing."""
    project = with_copies(copy_project(tmp_path / "p"), 60)
    pipeline.build(project, quiet=True, jobs=2)
    shards = list(pipeline._cache_dir(project).glob("index-*.pickle"))
    assert len(shards) >= pipeline._INDEX_SHARDS // 4  # enough shards that the child wrote them
    counted["read"].clear(), counted["process"].clear()
    pipeline._HELD.clear()  # as a new process: from the files
    pipeline.build(project, quiet=True, jobs=2)
    assert counted == {"read": [], "process": []}


def test_a_rebuild_in_the_same_process_unpickles_no_index(tmp_path: Path, counted: dict[str, list[str]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve`: the index the last build left is used as it is, and gives what the files would."""
    project = with_copies(copy_project(tmp_path / "p"), 20)
    pipeline.build(project, quiet=True)
    seeds = sorted((project / "seeds").iterdir())
    edited = next(seed for seed in seeds if "。".encode() in seed.read_bytes())  # a UTF-8 one
    edited.write_bytes(edited.read_bytes().replace("。".encode(), "。记者在现场看到，展馆里人很多。".encode(), 1))
    loads: list[object] = []
    real_load = pipeline.pickle.load
    monkeypatch.setattr(pipeline.pickle, "load", lambda fh: loads.append(fh.name) or real_load(fh))
    counted["process"].clear()
    pipeline.build(project, quiet=True)
    assert [name for name in loads if "index-" in str(name)] == []
    assert counted["process"] == [edited.name]
    again = read_tree(project / "docs")

    fresh = copy_project(tmp_path / "q", seeds=[])
    for seed in seeds:
        (fresh / "seeds" / seed.name).write_bytes(seed.read_bytes())
    pipeline.build(fresh, quiet=True)
    assert read_tree(fresh / "docs") == again


def test_an_index_rewritten_on_disk_is_read_again(tmp_path: Path, counted: dict[str, list[str]]) -> None:
    """Another build (`python build.py` beside `mkdocs serve`) may rewrite the shards: the files win."""
    import pickle

    from yearbook import writer

    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    rel = sorted(p.name for p in (project / "seeds").iterdir())[0]
    shard = pipeline._shard_path(pipeline._cache_dir(project), pipeline._shard(rel))
    rows = pickle.loads(shard.read_bytes())
    del rows[rel]
    writer.write_atomic(shard, pickle.dumps(rows))
    counted["process"].clear()
    pipeline.build(project, quiet=True)
    assert counted["process"] == [rel]


def test_a_build_on_two_cores_writes_what_a_build_on_one_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker pools (articles, then the pages about all editions, while the writer links the
    article pages) and the index written by a child give the same docs/ as one process does."""
    from yearbook import render

    one = with_copies(copy_project(tmp_path / "one"), 40)
    pipeline.build(one, quiet=True, jobs=1)
    monkeypatch.setattr(pipeline, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(render, "PARALLEL_THRESHOLD", 1)
    two = with_copies(copy_project(tmp_path / "two"), 40)
    result = pipeline.build(two, quiet=True, jobs=2)
    assert len(result.articles) == 45
    assert read_tree(two / "docs") == read_tree(one / "docs")


def test_the_workers_portions_shrink_to_single_files_and_cover_every_file_once() -> None:
    from yearbook import forked

    paths = [Path(f"{i:05d}.txt") for i in range(1000)]
    chunks = pipeline._chunks(paths, 2)
    assert [p for chunk in chunks for p in chunk] == paths
    assert len(chunks[0]) == 125 and [len(c) for c in chunks[-7:]] == [1] * 7  # an eighth first, singles last
    assert [len(c) for c in chunks] == sorted((len(c) for c in chunks), reverse=True)
    many = pipeline._chunks(paths * 100, 64)  # more portions than the queue holds: larger last ones
    assert len(many) <= forked.MAX_JOBS and [p for c in many for p in c] == paths * 100


def test_builds_in_one_process_do_not_keep_each_others_garbage(tmp_path: Path) -> None:
    """`mkdocs serve` builds again and again in one process. A build freezes the heap (gc.freeze), so
    a previous build must leave no cyclic garbage: frozen, it would never be freed."""
    import gc

    project = copy_project(tmp_path / "p")
    counts = []
    for _ in range(4):
        pipeline.build(project, quiet=True)
        counts.append(len(gc.get_objects()))
    assert counts[3] - counts[1] < 200, counts  # with render's context left as a cycle: ~1,100 more per build


def test_a_failed_background_index_is_reported_and_the_build_stands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = with_copies(copy_project(tmp_path / "p"), 60)
    monkeypatch.setattr(pipeline, "_save_index", lambda *args: os._exit(3))  # runs in the forked child
    result = pipeline.build(project, quiet=True, jobs=2)
    assert len(result.articles) == 65
    assert "the cache index could not be written (a forked child exited with 3)" in capsys.readouterr().err
    assert not list(pipeline._cache_dir(project).glob("index-*.pickle"))


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """As a new build.py process would: no index held in memory, no other thread, so that the files
    changed since the last build are processed ahead, by a forked child. Returns the file in which
    every process() call leaves "<pid> <seed path>"."""
    marks = tmp_path / "processed"
    real = pipeline.process

    def process(source, root):
        with marks.open("a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {source.path}\n")
        return real(source, root)

    monkeypatch.setattr(pipeline, "process", process)
    monkeypatch.setattr(pipeline.threading, "active_count", lambda: 1)
    return marks


def _processed(marks: Path) -> list[tuple[int, str]]:
    lines = marks.read_text(encoding="utf-8").splitlines() if marks.exists() else []
    return [(int(pid), path) for pid, path in (line.split(" ", 1) for line in lines)]


def test_a_changed_file_is_processed_ahead_while_the_index_is_read(tmp_path: Path, fresh_process: Path) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    fresh_process.unlink()
    seed = sorted((project / "seeds").iterdir())[0]
    seed.write_text(seed.read_text(encoding="utf-8").replace("1672个", "1772个"), encoding="utf-8")
    pipeline._HELD.clear()
    pipeline.build(project, quiet=True)
    (pid, path), = _processed(fresh_process)
    assert path == seed.name and pid != os.getpid()  # in the forked child

    cold = copy_project(tmp_path / "cold")
    cold_seed = cold / "seeds" / seed.name
    cold_seed.write_text(cold_seed.read_text(encoding="utf-8").replace("1672个", "1772个"), encoding="utf-8")
    pipeline.build(cold, quiet=True)
    assert read_tree(project / "docs") == read_tree(cold / "docs")


def test_a_touched_file_is_not_processed_ahead_either(tmp_path: Path, fresh_process: Path) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    fresh_process.unlink()
    os.utime(sorted((project / "seeds").iterdir())[0], ns=(1, 1))  # same bytes, new mtime
    pipeline._HELD.clear()
    pipeline.build(project, quiet=True)
    assert _processed(fresh_process) == []


def test_if_the_child_fails_the_build_processes_the_files_itself(tmp_path: Path, fresh_process: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    before = read_tree(project / "docs")
    fresh_process.unlink()
    parent, real = os.getpid(), pipeline._read_and_process

    def read_and_process(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_read_and_process", read_and_process)
    seed = sorted((project / "seeds").iterdir())[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes, same article
    pipeline._HELD.clear()
    pipeline.build(project, quiet=True)
    assert [path for pid, path in _processed(fresh_process) if pid == os.getpid()] == [seed.name]
    assert read_tree(project / "docs") == before
