"""The edition page cache: a rebuild after an edit reuses only what the edit cannot have changed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yearbook import pipeline, render

from .conftest import copy_project, read_tree

SEED_2021 = "000_bed480ad1c4ee00d.txt"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None]]:
    """(kind, year) of every edition output rendered rather than taken from the cache; year None:
    a whole data file, stored as well so that a build with nothing new in it only links it."""
    calls: list[tuple[str, int | None]] = []
    real = render.cached_page

    def cached_page(ctx: dict, kind: str, year: int | None, make, reads: str = "pages"):
        def counted():
            calls.append(("feed" if kind.startswith("feed") else kind, year))  # feed<site address hash>
            return make()
        return real(ctx, kind, year, counted, reads)

    monkeypatch.setattr(render, "cached_page", cached_page)
    return calls


def edit(project: Path, old: str, new: str) -> None:
    seed = project / "seeds" / SEED_2021
    text = seed.read_text(encoding="utf-8")
    assert old in text
    seed.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_same_as_a_cold_build(tmp_path: Path, warm: dict[str, bytes], old: str, new: str) -> None:
    """The same edit in a fresh copy of the project, built without a cache, gives the same docs/."""
    cold = copy_project(tmp_path / "cold")
    edit(cold, old, new)
    pipeline.build(cold, quiet=True)
    assert read_tree(cold / "docs") == warm


def test_a_rebuild_renders_only_the_edited_edition_and_equals_a_cold_build(
    tmp_path: Path, made: list[tuple[str, int | None]]
) -> None:
    project = copy_project(tmp_path / "warm")
    pipeline.build(project, quiet=True)
    whole_files = [("json", None), ("csv", None)]
    assert Counter(made) == Counter([*((k, y) for k in ("zh", "en", "json", "csv", "conflicts", "feed")
                                       for y in (2021, 2022, 2025)), *whole_files])
    made.clear()
    pipeline.build(project, quiet=True)
    assert made == []  # nothing changed: every edition output comes from the cache

    edit(project, "达成各类成果1672个", "达成各类成果1772个")  # a figure of the 2021 edition
    pipeline.build(project, quiet=True)
    # 2021 itself; 2022's pages (they show the change against 2021) and its JSON entry (its claims
    # are checked against 2021); not 2022's CSV rows, feed or conflicts, which read 2022 alone
    assert Counter(made) == Counter([*((k, y) for k in ("zh", "en", "json") for y in (2021, 2022)),
                                     ("csv", 2021), ("conflicts", 2021), ("feed", 2021), *whole_files])
    warm = read_tree(project / "docs")
    assert "1772" in warm["years/2021.md"].decode()
    assert_same_as_a_cold_build(tmp_path, warm, "达成各类成果1672个", "达成各类成果1772个")


def test_an_edit_that_changes_no_figure_title_or_date_renders_no_edition_output(
    tmp_path: Path, made: list[tuple[str, int | None]]
) -> None:
    project = copy_project(tmp_path / "warm")
    pipeline.build(project, quiet=True)
    before = read_tree(project / "docs")
    made.clear()
    sentence = "记者在现场还看到，多家参展企业增设了外语讲解服务，方便境外观众了解展品。"
    paragraph_end = "记者有了不少发现。</p>"  # a paragraph after the lead (which the feed shows)
    edit(project, paragraph_end, f"{paragraph_end}\n<p>{sentence}</p>")
    pipeline.build(project, quiet=True)
    assert made == []  # the 2021 pages, JSON entry, CSV rows, feed and conflicts are all as they were
    warm = read_tree(project / "docs")
    changed = {k for k in warm if warm[k] != before.get(k)}
    assert any(k.startswith("articles/2021/") for k in changed) and sentence in b"".join(
        warm[k] for k in changed if k.startswith("articles/")).decode()
    assert not any(k.startswith(("years/", "en/years/", "data/", "feeds/2021")) for k in changed)
    assert_same_as_a_cold_build(tmp_path, warm, paragraph_end, f"{paragraph_end}\n<p>{sentence}</p>")


def test_a_title_edit_renders_its_edition_alone_and_equals_a_cold_build(
    tmp_path: Path, made: list[tuple[str, int | None]]
) -> None:
    project = copy_project(tmp_path / "warm")
    pipeline.build(project, quiet=True)
    made.clear()
    title = "title: '行走服贸会 带你看成果'", "title: '行走服贸会 带你看成果清单'"
    edit(project, *title)
    pipeline.build(project, quiet=True)
    # the 2021 outputs name the article (the sources under its table, the feed); 2022's show 2021's
    # figures only, which the title does not change
    assert Counter(made) == Counter([*((k, 2021) for k in ("zh", "en", "json", "csv", "conflicts", "feed")),
                                     ("json", None), ("csv", None)])
    warm = read_tree(project / "docs")
    assert "带你看成果清单" in warm["years/2021.md"].decode()
    assert_same_as_a_cold_build(tmp_path, warm, *title)


def test_without_a_cache_every_edition_is_rendered(tmp_path: Path, made: list[tuple[str, int | None]]) -> None:
    project = copy_project(tmp_path / "p")
    result = pipeline.build(project, quiet=True)
    first = read_tree(project / "docs")
    result.cache_dir = None
    pages = render.render_site(result, project)
    # 3 editions × 6 kinds and the 2 whole data files, in the cached build and again without the cache
    assert len(made) == 2 * (18 + 2)
    assert {k: (v.read_bytes() if isinstance(v, Path) else v) for k, v in pages.items() if k.startswith("years/")} \
        == {k: v for k, v in first.items() if k.startswith("years/")}


def test_digests_follow_the_inputs_of_each_edition(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = pipeline.build(project, quiet=True)
    editions = sorted(result.editions, key=lambda e: e.year)
    digests = render.edition_digests(result.articles, editions)
    assert {scope: sorted(d) for scope, d in digests.items()} == {s: [2021, 2022, 2025] for s in ("own", "claims", "pages")}
    assert render.edition_digests(list(result.articles), editions) == digests  # deterministic

    def differs(change: dict[str, str], year: int) -> dict[str, list[int]]:
        """Which editions' digests a change to the records of one edition moves, per scope."""
        before = render.edition_digests(result.articles, editions)
        for p in result.articles:
            if p.classification.edition == year:
                for field, value in change.items():
                    setattr(p, field, value)
        changed = render.edition_digests(result.articles, editions)
        return {scope: [y for y in (2021, 2022, 2025) if changed[scope].get(y) != before[scope].get(y)]
                for scope in digests}

    # a lead, title or date edit moves the view key alone: only its edition's outputs are re-made,
    # though 2022's claims are checked against 2021 and its pages show 2021's figures
    assert differs({"view_key": "lead"}, 2021) == {"own": [2021], "claims": [2021], "pages": [2021]}
    # a changed figure moves both: 2022's claims and pages read 2021's metrics
    assert differs({"view_key": "figure", "figures_key": "figure"}, 2021) == {
        "own": [2021], "claims": [2021, 2022], "pages": [2021, 2022]}
    # 2025's pages read 2022's metrics (the change column), its claims 2024's (not held: none)
    assert differs({"view_key": "x", "figures_key": "y"}, 2022) == {
        "own": [2022], "claims": [2022], "pages": [2022, 2025]}
    # records without keys (not made by the pipeline): what reads them is never taken from the cache
    assert differs({"view_key": ""}, 2025) == {"own": [2025], "claims": [2025], "pages": [2025]}
    keyless = render.edition_digests(result.articles, editions)
    assert not {2025} & (keyless["own"].keys() | keyless["claims"].keys() | keyless["pages"].keys())
    # (2021's own outputs are keyed by its view keys, which cover its figures)
    assert differs({"figures_key": ""}, 2021) == {"own": [], "claims": [2022], "pages": [2022]}
    keyless = render.edition_digests(result.articles, editions)
    assert 2022 not in keyless["claims"] and 2022 not in keyless["pages"] and 2022 in keyless["own"]


