"""Tests for kg.ingest: encodings, folders, JSONL rows, markup, bad input, streaming."""
from __future__ import annotations

import codecs
import inspect
import io
import json
import os
import re
from pathlib import Path

import pytest

from kg import ingest
from kg.errors import InputError
from kg.ingest import decode_bytes, html_to_text, iter_documents, markdown_to_text
from kg.model import Document, Problem

SIMPLIFIED = "大兴区总工会党组书记、主席郭金江慰问困难职工，送去节日问候和新春祝福。\n第二段：为职工送温暖。"
TRADITIONAL = "大興區總工會黨組書記、主席郭金江慰問困難職工，為職工送溫暖。\n第二段：送去節日問候。"
SHORT_TRADITIONAL = "為職工送溫暖"


def _family(name: str) -> str:
    """Map a codec name to the family a test expects (BOM or not, GBK or GB18030)."""
    name = codecs.lookup(name).name
    return {"utf-8-sig": "utf-8", "gbk": "gb18030", "cp950": "big5"}.get(name, name)


def _docs(items):
    return [item for item in items if isinstance(item, Document)]


def _problems(items):
    return [item for item in items if isinstance(item, Problem)]


# --------------------------------------------------------------------------- decode_bytes

ROUND_TRIPS = [
    # (text, how to encode, expected family)
    (SIMPLIFIED, "utf-8", "utf-8"),
    (SIMPLIFIED, "utf-8-sig", "utf-8"),
    (SIMPLIFIED, "utf-16", "utf-16-le"),  # Python writes a little-endian BOM
    (SIMPLIFIED, "utf-16-le", "utf-16-le"),
    (SIMPLIFIED, "utf-16-be", "utf-16-be"),
    (SIMPLIFIED, "gb18030", "gb18030"),
    (SIMPLIFIED, "gbk", "gb18030"),
    (SIMPLIFIED, "gb2312", "gb18030"),
    (TRADITIONAL, "utf-8", "utf-8"),
    (TRADITIONAL, "big5", "big5"),
    (TRADITIONAL, "gb18030", "gb18030"),  # traditional text saved as GBK stays traditional
    (TRADITIONAL, "utf-16-be", "utf-16-be"),
    (SHORT_TRADITIONAL, "big5", "big5"),
    (SHORT_TRADITIONAL, "gbk", "gb18030"),
    ("郭金江", "gbk", "gb18030"),
    ("慰問困難職工", "big5", "big5"),
    ("Daxing union 2020: 慰问 12 户困难职工", "gb18030", "gb18030"),
    ("Daxing union 2020: 慰问 12 户困难职工", "utf-16-le", "utf-16-le"),
    ("Daxing union 2020: 慰問 12 戶困難職工", "big5", "big5"),
    ("€ 5 000 for 職工", "cp950", "big5"),
    # BOM-less UTF-16 of non-Chinese text: the NUL bytes of ASCII give the byte order.
    ("Здравствуйте, товарищи 2020", "utf-16-le", "utf-16-le"),
    ("Здравствуйте, товарищи 2020", "utf-16-be", "utf-16-be"),
]


@pytest.mark.parametrize(("text", "codec", "family"), ROUND_TRIPS)
def test_decode_round_trip(text, codec, family):
    decoded, name = decode_bytes(text.encode(codec))
    assert decoded == text
    assert _family(name) == family


def test_decode_falls_back_when_the_best_guess_breaks_later():
    # The first 64 KiB are Big5 (which scores best there), then comes a GBK-only byte
    # sequence: Big5 cannot decode the whole file, GB18030 can, so it is used.
    head = "Daxing union 2020: 為職工送溫暖\n" * 3000
    data = head.encode("big5") + "丂".encode("gbk")  # GBK lead byte 0x81: not Big5
    assert len(head.encode("big5")) > 64 * 1024
    text, name = decode_bytes(data)
    assert name == "gb18030"
    assert text == data.decode("gb18030")


