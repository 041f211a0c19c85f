"""Data files kept parsed in .build/: used while the file's bytes are the same, parsed again when not."""

from __future__ import annotations

import pytest

from yearbook import datafiles


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "data" / "topics.yml"
    path.parent.mkdir()
    path.write_text("- id: 数字\n  words: [数字化, 数字贸易]\n", encoding="utf-8")
    datafiles._load.cache_clear()
    yield path
    datafiles._load.cache_clear()


def test_a_kept_file_is_used_while_the_bytes_are_the_same(data_file, monkeypatch):
    first = datafiles.load(data_file)
    assert first == [{"id": "数字", "words": ["数字化", "数字贸易"]}]
    assert list((data_file.parent.parent / ".build" / "parsed").iterdir())

    datafiles._load.cache_clear()  # a new process
    monkeypatch.setattr(datafiles, "parse", lambda text: pytest.fail("parsed again"))
    assert datafiles.load(data_file) == first


def test_an_edited_file_is_parsed_again(data_file):
    datafiles.load(data_file)
    data_file.write_text("- id: 绿色\n  words: [绿色低碳]\n", encoding="utf-8")
    datafiles._load.cache_clear()
    assert datafiles.load(data_file) == [{"id": "绿色", "words": ["绿色低碳"]}]


def test_a_broken_kept_file_is_ignored(data_file):
    datafiles.load(data_file)
    for kept in (data_file.parent.parent / ".build" / "parsed").iterdir():
        kept.write_bytes(b"not a pickle")
    datafiles._load.cache_clear()
    assert datafiles.load(data_file)[0]["id"] == "数字"


def test_a_file_outside_a_data_folder_is_not_kept(tmp_path):
    path = tmp_path / "mkdocs-like.yml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert datafiles.load(path) == {"a": 1}
    assert datafiles._kept_file(str(path)) is None
    assert datafiles._kept_file(str(tmp_path / "data" / "x.yml")) == tmp_path / ".build" / "parsed" / \
        datafiles._kept_file(str(tmp_path / "data" / "x.yml")).name
