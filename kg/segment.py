"""Sentences and words: split normalized text on 。！？ and paragraphs; tag words with jieba."""
from __future__ import annotations

import re

from kg.model import Sentence, Token

_END = "。！？!?"
_CLOSE = "”’」』）)\"'"
_SENT_RE = re.compile(rf"[^{_END}\n]*(?:[{_END}]+[{_CLOSE}]*|$)")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split normalized text into sentences; a paragraph without end punctuation is a caption."""
    out: list[Sentence] = []
    pos = 0
    for p_index, para in enumerate(text.split("\n")):
        start_para = pos
        for m in _SENT_RE.finditer(para):
            chunk = m.group(0)
            if not chunk.strip():
                continue
            lead = len(chunk) - len(chunk.lstrip())
            body = chunk.strip()
            s = start_para + m.start() + lead
            ended = body[-1] in _END or (body[-1] in _CLOSE and len(body) > 1 and body[-2] in _END)
            out.append(Sentence(s, s + len(body), body, p_index, caption=not ended))
        pos += len(para) + 1
    return tuple(out)


def _tagger():
    from kg.tokenizer import pos_tokenizer

    return pos_tokenizer()


def tag(text: str) -> tuple[Token, ...]:
    """Return jieba's words and parts of speech for ``text``, with offsets."""
    out = []
    pos = 0
    for pair in _tagger().cut(text):
        w = pair.word
        out.append(Token(w, pair.flag, pos, pos + len(w)))
        pos += len(w)
    return tuple(out)