def test_decode_strips_bom_and_reports_it():
    text, name = decode_bytes(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"))
    assert text == SIMPLIFIED
    assert name == "utf-8-sig"


def test_decode_keeps_traditional_characters():
    text, _ = decode_bytes(TRADITIONAL.encode("big5"))
    assert "為職工送溫暖" in text  # no conversion to simplified


@pytest.mark.parametrize(
    ("data", "forced", "expected"),
    [
        ("為職工送溫暖".encode("big5"), "big5", "為職工送溫暖"),
        ("为职工送温暖".encode("gbk"), "gbk", "为职工送温暖"),
        ("为职工送温暖".encode("gbk"), "GB2312", "为职工送温暖"),
        # Forcing wins over detection: these GBK bytes are also valid Big5.
        ("工会".encode("gbk"), "big5", "工会".encode("gbk").decode("big5")),
        (codecs.BOM_UTF8 + "送温暖".encode(), "utf-8", "送温暖"),
        ("送温暖".encode("utf-16"), "utf-16", "送温暖"),
    ],
)
def test_decode_forced(data, forced, expected):
    text, _ = decode_bytes(data, encoding=forced)
    assert text == expected


@pytest.mark.parametrize(
    ("data", "forced", "fragment"),
    [
        ("为职工送温暖".encode("gbk"), "utf-8", "not valid UTF-8"),
        ("為職工送溫暖".encode("gbk"), "big5", "not valid BIG5"),
        (b"abc", "no-such-codec", "unknown text encoding 'no-such-codec'"),
        (b"abc", "base64", "unknown text encoding 'base64'"),
        (b"abc", "undefined", "not valid UNDEFINED"),
        (b"\x00\x01\x02\x03\x04\x05abc", None, "binary file"),
        (bytes(range(1, 32)) * 4, None, "binary file"),
        (b"\x81\xff\xfe\x80\x00\x81", None, "binary file"),
        (b"\xff\xfe\x00\xd8a\x00", None, "not valid UTF-16 LE"),  # BOM then a lone surrogate
    ],
)
def test_decode_errors(data, forced, fragment):
    with pytest.raises(InputError, match=re.escape(fragment)):
        decode_bytes(data, encoding=forced)


@pytest.mark.parametrize(
    ("data", "forced", "offset", "line"),
    [
        ("第一行\n".encode() + "第二行".encode("gbk"), "utf-8", 10, 2),
        ("第一行\n".encode() + "第二行".encode("gbk"), None, 10, 2),
        ("甲\n乙\n丙".encode("gbk") + b"\xff", "gbk", 8, 3),
        # Offsets count from the start of the file, BOM included; lines count UTF-16 line breaks.
        (codecs.BOM_UTF16_LE + "第一行\n第二行".encode("utf-16-le") + b"\x00\xd8" + b"x\x00", None, 16, 2),
        (codecs.BOM_UTF16_BE + "一\n二\n三".encode("utf-16-be") + b"\xdc\x00", "utf-16", 12, 3),
        (b"abc\ndef\n\x00\x01\x02", None, 8, 3),
    ],
)
def test_decode_error_locates_the_bad_byte(data, forced, offset, line):
    with pytest.raises(ingest.DecodeError) as info:
        decode_bytes(data, encoding=forced)
    assert (info.value.offset, info.value.line) == (offset, line)
    assert f"offset {offset}" in str(info.value)


# --------------------------------------------------------------------------- markup

HTML_CASES = [
    # (markup, expected text, expected title)
    (
        "<html><head><title>大兴区 送温暖</title><style>p {color: red}</style>"
        "<script>var x = '<p>不要</p>';</script></head>"
        "<body><h1>慰问困难职工</h1><p>郭金江&nbsp;慰问&amp;帮扶</p>\n  <div>第二段<br>第三行</div>"
        "<noscript>请启用脚本</noscript><template><p>模板</p></template></body></html>",
        "慰问困难职工\n郭金江\xa0慰问&帮扶\n第二段\n第三行",
        "大兴区 送温暖",
    ),
    ("<h1>只有标题</h1><p>正文</p>", "只有标题\n正文", "只有标题"),
    ("<ul><li>甲</li><li>乙</li></ul><table><tr><td>丙</td></tr><tr><td>丁</td></tr></table>", "甲\n乙\n丙\n丁", None),
    ("<p>为职工<b>送</b>温暖</p><section>节日&#x95EE;候</section>", "为职工送温暖\n节日问候", None),
    ("<article><h2>二级</h2><p>段</p></article>", "二级\n段", None),
    # Source indentation is layout; an ideographic-space paragraph indent is text.
    ("<div>\n    <p>\n      郭金江慰问\n    </p>\n    <p>\u3000\u3000送温暖 </p>\n</div>", "郭金江慰问\n\u3000\u3000送温暖", None),
    ("<p>甲</p>\n<p>\n  乙</p>", "甲\n乙", None),
    ("<p>第一行\n第二行</p>", "第一行\n第二行", None),  # line breaks inside a block are kept for normalize
    ("<pre>  甲\n  乙</pre>", "甲\n  乙", None),
    ("<p>郭<b>金江</b> 慰问</p>", "郭金江 慰问", None),
]


@pytest.mark.parametrize(("markup", "text", "title"), HTML_CASES)
def test_html_to_text(markup, text, title):
    assert html_to_text(markup) == (text, title)


MARKDOWN_CASES = [
    # (markdown, expected text, expected title)
    ("# 送温暖\n正文", "送温暖\n正文", "送温暖"),
    ("## 副标题\n# 主标题 #\n正文", "副标题\n主标题\n正文", "主标题"),
    ("**郭金江**慰问*困难*职工", "郭金江慰问困难职工", None),
    ("见[大兴区总工会](http://example.org)和![照片](a.png)", "见大兴区总工会和照片", None),
    ("> 引用的话\n- 列表项\n* 另一项", "引用的话\n列表项\n另一项", None),
    ("```\ncode_here\n```\n---\n正文", "\ncode_here\n\n\n正文", None),
    ("snake_case_name 与 `代码`", "snake_case_name 与 代码", None),
    ("大兴区总工会\n======\n正文\n# 后来的标题", "大兴区总工会\n\n正文\n后来的标题", "大兴区总工会"),
    ("不是标题\n\n===\n", "不是标题\n\n===\n", None),
]


@pytest.mark.parametrize(("markdown", "text", "title"), MARKDOWN_CASES)
def test_markdown_to_text(markdown, text, title):
    assert markdown_to_text(markdown) == (text, title)


# --------------------------------------------------------------------------- files and folders


def _write(path: Path, data: bytes | str, codec: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(codec))
    return path


@pytest.mark.parametrize(("text", "codec", "family"), ROUND_TRIPS)
def test_file_round_trip(tmp_path, text, codec, family):
    _write(tmp_path / "a.txt", text, codec)
    [doc] = list(iter_documents([tmp_path / "a.txt"]))
    assert isinstance(doc, Document)
    assert doc.text == text
    assert (doc.source_path, doc.doc_id, doc.media_type) == ("a.txt", "a", "txt")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newlines_become_lf(tmp_path, newline):
    _write(tmp_path / "a.txt", codecs.BOM_UTF8 + f"第一行{newline}第二行{newline}".encode())
    [doc] = iter_documents([tmp_path])
    assert doc.text == "第一行\n第二行\n"


def test_text_is_not_normalized(tmp_path):
    raw = " 在 “两节” 慰问中， 大兴区\n各基层工会也都早早的全力投入\n\n\n到慰问活动中 ，"
    _write(tmp_path / "a.txt", raw)
    [doc] = iter_documents([tmp_path])
    assert doc.text == raw


def test_forced_encoding_applies_to_every_file(tmp_path):
    _write(tmp_path / "a.txt", "Daxing\n为职工送温暖", "gbk")
    _write(tmp_path / "b.txt", "第一行\n送温暖", "utf-8")
    for forced, good, bad in [("gbk", "a", "b"), ("utf-8", "b", "a")]:
        items = list(iter_documents([tmp_path], encoding=forced))
        assert [d.doc_id for d in _docs(items)] == [good]
        [problem] = _problems(items)
        assert problem.path == f"{tmp_path.name}/{bad}.txt"
        assert f"encoding {forced!r} was forced" in problem.message
    items = list(iter_documents([tmp_path], encoding="utf-8"))
    assert str(_problems(items)[0]).startswith(f"{tmp_path.name}/a.txt:2: not valid UTF-8")


def test_folder_recursion_order_and_skips(tmp_path):
    for name in ["b.txt", "a/z.md", "a/b/c.HTML", "a.jsonl", "c.htm", "d.markdown", "Z.TXT"]:
        content = json.dumps({"id": "r1", "text": "行"}) if name.endswith("jsonl") else "<p>送温暖</p>"
        _write(tmp_path / name, content)
    # Skipped silently: hidden files and folders, unknown suffixes inside a folder.
    _write(tmp_path / ".hidden.txt", "隐藏")
    _write(tmp_path / ".git/x.txt", "隐藏")
    _write(tmp_path / "a/.cache/y.txt", "隐藏")
    _write(tmp_path / "notes.pdf", b"%PDF-1.4")
    _write(tmp_path / "a/data.csv", "x,y")
    first = [d.source_path.removeprefix(tmp_path.name + "/") for d in iter_documents([tmp_path])]
    assert first == ["Z.TXT", "a/b/c.HTML", "a/z.md", "a.jsonl#r1", "b.txt", "c.htm", "d.markdown"]
    assert [d.source_path.removeprefix(tmp_path.name + "/") for d in iter_documents([tmp_path])] == first
    types = {d.source_path.removeprefix(tmp_path.name + "/"): d.media_type for d in iter_documents([tmp_path])}
    assert types["a/b/c.HTML"] == "html" and types["d.markdown"] == "md" and types["a.jsonl#r1"] == "jsonl"


def test_same_file_twice_is_read_once(tmp_path):
    _write(tmp_path / "a.txt", "送温暖")
    items = list(iter_documents([tmp_path, tmp_path / "a.txt"]))
    assert [d.source_path for d in items] == [f"{tmp_path.name}/a.txt"]


def test_explicit_paths_keep_their_order_and_accept_a_single_path(tmp_path):
    _write(tmp_path / "a.txt", "甲")
    _write(tmp_path / "b.txt", "乙")
    assert [d.doc_id for d in iter_documents([tmp_path / "b.txt", tmp_path / "a.txt"])] == ["b", "a"]
    assert [d.doc_id for d in iter_documents(tmp_path / "a.txt")] == ["a"]
    assert [d.doc_id for d in iter_documents(str(tmp_path / "a.txt"))] == ["a"]


def test_source_path_is_the_same_from_any_folder(tmp_path, monkeypatch):
    # the argument's own name plus the path inside it, whatever the working folder (kgo:sourcePath)
    _write(tmp_path / "in" / "a.txt", "甲")
    _write(tmp_path / "out" / "sub" / "b.txt", "乙")
    for cwd in (tmp_path / "in", tmp_path / "out" / "sub", tmp_path):
        monkeypatch.chdir(cwd)
        [a] = iter_documents([tmp_path / "in" / "a.txt"])
        assert a.source_path == "a.txt"
        [b] = iter_documents([Path(os.path.relpath(tmp_path / "out", cwd))])
        assert b.source_path == "out/sub/b.txt"
        [row] = iter_documents([tmp_path / "in"])
        assert row.source_path == "in/a.txt"
    monkeypatch.chdir(tmp_path / "in")
    [dot] = iter_documents([Path(".")])
    assert dot.source_path == "in/a.txt"


def test_html_and_markdown_files(tmp_path):
    html = "<html><head><title>送温暖</title><script>alert('坏')</script><style>.x{}</style></head><body><p>郭金江慰问</p></body></html>"
    _write(tmp_path / "a.html", html, "gbk")
    _write(tmp_path / "b.md", "# 大兴区总工会\n\n**慰问**困难职工\n")
    a, b = iter_documents([tmp_path])
    assert (a.text, a.title, a.media_type) == ("郭金江慰问", "送温暖", "html")
    assert "alert" not in a.text and ".x" not in a.text
    assert (b.text, b.title, b.media_type) == ("大兴区总工会\n\n慰问困难职工\n", "大兴区总工会", "md")


# --------------------------------------------------------------------------- JSONL


def _jsonl(rows) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows)