def test_report_lists_each_other_figure_once_with_its_count() -> None:
    from yearbook.records import Choice, Figure

    def fig(value: int, text: str) -> Figure:
        return Figure(metric="exhibitors_offline", edition=2021, value=value, unit="家", qualifier=None,
                      text=text, article="a", quote=text, published=None)

    choice = Choice(metric="exhibitors_offline", chosen=fig(2400, "2400家"), reason="",
                    alternatives=[fig(2500, "2500家"), fig(2300, "2300家"), fig(2500, "2500家"), fig(2500, "2500家")])
    assert render.alternative_texts(choice) == ["2500家（3处）", "2300家"]


def test_a_cached_edition_feed_follows_the_site_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("SITE_URL", "https://one.example/")
    pipeline.build(project, quiet=True)
    assert "https://one.example/years/2021/" in (project / "docs/feeds/2021.xml").read_text(encoding="utf-8")
    monkeypatch.setenv("SITE_URL", "https://two.example/")
    pipeline.build(project, quiet=True)
    feed = (project / "docs/feeds/2021.xml").read_text(encoding="utf-8")
    assert "https://two.example/years/2021/" in feed and "one.example" not in feed


def test_without_site_url_set_feeds_take_the_address_from_mkdocs_yml(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs.yml's `!ENV [SITE_URL, default]` gives its default; its Python tags are not run."""
    from yearbook import feeds

    monkeypatch.delenv("SITE_URL", raising=False)
    (tmp_path / "mkdocs.yml").write_text(
        'site_url: !ENV [SITE_URL, "https://yearbook.example/zh"]\n'
        "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:os.system [\"false\"]\n",
        encoding="utf-8")
    assert feeds.site_url(tmp_path) == "https://yearbook.example/zh/"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert feeds.site_url(tmp_path) == "https://example.invalid/"


def test_a_feed_drops_characters_xml_does_not_allow() -> None:
    from lxml import etree

    from yearbook import feeds

    xml = feeds.atom([], "https://x.example/", "feeds/articles.xml", "服贸会\x01年鉴\x0b", "副标题\t", "https://x.example/")
    root = etree.fromstring(xml)
    assert root.findtext("{http://www.w3.org/2005/Atom}title") == "服贸会年鉴"
    assert root.findtext("{http://www.w3.org/2005/Atom}subtitle") == "副标题\t"


def test_a_label_edited_in_the_data_files_shows_in_the_next_build_of_the_same_process(tmp_path: Path) -> None:
    """`mkdocs serve` builds again in one process: the kept environments and the labels they
    hold are dropped when a data file changes."""
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    assert "开幕日期" in (project / "docs/years/2021.md").read_text(encoding="utf-8")
    metrics_file = project / "data" / "metrics.yml"
    metrics_file.write_text(metrics_file.read_text(encoding="utf-8").replace("label_zh: 开幕日期", "label_zh: 开幕之日"),
                            encoding="utf-8")
    pipeline.build(project, quiet=True)
    page = (project / "docs/years/2021.md").read_text(encoding="utf-8")
    assert "开幕之日" in page and "开幕日期" not in page
