"""Tests for yearbook/clean.py: golden files for the seeds, one small input per rule, and a fuzz test.

Regenerate the golden files after a deliberate change with `UPDATE_GOLDEN=1 pytest tests/test_clean.py`,
then READ the diff: each golden file must read as a careful human editor prepared it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yearbook.clean import _cased, clean, normalise, parse_date, rules
from yearbook.read import read_file
from yearbook.records import Article, Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def src(body: str, fmt: str = "html", **meta: object) -> Source:
    return Source(stem="t", path="t.txt", encoding="utf-8", fmt=fmt, meta=dict(meta), body=body, content_hash="h")


def html_article(body: str, **meta: object) -> Article:
    meta.setdefault("title", "测试标题")
    return clean(src(body, "html", **meta))


def kinds(article: Article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in article.removals:
        out.setdefault(r.kind, []).append(r.text)
    return out


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    out = {}
    for path in SEED_FILES:
        source, _ = read_file(path, SEEDS)
        assert source is not None
        out[path.stem[:3]] = clean(source)
    return out


# --- golden files -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_golden(path: Path) -> None:
    source, _ = read_file(path, SEEDS)
    assert source is not None
    got = clean(source).body_markdown
    golden = GOLDEN / f"{path.stem}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


# --- the seeds' metadata --------------------------------------------------------------------------


def test_seed_000_quotes_original_title_editor(seeds: dict[str, Article]) -> None:
    a = seeds["000"]
    assert a.title == "行走服贸会 带你看成果"
    assert a.original_title == "焦点访谈丨行走服贸会 带你看成果"
    assert a.editors == ["邓健"]
    assert a.outlet == "新浪财经"
    assert a.published == datetime(2021, 9, 8, 13, 24, 51, tzinfo=UTC)
    assert "> **星光影视XR研发实验室主管 李伟琦**：要替代掉传统的蓝绿箱" in a.body_markdown
    assert len(a.images) == 4 and all(im.alt for im in a.images)
    assert a.lead_image == a.images[0]
    k = kinds(a)
    assert "线上线下 (https://finance.sina.com.cn/realstock/company/sz300959/nc.shtml)" in k["stock_link"]
    assert {"comment", "css", "furniture", "editor_line", "original_title"} <= set(k)
    assert "线上线下交流新理念" in a.text


def test_seed_001_headings_caption_photographer(seeds: dict[str, Article]) -> None:
    a = seeds["001"]
    assert a.title == "绿色创新 为服务贸易开放发展贡献力量（服贸会观察）"
    assert "## 凝聚共识 共促服务贸易开放合作" in a.body_markdown
    assert a.body_markdown.count("\n## ") == 3
    assert a.photographers == ["贺勇"]
    assert a.images[0].caption == "数据来源：商务部 底图：观众在国家会议中心展厅参观。本报记者 贺勇摄"
    assert a.body_markdown.count("\n\n") == 23  # figure, 3 headings, 20 paragraphs: every <p> its own
    assert "中国银行交易银行部总经理王晓" in a.body_markdown and "stcn.com/dc/stock" not in a.body_markdown
    assert "数据来源" not in a.text  # captions are not text for fact extraction


def test_seed_002_headings_interview_bylines(seeds: dict[str, Article]) -> None:
    a = seeds["002"]
    assert a.original_title is None  # same as the title
    assert a.agency == "新京报" and a.reporters == ["陈琳"]
    assert a.photographers == ["郑新洽", "李木易", "侯少卿"]
    assert len(a.images) == 4 and all(im.caption.endswith("摄") for im in a.images)
    for h in ("聚焦服务贸易数字化发展的新趋势", "设置论坛和会议等六类活动", "153个国家和地区的1万余家企业参展参会",
              "首钢园打造“聚落式”会展场所", "云上服贸会已开启 免费提供一年服务"):
        assert f"\n## {h}\n" in a.body_markdown
    assert "\n## ■ 对话" in a.body_markdown
    assert "\n**新京报**：首都会展集团的成立" in a.body_markdown
    assert "\n**周一炜**：今年北京市组建了首都会展集团" in a.body_markdown
    assert "新京报记者 陈琳" not in a.body_markdown and "王蒙" not in a.body_markdown
    assert a.editors == ["王蒙"]


def test_seed_003_dateline_end_marker_furniture_headimg(seeds: dict[str, Article]) -> None:
    a = seeds["003"]
    assert a.agency == "中新网" and a.reporters == ["陈杭", "杜燕"]
    assert a.body_markdown.startswith("2022年中国国际服务贸易交易会（以下简称服贸会）5日在京闭幕。")
    assert a.editors == ["刘万里"] and "SF014" not in a.body_markdown
    assert "（完）" not in a.body_markdown
    assert a.lead_image is None  # the headimg is the app QR code
    assert "## 10个国家首次以国家名义设展" in a.body_markdown
    assert "机器人、8K裸眼3D显示屏" in a.body_markdown
    assert "海量资讯" not in a.body_markdown and "appendQr" not in a.body_markdown
    assert any(r.kind == "dateline" for r in a.removals)


def test_seed_004_scan(seeds: dict[str, Article]) -> None:
    a = seeds["004"]
    assert a.title == "累计入场观众突破25万人次，近2000家企业线下参展 2025年服贸会在京圆满闭幕"
    assert a.title_inferred and a.published is None
    assert a.published is None  # no date anywhere in the scan; classify infers it from the text
    assert not a.body_markdown.startswith("#")  # the title heading left the body
    assert "超过260位国际组织负责人、部长级官员" in a.body_markdown
    assert "113家企业与机构发布198项创新成果，涵盖人工智能" in a.body_markdown
    assert "<figcaption>9月14日，人们在服贸会标识前与机器狗互动。新华社 图</figcaption>" in a.body_markdown
    off = [r.text for r in a.removals if r.kind == "off_topic"]
    assert off == ["■ 奋勇争先实干家 / 陆卫：办公室的门永远为青年敞开"]
    assert "陆卫" not in a.body_markdown and "陆卫" not in a.text and "刘晶晶" not in a.reporters
    assert a.agency == "青年报" and a.reporters == ["陈嘉音"]
    assert "突破**25万**人次" in a.body_markdown and "突破25万人次" in a.text
    assert "## 更开放、更专业：共绘全球服务贸易新图景" in a.body_markdown
    assert "### “数智”" in a.body_markdown
    assert "9月14日，2025年中国国际服务贸易交易会（以下简称“服贸会”）" in a.body_markdown
    assert not re.search(r"[\u4e00-\u9fff][,:()]|[,:()][\u4e00-\u9fff]", a.body_markdown)
    assert "机器狗" not in a.text  # the moved caption is not article text
    assert [r.kind for r in a.removals].count("caption_moved") == 1


# --- furniture -------------------------------------------------------------------------------------


def test_furniture_generic_kinds() -> None:
    a = html_article(
        "<p>正文第一段，讲服贸会。</p>"
        "<!-- 广告位 --><style>.x{color:red}</style><script>alert(1)</script>"
        '<div class="video-player" id="v1"></div>'
        '<div class="article-share">分享到：微信 微博</div>'
        "<p>扫描二维码下载客户端</p><p>【纠错】</p><p>点击进入专题：2023服贸会</p>"
        "<p>来源：人民网</p><p>打开新浪新闻APP，阅读更多</p>"
        '<p><img src="https://example.cn/img/qrcode_app.png"></p>'
        "<p>正文第二段。</p>"
    )
    assert a.body_markdown == "正文第一段，讲服贸会。\n\n正文第二段。\n"
    k = kinds(a)
    assert k["comment"] == ["广告位"] and k["css"] == [".x{color:red}"] and "script" in k
    assert any("video placeholder" in t for t in k["furniture"])
    assert any("qrcode_app.png" in t for t in k["furniture"])


@pytest.mark.parametrize(
    ("line", "editors"),
    [
        ("责任编辑：刘万里 SF014", ["刘万里"]),
        ("【责任编辑:张三】", ["张三"]),
        ("（责编：孙红丽、牛镛）", ["孙红丽", "牛镛"]),
        ("编辑 陈莉 校对 赵琳", ["陈莉"]),
        ("责任编辑：王蒙 图片编辑：李四 校对：王五", ["王蒙"]),
    ],
)
def test_editor_lines(line: str, editors: list[str]) -> None:
    a = html_article(f"<p>正文一段。</p><p>{line}</p>")
    assert a.editors == editors
    assert a.body_markdown == "正文一段。\n"


def test_editor_tail_and_end_markers() -> None:
    a = html_article("<p>最后一句话。（完）【编辑：田博群】</p><p>另一段结束。(完)</p><p>第三段。—— END ——</p>")
    assert a.body_markdown == "最后一句话。\n\n另一段结束。\n\n第三段。\n"
    assert a.editors == ["田博群"]
    assert len(kinds(a)["end_marker"]) >= 2


def test_stock_links_unwrapped_other_links_kept() -> None:
    a = html_article(
        '<p>参观<a href="http://quote.eastmoney.com/sh600000.html">浦发银行</a>展台，'
        '另见<a href="https://www.ciftis.org/news">官网消息</a>，'
        '和<a href="javascript:alert(1)">恶意</a>链接。</p>'
    )
    assert a.body_markdown == "参观浦发银行展台，另见[官网消息](https://www.ciftis.org/news)，和恶意链接。\n"
    assert kinds(a)["stock_link"] == ["浦发银行 (http://quote.eastmoney.com/sh600000.html)"]


# --- typography ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("　　服务贸易,开放合作:共赢(北京)", "服务贸易，开放合作：共赢（北京）"),
        ("增长2.6万平方米,占比20.8%;同比", "增长2.6万平方米，占比20.8%；同比"),
        ("9月2-6日举办,共1,000场", "9月2-6日举办，共1,000场"),
        ("见 https://example.com/a?b=1,2 网站", "见 https://example.com/a?b=1,2 网站"),
        ("在 服 贸 会 上", "在服贸会上"),
        ("本报记者 贺 勇摄", "本报记者 贺勇摄"),
        ("数据来源：商务部  底图：观众参观。  本报记者", "数据来源：商务部 底图：观众参观。本报记者"),
        ("碳达峰 碳中和", "碳达峰 碳中和"),
        ("他说:\"服贸会很好.\"", "他说：“服贸会很好。”"),
        ("为什么?因为!", "为什么？因为！"),
        ("VR(虚拟现实)头显", "VR（虚拟现实）头显"),
        ("(WTO) rules, 12:30 and 3.14", "(WTO) rules, 12:30 and 3.14"),
        ("[数说服贸]", "【数说服贸】"),
        ("时间 : 9月", "时间：9月"),
        ("发展 ，合作 。", "发展，合作。"),
    ],
)
def test_normalise(raw: str, want: str) -> None:
    assert normalise(raw) == want


def test_title_is_cleaned() -> None:
    a = html_article("<p>正文。</p>", title="绿色创新  为服务贸易贡献力量,共赢(观察)")
    assert a.title == "绿色创新 为服务贸易贡献力量，共赢（观察）"


# --- structure -----------------------------------------------------------------------------------


def test_headings_from_markup_kinds() -> None:
    long = "这是一段足够长的正文，用来说明上面那一行是一个小标题而不是正文的一部分。"
    a = html_article(
        f"<p><b>开放合作</b></p><p><strong>共促发展</strong></p><p>{long}</p>"
        f'<p><font cms-style="font-L strong-Bold">数字技术亮点多</font></p><p>{long}</p>'
        f"<p>短句引出下一部分</p><p>{long}</p>"
        f"<h1>网页里的一级标题</h1><p>{long}</p>"
        f'<p><span style="font-weight:bold">加粗但是很长的一整句话，并且以句号结尾的段落。</span></p>'
    )
    md = a.body_markdown
    assert "## 开放合作 共促发展\n" in md
    assert "## 数字技术亮点多\n" in md
    assert "## 短句引出下一部分\n" in md
    assert "## 网页里的一级标题\n" in md
    assert "**加粗但是很长的一整句话，并且以句号结尾的段落。**" in md


def test_paragraphs_from_br_and_one_line_html() -> None:
    a = html_article("<div>第一段话。<br><br>第二段话。<br>第三段话。</div><p>第四段。</p><p>第五段。</p>")
    assert a.body_markdown == "第一段话。\n\n第二段话。\n\n第三段话。\n\n第四段。\n\n第五段。\n"


def test_figures_captions_credits_and_alt() -> None:
    a = html_article(
        '<p>文字一段。</p><figure><img data-src="//img.example.cn/a.jpg" src="data:image/gif;base64,R0lGOD">'
        "<figcaption>9月1日，观众参观展台。新华社记者 李贺 摄</figcaption></figure>"
        '<p style="text-align:center"><img src="https://img.example.cn/b.jpg"></p>'
        '<p style="text-align:center">图为首钢园场馆。（视觉中国供图）</p>'
        '<p><img src="https://img.example.cn/c.jpg" alt="c.jpg"></p><p>文字二段。</p>',
        title="标题",
    )
    assert [im.src for im in a.images] == [
        "https://img.example.cn/a.jpg", "https://img.example.cn/b.jpg", "https://img.example.cn/c.jpg"]
    assert a.images[0].caption == "9月1日，观众参观展台。新华社记者 李贺 摄"
    assert a.images[0].alt == "9月1日，观众参观展台。"
    assert a.images[1].caption == "图为首钢园场馆。（视觉中国供图）"
    assert a.images[2].alt == "标题 配图3"
    assert a.photographers == ["李贺"]
    assert 'loading="lazy"' in a.body_markdown and 'referrerpolicy="no-referrer"' in a.body_markdown
    assert a.lead_image == a.images[0]


def test_headimg_real_vs_furniture() -> None:
    a = html_article("<p>正文。</p>", headimg="https://img.example.cn/lead.jpg")
    assert a.lead_image is not None and a.lead_image.src == "https://img.example.cn/lead.jpg"
    b = html_article(
        '<p>正文。</p><div class="appendQr_wrap"><img src="https://x.cn/app.png"></div>',
        headimg="https://x.cn/app.png",
    )
    assert b.lead_image is None


def test_quote_and_interview_turns() -> None:
    a = html_article(
        '<p cms-style="strong-Bold">某公司总经理 王五：今年我们带来了三款新产品，参展效果很好。</p>'
        "<p>记者：你们为什么参展？</p><p>王五：因为服贸会是很好的平台。</p>"
        "<p>记者：明年还来吗？</p><p>王五：一定来。</p>"
        "<p>商务部副部长表示：服贸会将继续扩大开放。</p>"
    )
    md = a.body_markdown
    assert "> **某公司总经理 王五**：今年我们带来了三款新产品" in md
    assert "**记者**：你们为什么参展？" in md and "**王五**：一定来。" in md
    assert "商务部副部长表示：服贸会将继续扩大开放。" in md


@pytest.mark.parametrize(
    ("first", "agency", "reporters", "rest"),
    [
        ("新华社北京9月1日电（记者 张三、李四）服贸会今天开幕。", "新华社", ["张三", "李四"], "服贸会今天开幕。"),
        ("本报讯（记者 王五）服贸会今天开幕。", None, ["王五"], "服贸会今天开幕。"),
        ("央视网消息：服贸会今天开幕。", "央视网", [], "服贸会今天开幕。"),
        ("人民网北京9月2日电 服贸会今天开幕。", "人民网", [], "服贸会今天开幕。"),
    ],
)
def test_datelines(first: str, agency: str | None, reporters: list[str], rest: str) -> None:
    a = html_article(f"<p>{first}</p><p>第二段。</p>")
    assert (a.agency, a.reporters) == (agency, reporters)
    assert a.body_markdown.startswith(rest)


@pytest.mark.parametrize(
    ("line", "agency", "reporters"),
    [
        ("新京报记者 陈琳", "新京报", ["陈琳"]),
        ("文/张三", None, ["张三"]),
        ("本报记者 贺 勇 李 明", None, ["贺勇", "李明"]),
        ("据新华社电", "新华社", []),
    ],
)
def test_bylines(line: str, agency: str | None, reporters: list[str]) -> None:
    a = html_article(f"<p>第一段正文。</p><p>{line}</p><p>最后一段。</p>")
    assert (a.agency, a.reporters) == (agency, reporters)
    assert line not in a.body_markdown


def test_original_title() -> None:
    a = html_article("<p>原标题：旧的标题</p><p>正文。</p>")
    assert a.original_title == "旧的标题" and a.body_markdown == "正文。\n"


def test_off_topic_section_removed_only_when_the_rest_is_on_topic() -> None:
    fair = "服贸会在首钢园开幕，参展企业众多，论坛活动丰富。" * 2
    other = "他在实验室里工作了三十年，培养了许多学生，科研成果丰硕，获得了国家科技奖励。" * 3
    body = f"# 标题\n\n{fair}\n\n## 展会亮点\n\n{fair}\n\n## 人物\n\n{other}\n\n{other}\n\n## 再说展会\n\n{fair}\n"
    a = clean(src(body, "markdown"))
    assert [r.text for r in a.removals if r.kind == "off_topic"] == ["人物"]
    assert "实验室" not in a.body_markdown and "实验室" not in a.text
    only_other = clean(src(f"# 标题\n\n{other}\n\n## 人物\n\n{other}\n", "markdown"))
    assert "实验室" in only_other.body_markdown  # nothing to drift from


def test_scan_caption_split_and_comma_join() -> None:
    body = (
        "# 标题\n\n服贸会吸引了超过260位国际组织负责\n\n9月14日,人们在服贸会展台参观。\n\n新华社 图\n\n"
        "人出席,各方,\n\n共同参与讨论。\n\n## 小标题\n\n服贸会的第二部分内容在这里，总体来说很顺利。\n"
    )
    a = clean(src(body, "markdown"))
    assert "服贸会吸引了超过260位国际组织负责人出席，各方，共同参与讨论。" in a.body_markdown
    assert "<figcaption>9月14日，人们在服贸会展台参观。新华社 图</figcaption>" in a.body_markdown
    assert a.body_markdown.index("负责人") < a.body_markdown.index("figcaption")


def test_markdown_escaping() -> None:
    a = clean(src("#话题 不是标题\n\n1. 不是列表的句子\n\n* 星号开头\n\n文中有 <b>尖括号</b> 和 a_b*c", "text",
                  title="T"))
    lines = a.body_markdown.split("\n\n")
    assert lines[0].startswith("\\#话题")
    assert lines[1].startswith("1\\. ")
    assert lines[2].startswith("\\* ")
    assert "&lt;b&gt;" in lines[3] or "&lt;b>" in lines[3]
    assert "a\\_b\\*c" in lines[3]
    assert "<b>" not in a.body_markdown


def test_plain_text_lines_and_markdown_emphasis() -> None:
    a = clean(src("第一行。\n第二行。\n\n**强调**的文字。", "markdown", title="T"))
    assert a.text == "第一行。\n第二行。\n强调的文字。"
    assert "**强调**的文字。" in a.body_markdown


# --- metadata ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Mon, 05 Sep 2022 11:29:55 GMT", datetime(2022, 9, 5, 11, 29, 55, tzinfo=UTC)),
        ("2022-09-05T19:29:55+08:00", datetime(2022, 9, 5, 11, 29, 55, tzinfo=UTC)),
        ("2022年9月5日 19:29", datetime(2022, 9, 5, 11, 29, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
    ],
)
def test_parse_date(raw: object, want: datetime | None) -> None:
    got = parse_date(raw)
    assert got == want
    assert got is None or got.tzinfo is not None


def test_meta_fields() -> None:
    a = html_article("<p>正文。</p>", date="garbage", url="https://news.example.cn/a.html", author="某网",
                     categories="财经, 要闻")
    assert a.published is None and any(d.level == "warning" for d in a.diagnostics)
    assert a.url == "https://news.example.cn/a.html" and a.outlet == "某网"
    assert a.categories == ["财经", "要闻"]
    assert html_article("<p>x</p>", url="javascript:alert(1)").url is None


# --- safety -------------------------------------------------------------------------------------------

_TAGS = ["p", "div", "span", "a", "img", "script", "style", "iframe", "form", "strong", "em", "svg", "object",
         "figure", "figcaption", "table", "tr", "td", "h1", "h3", "br", "li", "blockquote", "font", "input"]
_ATTRS = ["href", "src", "onclick", "onerror", "style", "class", "data-src", "alt", "cms-style", "srcdoc"]
_VALUES = ["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,<script>x</script>", "//evil.example/x",
           "https://ok.example/i.jpg", "img_descr", "appendQr_wrap", "x\" onload=\"alert(1)", "strong-Bold",
           "&#106;avascript:alert(1)", "<script>"]
_TEXT = st.text(alphabet="服贸会展，。:,()<>&\"'#*_ 1.\n　abc", max_size=20)


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            attrs = "".join(
                f' {draw(st.sampled_from(_ATTRS))}="{draw(st.sampled_from(_VALUES))}"'
                for _ in range(draw(st.integers(0, 2)))
            )
            parts.append(f"<{tag}{attrs}>{draw(_html(depth + 1))}</{tag}>")
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


_ALLOWED_HTML = {"div", "p", "figure", "img", "figcaption", "a", "strong", "em", "h2", "h3", "h4", "blockquote",
                 "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "code"}


def _assert_safe(md: str) -> None:
    """The Markdown as the site renders it (Python-Markdown passes raw HTML through) is harmless."""
    low = md.lower()
    for bad in ("<script", "<style", "<iframe", "<form", "<svg", "<object", "<input", "<embed"):
        assert bad not in low, (bad, md)
    # Raw HTML only in figure blocks, and every tag in them is on the allow-list.
    for tag in re.findall(r"<\s*([a-zA-Z][\w-]*)", md):
        assert tag.lower() in ("figure", "img", "figcaption"), md
    rendered = markdown.markdown(md)
    root = lxml.html.fragment_fromstring(rendered or "<p></p>", create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag in _ALLOWED_HTML, (el.tag, md)
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), md
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://")), (value, md)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html(), st.sampled_from(["html", "markdown", "text"]))
def test_property_random_input_is_safe(body: str, fmt: str) -> None:
    a = clean(src(body, fmt, title=body[:10]))
    _assert_safe(a.body_markdown)
    assert "\ue000" not in a.body_markdown + a.text


def test_known_payloads() -> None:
    a = html_article(
        '<p onclick="x()">正文<img src="x" onerror="alert(1)"><a href="JaVaScRiPt:alert(1)">点</a></p>'
        '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input></form>'
        '<img src="data:image/png;base64,AAAA"><img src="//evil.example/x.jpg" alt="\\" onload=\\"x">'
        "<svg><script>alert(1)</script></svg><object data='x.swf'></object>"
    )
    _assert_safe(a.body_markdown)
    assert "onerror" not in a.body_markdown and "iframe" not in a.body_markdown


def test_furniture_patterns_with_letters_ignore_case_and_han_ones_compile_without_it() -> None:
    r = rules()
    assert r.lines_any.search("更多精彩尽在新华社APP") and r.lines_any.search("更多精彩尽在新华社app")
    assert r.credit_lines.search("新华社记者 张三 摄")
    assert not r.credit_lines.flags & re.I  # (?i:…) only around the patterns that have letters
    assert _cased("(?:APP|客户端)") and not _cased(r"^[{HAN}]{2,12}\s*\S摄$")


def test_the_character_tests_agree_with_the_classes_they_stand_for() -> None:
    """_is_han and _is_cjk_punct compare characters instead of matching HAN and CJK_PUNCT: over
    every character of the Basic Multilingual Plane, they say what the classes say."""
    from yearbook import clean as c

    han, punct = re.compile(f"[{c.HAN}]"), re.compile(f"[{c.CJK_PUNCT}]")
    for code in range(0x10000):
        ch = chr(code)
        assert c._is_han(ch) == bool(han.match(ch)), hex(code)
        assert c._is_cjk_punct(ch) == bool(punct.match(ch)), hex(code)
    assert not c._is_han("") and not c._is_cjk_punct("")