def test_jsonl_rows(tmp_path):
    rows = [
        {"id": "d1", "text": "郭金江慰问困难职工", "title": "送温暖", "date": "2020-01-15", "source": "今日大兴"},
        {"id": 7, "text": "第一行\r\n第二行"},
    ]
    _write(tmp_path / "x.jsonl", _jsonl(rows))
    first, second = iter_documents([tmp_path / "x.jsonl"])
    assert first == Document(
        source_path="x.jsonl#d1", doc_id="d1", text="郭金江慰问困难职工",
        title="送温暖", date="2020-01-15", source="今日大兴", media_type="jsonl",
    )
    assert (second.source_path, second.doc_id, second.text) == ("x.jsonl#7", "7", "第一行\n第二行")


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-be"])
def test_jsonl_encodings(tmp_path, codec):
    rows = [{"id": f"r{i}", "text": f"为职工送温暖{i}"} for i in range(3)]
    _write(tmp_path / "x.jsonl", _jsonl(rows), codec)
    assert [d.text for d in iter_documents([tmp_path / "x.jsonl"])] == [r["text"] for r in rows]


def test_jsonl_forced_encoding(tmp_path):
    rows = [{"id": f"r{i}", "text": f"为职工送温暖{i}"} for i in range(2)]
    _write(tmp_path / "x.jsonl", _jsonl(rows), "gbk")
    assert [d.text for d in iter_documents([tmp_path / "x.jsonl"], encoding="GBK")] == [r["text"] for r in rows]
    problems = list(iter_documents([tmp_path / "x.jsonl"], encoding="utf-8"))
    assert [(p.line, "encoding 'utf-8' was forced" in p.message) for p in problems] == [(1, True), (2, True)]
    [problem] = iter_documents([tmp_path / "x.jsonl"], encoding="klingon")
    assert str(problem).startswith("x.jsonl: unknown text encoding 'klingon'")


