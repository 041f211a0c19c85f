"""Write stage: docs/ changes atomically, only where content changed, never outside the generated paths."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yearbook import writer

from .conftest import read_tree


def test_commit_publishes_and_removes(tmp_path):
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "site.css").write_text("hand-written")
    writer.commit({"index.md": b"home", "years/2021.md": b"2021", "years/2022.md": b"2022"}, docs)
    assert read_tree(docs) == {
        "assets/site.css": b"hand-written", "index.md": b"home", "years/2021.md": b"2021", "years/2022.md": b"2022",
    }
    written, removed = writer.commit({"index.md": b"home", "years/2022.md": b"2022 v2"}, docs)
    assert (written, removed) == (1, 1)
    assert read_tree(docs) == {"assets/site.css": b"hand-written", "index.md": b"home", "years/2022.md": b"2022 v2"}


def test_unchanged_files_keep_their_inode_and_mtime(tmp_path):
    docs = tmp_path / "docs"
    writer.commit({"index.md": b"home", "compare/index.md": b"table"}, docs)
    before = (docs / "index.md").stat()
    time.sleep(0.01)
    written, _ = writer.commit({"index.md": b"home", "compare/index.md": b"table v2"}, docs)
    after = (docs / "index.md").stat()
    assert written == 1
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_a_recached_page_with_the_same_bytes_is_linked_to_the_published_one(tmp_path):
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    cache.mkdir()
    first = cache / "old.md"
    first.write_bytes(b"page")
    writer.commit({"articles/2021/a.md": first}, docs)
    published = (docs / "articles/2021/a.md").stat()
    again = cache / "new.md"  # the same page cached anew, as after a code change
    again.write_bytes(b"page")
    time.sleep(0.01)
    assert writer.commit({"articles/2021/a.md": again}, docs) == (0, 0)
    after = (docs / "articles/2021/a.md").stat()
    assert (after.st_ino, after.st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    assert again.stat().st_ino == published.st_ino  # the next build knows it unchanged from a stat
    assert again.read_bytes() == b"page"


def test_a_page_linked_from_the_same_cache_file_is_published_again_without_reading_it(tmp_path, monkeypatch):
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    cache.mkdir()
    page, other = cache / "key1.md", cache / "key2.md"
    page.write_bytes(b"page")
    other.write_bytes(b"other")
    writer.commit({"articles/2021/a.md": page, "articles/2021/b.md": other, "index.md": b"home"}, docs)
    compared = []
    real_same = writer._same
    monkeypatch.setattr(writer, "_same", lambda path, data: compared.append(path) or real_same(path, data))
    other2 = cache / "key3.md"  # b.md now comes from another cache file: it must be compared
    other2.write_bytes(b"other v2")
    assert writer.commit({"articles/2021/a.md": page, "articles/2021/b.md": other2, "index.md": b"home"}, docs) == (1, 0)
    assert sorted(os.path.basename(p) for p in compared) == ["b.md", "index.md"]
    assert read_tree(docs) == {"articles/2021/a.md": b"page", "articles/2021/b.md": b"other v2", "index.md": b"home"}
    assert (docs / "articles/2021/a.md").stat().st_ino == page.stat().st_ino


@pytest.mark.parametrize("rel", ["../evil.md", "mkdocs.yml", "assets/stylesheets/x.css", "/etc/passwd"])
def test_refuses_to_write_outside_generated_paths(tmp_path, rel):
    with pytest.raises(ValueError):
        writer.commit({rel: b"x"}, tmp_path / "docs")


def test_a_build_killed_half_way_leaves_the_previous_pages(tmp_path):
    docs = tmp_path / "docs"
    old = {f"articles/2021/a{i}.md": f"old {i}".encode() for i in range(3000)}
    writer.commit(old, docs)
    script = (
        "import sys; from pathlib import Path; from yearbook import writer\n"
        "pages = {f'articles/2022/b{i}.md': b'new' * 2000 for i in range(200000)}\n"
        "print('start', flush=True)\n"
        f"writer.commit(pages, Path({str(docs)!r}))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    time.sleep(1.0)
    assert proc.poll() is None, "the commit finished before it could be killed; make it bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_tree(docs) == old
    # and the next build cleans up after the killed one
    writer.commit({"index.md": b"home"}, docs)
    assert read_tree(docs) == {"index.md": b"home"}
    assert [p.name for p in writer.store_for(docs).iterdir() if p.name.startswith("gen-")] == ["gen-2"]


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_a_joined_file_streams_stored_pieces_between_its_frame(tmp_path, monkeypatch, kernel_copy):
    if not kernel_copy:  # a system or file system without copy_file_range copies in user space
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    stored = []
    for i, text in enumerate(["{\"year\":2023}", "{\"year\":2024,\"quote\":\"首钢园\"}"]):
        stored.append(tmp_path / f"piece-{i}")
        stored[-1].write_bytes(text.encode("utf-8") * 5000)  # larger than one buffer
    pieces = [b'{"year":2022}', stored[0], stored[1], b'{"year":2025}']
    out = tmp_path / "editions.json"
    writer.write_joined(out, (b'{"editions":[', b",", b"]}\n"), pieces)
    expected = b'{"editions":[' + b",".join(p.read_bytes() if isinstance(p, os.PathLike) else p for p in pieces) + b"]}\n"
    assert out.read_bytes() == expected
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file is renamed into place"


def test_a_joined_file_that_fails_half_way_leaves_the_previous_one_and_no_temporary(tmp_path):
    out = tmp_path / "editions.json"
    out.write_bytes(b"previous")
    with pytest.raises(FileNotFoundError):
        writer.write_joined(out, (b"[", b",", b"]"), [b"1", tmp_path / "a stored piece that is gone"])
    assert out.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_hand_written_part_of_docs_is_what_holds_no_generated_page(tmp_path):
    """What `mkdocs serve` watches in docs/ (yearbook/mkdocs_hook.py: on_serve)."""
    docs = tmp_path / "docs"
    (docs / "assets" / "stylesheets").mkdir(parents=True)
    (docs / "assets" / "stylesheets" / "yearbook.css").write_text("a {}")
    (docs / "cleaning.md").write_text("# 清理")
    writer.commit({"index.md": b"# home", "articles/2025/a.md": b"# a", "assets/charts/x.svg": b"<svg/>"}, docs)
    assert (docs / "assets" / "charts").is_symlink() and (docs / "index.md").is_symlink()
    assert writer.hand_written(docs) == [docs / "assets" / "stylesheets", docs / "cleaning.md"]


def test_a_kept_pickle_comes_back_and_a_broken_one_is_none(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "kept.pickle"
    assert writer.keep(path, {"a": (1, 2)}) is True  # its folder is made
    assert writer.read_kept(path) == {"a": (1, 2)}
    path.write_bytes(path.read_bytes()[:5])  # cut short
    assert writer.read_kept(path) is None
    assert writer.read_kept(tmp_path / "missing.pickle") is None
    (tmp_path / "file").write_text("x")
    assert writer.keep(tmp_path / "file" / "under-a-file.pickle", 1) is False  # cannot be written: no error


def test_keep_only_removes_the_unwanted_files_of_a_folder(tmp_path: Path) -> None:
    for name in ("a-1", "b-2", "c-3"):
        (tmp_path / name).write_text(name)
    writer.keep_only(tmp_path, lambda name: name.endswith(("1", "3")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-1", "c-3"]
    writer.keep_only(tmp_path / "missing", lambda name: False)  # no folder: nothing to do
