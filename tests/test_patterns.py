"""The kept regex programs: a pattern from the file behaves exactly as re.compile's."""

from __future__ import annotations

import pickle
import re

import pytest

from yearbook import clean, patterns

HAN = clean.HAN
SAMPLES = [
    "服 贸 会在北京举行，记者 贺 勇摄",
    "2025年服贸会9月10日开幕，线下参展企业2400多家。",
    "责任编辑：刘万里 SF014",
    "",
    "Latin text, 1,000 and 12:30.",
]
PATTERNS = [
    (f"(?<![{HAN}])[{HAN}](?: [{HAN}](?![{HAN}]))+", 0),
    (r"(?P<num>\d+(?:,\d{3})*)(?P<unit>家|个)?", 0),
    (r"(?i:app|客户端)|(?P<x>责任编辑)[：:]", 0),
    (r"^\s*(#{1,6})\s+(.*?)$", re.M),
]


@pytest.fixture
def kept_in(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "CACHE_DIR", tmp_path / "patterns")
    patterns._reset()
    yield tmp_path / "patterns"
    patterns._reset()


def _same(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    for text in SAMPLES:
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
        assert [m.groups() for m in a.finditer(text)] == [m.groups() for m in b.finditer(text)]
        assert a.sub("#", text) == b.sub("#", text)


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_kept_program_matches_as_re_compile_does(kept_in, pattern, flags):
    first = patterns.compile(pattern, flags)
    _same(first, re.compile(pattern, flags))
    patterns.save()
    assert patterns.cache_file().is_file()

    patterns._reset()  # a new process: the program comes from the file
    assert patterns.kept(pattern, flags)
    again = patterns.compile(pattern, flags)
    _same(again, re.compile(pattern, flags))


def test_saving_merges_what_another_process_kept(kept_in):
    patterns.compile("a+b")
    patterns.save()
    patterns._reset({})  # another process, started before the first one saved
    patterns.compile("c+d")
    patterns.save()
    with patterns.cache_file().open("rb") as fh:
        kept = pickle.load(fh)
    assert {("a+b", 0), ("c+d", 0)} <= kept.keys()


def test_a_program_the_engine_refuses_is_compiled_again(kept_in):
    pattern = "x(y)z"
    good = patterns._program(pattern, 0)
    broken = (good[0], [999, 999, 999], *good[2:])
    patterns._reset({(pattern, 0): broken})
    compiled = patterns.compile(pattern, 0)
    assert compiled.search("axyz").group(1) == "y"
    assert patterns._load()[(pattern, 0)] == good


def test_an_unreadable_file_is_ignored(kept_in):
    kept_in.mkdir(parents=True)
    patterns.cache_file().write_bytes(b"not a pickle")
    patterns._reset()
    assert patterns.compile("q+").fullmatch("qqq")


def test_a_bad_pattern_raises_as_re_compile_does(kept_in):
    with pytest.raises(re.error):
        patterns.compile("(unclosed")


def test_nothing_new_writes_nothing(kept_in):
    patterns.compile("a+b")
    patterns.save()
    mtime = patterns.cache_file().stat().st_mtime_ns
    patterns._reset()
    patterns.compile("a+b")  # from the file
    patterns.save()
    assert patterns.cache_file().stat().st_mtime_ns == mtime


def test_a_character_set_is_optimised_once_and_every_program_is_the_compilers_own(kept_in):
    from re import _compiler, _parser

    def compilers(pattern: str, flags: int) -> list[int]:
        return [int(c) for c in _compiler._code(_parser.parse(pattern, flags), flags)]

    patterns._charsets.clear()
    cases = [*PATTERNS, (f"[{HAN}]+|[^{HAN}]", 0), (r"[a-zß\u0100-\u0200]+Straße", re.I), (r"[A-Z]", re.I | re.A)]
    for pattern, flags in cases:
        assert patterns._program(pattern, flags)[1] == compilers(pattern, flags)
        assert patterns._program(pattern, flags)[1] == compilers(pattern, flags)  # from the memory
    assert _compiler._optimize_charset is patterns._OPTIMIZE_CHARSET  # put back after each pattern
    # the Han class of the first pattern, met again in the set of the fifth: optimised once
    han = [key for key in patterns._charsets if len(key[0]) == 3 and key[0][0][0] == _parser.RANGE
           and key[0][0][1] == (0x3400, 0x4DBF)]
    assert len(han) == 1