def test_jsonl_big5(tmp_path):
    rows = [{"id": f"r{i}", "text": f"大興區總工會為職工送溫暖，慰問困難職工{i}。"} for i in range(3)]
    _write(tmp_path / "x.jsonl", _jsonl(rows), "big5")
    assert [d.text for d in iter_documents([tmp_path / "x.jsonl"])] == [r["text"] for r in rows]


JSONL_PROBLEMS = [
    # (bad row, expected message fragment)
    ("{not json", "invalid JSON"),
    ('["郭金江"]', "row is a JSON array, expected an object"),
    ('"送温暖"', "row is a JSON string"),
    ('{"id": "b", "title": "t"}', "missing field 'text' (fields: id, title)"),
    ('{"text": "送温暖", "title": "t"}', "missing field 'id' (fields: text, title)"),
    ('{"title": "t"}', "missing fields 'id', 'text' (fields: title)"),
    ("{}", "missing fields 'id', 'text' (fields: none)"),
    ('{"id": "b", "text": ""}', "empty field 'text'"),
    ('{"id": "b", "text": "  \\n "}', "empty field 'text'"),
    ('{"id": "b", "text": null}', "field 'text' must be a string, not a JSON null"),
    ('{"id": "b", "text": 5}', "field 'text' must be a string"),
    ('{"id": "", "text": "送温暖"}', "empty field 'id'"),
    ('{"id": [1], "text": "送温暖"}', "field 'id' must be a string or an integer, not a JSON array"),
    ('{"id": true, "text": "送温暖"}', "field 'id' must be a string or an integer"),
    ('{"id": "b", "text": "送温暖", "title": {"a": 1}}', "field 'title' must be a string"),
    ('{"id": "a", "text": "重复"}', "duplicate id 'a' (first on line 1)"),
]


