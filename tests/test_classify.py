"""Edition assignment: the edition an article reports on, not every year it mentions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests._seedtext import seed_article
from yearbook.classify import classify, normalise, strip_glosses
from yearbook.records import Article


def art(text: str, published: datetime | None = None, title: str = "") -> Article:
    return Article(stem="t", path="t.md", title=title, body_markdown=text, text=text, published=published)


@pytest.mark.parametrize(("prefix", "edition"), [("000", 2021), ("001", 2022), ("002", 2021), ("003", 2022), ("004", 2025)])
def test_seed_editions(prefix: str, edition: int) -> None:
    assert classify(seed_article(prefix)).edition == edition


def test_undated_seed_gets_date_from_text() -> None:
    c = classify(seed_article("004"))
    assert c.edition == 2025
    assert c.inferred_date == date(2025, 9, 14)
    assert c.reason


def test_seed_mentions_other_edition() -> None:
    c = classify(seed_article("002"))
    assert c.edition == 2021
    assert 2020 in c.mentioned_editions


def test_national_statistics_year_does_not_pull_the_edition() -> None:
    text = ("2021年，我国服务进出口额达到5.3万亿元。2021年服务贸易保持增长。\n"
            "本届服贸会将于8月31日开幕，今年服贸会规模进一步扩大。")
    c = classify(art(text, datetime(2022, 8, 20, tzinfo=UTC)))
    assert c.edition == 2022


def test_ordinal_and_old_name() -> None:
    c = classify(art("第二届中国（北京）国际服务贸易交易会于5月28日在国家会议中心开幕。京交会吸引众多企业。"))
    assert c.edition == 2013
    c = classify(art("首届京交会5月28日开幕，京交会为期五天。"))
    assert c.edition == 2012


def test_not_about_the_fair() -> None:
    c = classify(art("上海技术物理研究所研究员陆卫长期致力于红外物理研究。", datetime(2025, 9, 14, tzinfo=UTC)))
    assert c.edition is None
    assert c.reason


def test_traditional_with_pinyin_glosses() -> None:
    text = "2024年中國(guó)國(guó)際服務(wù)貿(mào)易交易會(huì)9月16日閉幕。本屆服貿會(huì)成果豐碩。"
    c = classify(art(text))
    assert c.edition == 2024
    assert c.inferred_date == date(2024, 9, 16)


def test_gloss_removal_keeps_real_brackets() -> None:
    assert strip_glosses("服務(wù)貿(mào)易") == "服務貿易"
    kept = "中国(北京)国际服务贸易交易会(WTO)(app)"
    assert strip_glosses(kept) == kept
    assert normalise("服貿會（以下簡稱服貿會）") == "服贸会(以下简称服贸会)"
