"""Property tests (hypothesis): reading, markup stripping, normalization and sentence offsets never break."""
from __future__ import annotations

import codecs
import html

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import decode_bytes, html_to_text, iter_documents, markdown_to_text
from kg.model import Document, Problem
from kg.normalize import normalize
from kg.segment import split_sentences

# deadline=None: the first call builds the character tables, and charset-normalizer is slow on odd bytes.
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text without control characters (and so without NUL): what a text file holds.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")))
# Chinese news text: GB2312 hanzi, CJK punctuation, ASCII letters, digits and spaces, line breaks.
NEWS_CHARS = st.sampled_from(
    "大兴区总工会党组书记主席郭金江慰问困难职工送温暖节日问候新春祝福老党员退休干部村镇街道社区"
    "元万件袋米面油，。、；：！？“”（）《》 0123456789ABCxyz\n"
)
NEWS = st.text(NEWS_CHARS, min_size=20, max_size=400).filter(lambda t: not t.isascii())
# Real encodings, odd codecs (not text encodings, failing without a position, EBCDIC) and arbitrary names.
FORCED = st.one_of(
    st.sampled_from([
        "utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16", "utf-16-be", "utf-32", "latin-1", "ascii",
        "base64", "rot13", "zlib", "undefined", "idna", "punycode", "unicode_escape", "utf-7", "hz", "cp037",
    ]),
    # Surrogates break codecs.lookup; st.text() never draws them, so lists of characters.
    st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=12).map("".join),
)


# --------------------------------------------------------------------------- decode_bytes


@PROPERTY
@given(st.binary(max_size=2000))
@example(b"\x00")
@example(b"\xff\xfe\x00\xd8")  # BOM then a lone surrogate
@example(codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff")
@example(b"\x81")
def test_decode_bytes_only_raises_input_error(data):
    try:
        text, encoding = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str)
    codecs.lookup(encoding)


@PROPERTY
@given(st.binary(max_size=500), FORCED)
def test_forced_decode_only_raises_input_error(data, encoding):
    try:
        text, _ = decode_bytes(data, encoding=encoding)
    except InputError:
        return
    assert isinstance(text, str)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), FORCED, st.sampled_from(["a.txt", "a.html", "a.md", "a.jsonl"]))
def test_iter_documents_never_raises(tmp_path_factory, data, encoding, name):
    path = tmp_path_factory.mktemp("in") / name
    path.write_bytes(data)
    for item in iter_documents([path], encoding=encoding, max_line_chars=50):
        assert isinstance(item, (Document, Problem))


@PROPERTY
@given(TEXT.filter(lambda t: not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text):
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@PROPERTY
@given(NEWS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"]))
def test_news_text_round_trips(text, codec):
    decoded, _ = decode_bytes(text.encode(codec))
    assert decoded == text


# --------------------------------------------------------------------------- markup


@PROPERTY
@given(st.text())
@example("<script>")
@example("<title>x")
@example("<![CDATA[")
@example("<!--")
@example("&#x110000;")
@example("</p></p></script><br/>")
def test_html_to_text_never_raises(markup):
    text, title = html_to_text(markup)
    assert isinstance(text, str)
    assert title is None or (isinstance(title, str) and title)


@PROPERTY
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1))
def test_html_escaped_text_comes_back(text):
    assert html_to_text(f"<p>{html.escape(text)}</p>") == (text, None)


@PROPERTY
@given(st.text(st.characters(blacklist_characters="<")))
def test_html_script_content_is_dropped(code):
    assert html_to_text(f"<p>甲</p><script>{code}</script><style>{code}</style><p>乙</p>")[0] == "甲\n乙"


@PROPERTY
@given(st.text())
def test_markdown_keeps_line_structure(text):
    stripped, title = markdown_to_text(text)
    assert stripped.count("\n") == text.count("\n")
    assert title is None or title in stripped


# --------------------------------------------------------------------------- normalize and segment


@PROPERTY
@given(st.text())
@example("\r\n\r")
@example("\u3000 \u00a0\ufeff")
@example("大兴\n区总工会")
def test_normalize_takes_any_text_and_is_idempotent(raw):
    text = normalize(raw)
    assert "\r" not in text
    assert normalize(text) == text


@PROPERTY
@given(st.one_of(st.text(), NEWS))
def test_sentence_offsets_slice_their_text(raw):
    for text in (raw, normalize(raw)):
        sentences = split_sentences(text)
        for sentence in sentences:
            assert text[sentence.start:sentence.end] == sentence.text
        ends = [(s.start, s.end) for s in sentences]
        assert all(start <= end for start, end in ends)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(ends, ends[1:]))