@pytest.mark.parametrize(("row", "fragment"), JSONL_PROBLEMS)
def test_jsonl_bad_row(tmp_path, row, fragment):
    content = _jsonl([{"id": "a", "text": "第一篇"}, row, {"id": "c", "text": "第三篇"}])
    _write(tmp_path / "articles" / "a.jsonl", content)
    items = list(iter_documents([tmp_path / "articles"]))
    assert [d.source_path for d in _docs(items)] == ["articles/a.jsonl#a", "articles/a.jsonl#c"]
    [problem] = _problems(items)
    assert (problem.path, problem.line) == ("articles/a.jsonl", 2)
    assert str(problem).startswith("articles/a.jsonl:2: ")
    assert fragment in problem.message


def test_jsonl_blank_lines_are_skipped_but_counted(tmp_path):
    _write(tmp_path / "a.jsonl", '\n{"id": "a", "text": "甲"}\n\n   \n{"id": "b"}\n')
    items = list(iter_documents([tmp_path / "a.jsonl"]))
    assert [d.doc_id for d in _docs(items)] == ["a"]
    assert [p.line for p in _problems(items)] == [5]


def test_jsonl_undecodable_row_is_skipped(tmp_path):
    data = (
        _jsonl([{"id": "a", "text": "甲"}]).encode("utf-8")
        + '{"id": "b", "text": "为职工送温暖"}\n'.encode("gbk")
        + _jsonl([{"id": "c", "text": "丙"}]).encode("utf-8")
    )
    _write(tmp_path / "a.jsonl", data)
    items = list(iter_documents([tmp_path / "a.jsonl"]))
    assert [d.doc_id for d in _docs(items)] == ["a", "c"]
    [problem] = _problems(items)
    assert problem.line == 2 and "not valid UTF-8" in problem.message


