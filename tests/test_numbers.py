"""Numbers as the press writes them: value normalised, hedge kept, unit recognised."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yearbook.numbers import chinese_to_decimal, find_numbers, parse_number


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("1672个", 1672, "个", None),
        ("2400多家", 2400, "家", "多"),
        ("近2000家", 2000, "家", "近"),
        ("超900项", 900, "项", "超"),
        ("1万余家", 10000, "家", "余"),
        ("15.2万平方米", 152000, "平方米", None),
        ("1万余平米", 10000, "平方米", "余"),
        ("25万人次", 250000, "人次", None),
        ("二十余个", 20, "个", "余"),
        ("5.3万亿元", 5_300_000_000_000, "元", None),
        ("20.8%", 20.8, "%", None),
        ("10个百分点", 10, "个百分点", None),
        ("百余项", 100, "项", "余"),
        ("超百家", 100, "家", "超"),
        ("两千", 2000, None, None),
        ("超过260位", 260, "位", "超过"),
        ("突破25万人次", 250000, "人次", "突破"),
        ("逾百场", 100, "场", "逾"),
        ("约11.6万人", 116000, "人", "约"),
        ("上万家", 10000, "家", "上"),
        ("近万家", 10000, "家", "近"),
        ("1,672个", 1672, "个", None),
        ("50%左右", 50, "%", "左右"),
        ("三千五百名", 3500, "名", None),
        ("达到20.8%", 20.8, "%", None),
        ("1122.5亿美元", 112_250_000_000, "美元", None),
    ],
)
def test_parse_number(text: str, value: float, unit: str | None, qualifier: str | None) -> None:
    n = parse_number(text)
    assert n is not None
    assert n.value == value
    assert type(n.value) is type(value)  # int when whole, float otherwise
    assert n.unit == unit
    assert n.qualifier == qualifier


@pytest.mark.parametrize("text", ["千家万户", "数十种", "第二届", "十四五", "一流", "5G", "C919"])
def test_not_figures(text: str) -> None:
    assert [n for n in find_numbers(text) if n.is_quantity] == []


def test_ranks_dates_and_ordinals_are_not_quantities() -> None:
    found = find_numbers("2022年9月5日，世界500强企业超400家，覆盖27个服务贸易前30强国家和地区")
    quantities = [(n.value, n.unit) for n in found if n.is_quantity]
    assert quantities == [(400, "家"), (27, "个")]


def test_significant_digits_rank_specificity() -> None:
    assert parse_number("480余家").significant > parse_number("近500家").significant  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十三", 13), ("一十三", 13),  # with and without the leading 一
        ("三千五百", 3500), ("三千五", 3500),  # the long form the press writes and pycnnum's short one
        ("一百一十", 110), ("两百零五", 205), ("九千零九十", 9090),
        ("三点五", 3.5), ("二十点五", 20.5),
        ("一一", 11), ("二〇二四", 2024),  # digit by digit
    ],
)
def test_chinese_numerals(numeral: str, value: float) -> None:
    assert chinese_to_decimal(numeral) == Decimal(str(value))


@pytest.mark.parametrize("numeral", ["十十", "三十十", "十百一", "百千", "一百十三"])
def test_ill_formed_chinese_numerals_are_not_read(numeral: str) -> None:
    """pycnnum reads 十十 as 100 and 十百一 as 20; the press never writes them, so they are no figure."""
    assert chinese_to_decimal(numeral) is None
    assert find_numbers(f"共有{numeral}家") == []
