"""Read stage: every kind of file an editor may drop into seeds/ gives a Source or a clear diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from yearbook import read

ARTICLE = "---\ntitle: 服贸会开幕\ndate: Mon, 05 Sep 2022 11:29:55 GMT\nauthor: 新浪财经\n---\n<p>2022年服贸会在京开幕。</p>\n"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_one(tmp_path: Path, name: str, data: bytes | str):
    path = write(tmp_path, name, data)
    return read.read_file(path, tmp_path)


def test_seed_with_front_matter_and_html():
    source, diags = read.read_file(SEEDS / "003_994a303af9d79135.txt", SEEDS)
    assert source is not None and diags == []
    assert source.stem == "003_994a303af9d79135"
    assert source.fmt == "html"
    assert source.meta["title"] == "服贸会5日闭幕，参展参会企业数量、成交规模等超过上届"
    assert source.meta["author"] == "新浪财经"
    assert source.body.lstrip().startswith("<div>")
    assert len(source.content_hash) == 64


def test_seed_markdown_without_front_matter():
    source, diags = read.read_file(SEEDS / "004_2fd2425ba645f4f9.txt", SEEDS)
    assert source is not None and diags == []
    assert source.meta == {}
    assert source.fmt == "markdown"
    assert source.body.startswith("# 累计入场观众突破25万人次")


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_encodings_are_detected_from_the_bytes(tmp_path, encoding):
    data = ARTICLE.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    source, diags = read_one(tmp_path, f"a-{encoding}.txt", data)
    assert source is not None, diags
    assert source.meta["title"] == "服贸会开幕"
    assert "2022年服贸会在京开幕" in source.body
    assert source.encoding != "utf-8"
    assert all(d.level == "info" for d in diags)


def test_windows_line_endings(tmp_path):
    source, _ = read_one(tmp_path, "crlf.md", ARTICLE.replace("\n", "\r\n"))
    assert source is not None
    assert "\r" not in source.body
    assert source.meta["author"] == "新浪财经"


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "is empty"), (b"  \n\t\n ", "only whitespace"), (bytes(range(256)) * 40, "binary")],
)
def test_unusable_files_are_reported_not_dropped(tmp_path, data, problem):
    source, diags = read_one(tmp_path, "bad.txt", data)
    assert source is None
    assert len(diags) == 1 and diags[0].level == "error"
    assert problem in diags[0].problem
    assert diags[0].path == "bad.txt"
    assert "skipped" in diags[0].action


def test_invalid_yaml_front_matter_keeps_the_body(tmp_path):
    source, diags = read_one(tmp_path, "yaml.txt", "---\ntitle: [unclosed\ndate: x: y\n---\n<p>2022年服贸会在京开幕。</p>\n")
    assert source is not None
    assert source.meta == {}
    assert "2022年服贸会在京开幕" in source.body
    assert any("not valid YAML" in d.problem for d in diags)


def test_unclosed_front_matter(tmp_path):
    source, diags = read_one(tmp_path, "open.txt", "---\ntitle: 服贸会\n<p>2022年服贸会在京开幕。</p>\n")
    assert source is not None
    assert "2022年服贸会在京开幕" in source.body
    assert any("never closed" in d.problem for d in diags)


def test_huge_file_is_truncated_with_a_warning(tmp_path):
    para = "<p>2022年服贸会在京开幕，各方参展参会热情高涨。</p>\n"
    data = (ARTICLE + para * (20_000_000 // len(para.encode()))).encode()
    source, diags = read_one(tmp_path, "huge.txt", data)
    assert source is not None
    assert len(source.body.encode()) <= read.MAX_BYTES
    assert any(d.level == "warning" and "MB" in d.problem for d in diags)


def test_symlink_is_not_followed(tmp_path):
    target = write(tmp_path, "real.txt", ARTICLE)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    source, diags = read.read_file(link, tmp_path)
    assert source is None
    assert "symbolic link" in diags[0].problem


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", ARTICLE)
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    source, diags = read.read_file(path, tmp_path)
    assert source is None
    assert "cannot be read (Permission denied)" in diags[0].problem


def test_unsafe_file_names_get_safe_unique_ids(tmp_path):
    a, _ = read_one(tmp_path, "服贸会 报道.txt", ARTICLE)
    b, _ = read_one(tmp_path, "my article.md", ARTICLE)
    assert a is not None and b is not None
    assert a.stem.startswith("article-") or a.stem.isascii()
    assert all(ch.isalnum() or ch in "-_" for ch in a.stem + b.stem)
    assert b.stem.startswith("my-article-")


def test_slug_cannot_escape_the_site(tmp_path):
    source, diags = read_one(tmp_path, "evil.txt", "---\ntitle: x\nslug: ../../etc/passwd\n---\n<p>服贸会</p>\n")
    assert source is not None
    assert source.stem == "evil"
    assert any("slug" in d.problem for d in diags)


def test_read_seeds_reports_every_file(tmp_path):
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "empty.txt", b"")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "nested.md", "# 2021年服贸会\n\n服贸会在京开幕。\n")
    sources, diags = read.read_seeds(tmp_path)
    assert [s.path for s in sources] == ["good.txt", "sub/nested.md"]
    assert [d.path for d in diags] == ["empty.txt"]