# --------------------------------------------------------------------------- bad input


def test_bad_files_in_a_folder_with_good_ones(tmp_path):
    good = {
        "good1.txt": ("郭金江慰问困难职工", "utf-8"),
        "sub/good2.txt": ("为职工送温暖", "gbk"),
        "sub/good3.txt": (TRADITIONAL, "big5"),
    }
    for name, (text, codec) in good.items():
        _write(tmp_path / name, text, codec)
    bad = {
        "empty.txt": (b"", None, "empty file"),
        "blank.md": (b" \n\t\r\n", None, "empty file"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), 3, "binary file: NUL byte"),
        "controls.txt": (bytes(range(1, 9)) * 20, None, "binary file"),
        "undecodable.txt": (b"first line\n" + b"\x80\xff" * 50, 2, "cannot detect the text encoding"),
        "noisy.jsonl": (b'{"id": "r1", "text": "\xe7\x94\xb2"}\n[1]\n', 2, "row is a JSON array"),
        "long.txt": (("短行\n" + "长" * 50 + "\n短行").encode("utf-8"), 2, "line longer than 40 characters"),
        "scripts.html": ("<script>只有脚本</script>".encode(), None, "no text"),
        "rows.jsonl": (b'{"id": "r1", "title": "t"}\n', 1, "missing field 'text' (fields: id, title)"),
    }
    for name, (data, _, _) in bad.items():
        _write(tmp_path / "bad" / name, data)
    items = list(iter_documents([tmp_path], max_line_chars=40))
    top = tmp_path.name + "/"  # the folder named on the command line
    # The good row of a JSONL file with a bad row is a good document too.
    assert [d.source_path.removeprefix(top) for d in _docs(items)] == [
        "bad/noisy.jsonl#r1", "good1.txt", "sub/good2.txt", "sub/good3.txt"]
    assert [d.text for d in _docs(items)] == ["甲"] + [text for text, _ in good.values()]
    problems = {p.path.removeprefix(top): p for p in _problems(items)}
    assert sorted(problems) == sorted(f"bad/{name}" for name in bad)
    for name, (_, line, fragment) in bad.items():
        problem = problems[f"bad/{name}"]
        assert problem.line == line, name
        assert fragment in problem.message, (name, problem.message)
        where = f"{top}bad/{name}:{line}: " if line is not None else f"{top}bad/{name}: "
        assert str(problem).startswith(where)


def test_explicit_unknown_suffix_and_missing_path(tmp_path):
    _write(tmp_path / "notes.pdf", b"%PDF")
    _write(tmp_path / "ok.txt", "送温暖")
    items = list(iter_documents([tmp_path / "notes.pdf", tmp_path / "nope", tmp_path / "ok.txt"]))
    assert [str(p) for p in _problems(items)] == [
        "notes.pdf: unsupported file type '.pdf'; expected one of .txt, .md, .markdown, .html, .htm, .jsonl",
        "nope: no such file or folder",
    ]
    assert [d.doc_id for d in _docs(items)] == ["ok"]


def test_file_size_limit(tmp_path):
    _write(tmp_path / "big.txt", "送温暖" * 100)
    [problem] = iter_documents([tmp_path / "big.txt"], max_file_bytes=100)
    assert isinstance(problem, Problem) and "max_file_bytes" in problem.message


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("long_text", ["长" * 200, "a" * 60, "长" * 40])
def test_jsonl_long_line(tmp_path, codec, long_text):
    rows = [{"id": "a", "text": "甲"}, {"id": "b", "text": long_text}, {"id": "c", "text": "丙"}]
    _write(tmp_path / "a.jsonl", _jsonl(rows), codec)
    items = list(iter_documents([tmp_path / "a.jsonl"], max_line_chars=50))
    assert [d.doc_id for d in _docs(items)] == ["a", "c"]
    [problem] = _problems(items)
    assert problem.line == 2 and "max_line_chars" in problem.message


# --------------------------------------------------------------------------- streaming


def test_iter_documents_is_lazy(tmp_path):
    gen = iter_documents([tmp_path / "does-not-exist-yet.txt"])
    assert inspect.isgenerator(gen)
    _write(tmp_path / "does-not-exist-yet.txt", "送温暖")  # created after the call, before the first next()
    assert next(gen).text == "送温暖"


def test_jsonl_is_read_row_by_row(tmp_path):
    path = tmp_path / "a.jsonl"
    _write(path, _jsonl([{"id": "a", "text": "甲"}]))
    gen = iter_documents([path])
    assert next(gen).doc_id == "a"
    # Rows appended after the first document was yielded are still read:
    # the file was not slurped when reading began.
    with path.open("a", encoding="utf-8") as fh:
        fh.write(_jsonl([{"id": "b", "text": "乙"}]))
    assert [d.doc_id for d in gen] == ["b"]


class _CountingFile(io.FileIO):
    """A raw file that counts the bytes actually read from disk."""

    total = 0

    def readinto(self, buffer):
        n = super().readinto(buffer)
        _CountingFile.total += n or 0
        return n

    def readall(self):
        data = super().readall()
        _CountingFile.total += len(data)
        return data

    def read(self, size=-1):
        data = super().read(size)
        _CountingFile.total += len(data or b"")
        return data


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
def test_jsonl_first_document_before_the_rest_is_read(tmp_path, monkeypatch, codec):
    path = tmp_path / "big.jsonl"
    row = {"id": "0", "text": "为职工送温暖" * 100}
    with path.open("w", encoding=codec) as fh:
        for i in range(3000):
            fh.write(json.dumps({**row, "id": str(i)}, ensure_ascii=False) + "\n")
    size = path.stat().st_size

    def counting_open(file, mode="r", *args, **kwargs):
        assert mode == "rb"
        return io.BufferedReader(_CountingFile(file, "r"))

    monkeypatch.setattr(ingest, "open", counting_open, raising=False)
    monkeypatch.setattr(_CountingFile, "total", 0)
    gen = iter_documents([path])
    assert next(gen).doc_id == "0"
    assert _CountingFile.total < size / 10  # only the encoding sample and a buffer were read
    assert sum(1 for _ in gen) == 2999
    assert _CountingFile.total >= size
