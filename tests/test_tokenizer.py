"""kg.hmm's Viterbi against jieba's own: the same tags and score on every input, and the tokenizer's words."""
from __future__ import annotations

import jieba.posseg
from hypothesis import given, settings
from hypothesis import strategies as st
from jieba.posseg.viterbi import viterbi as jieba_viterbi

from kg.hmm import make_viterbi
from kg.segment import tag
from kg.tokenizer import pos_tokenizer

FAST = make_viterbi(jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P, jieba.posseg.char_state_tab_P)

RUNS = [
    "郝春燕", "欧阳建华", "桐花镇", "柳塘村", "蓝溪县总工会主席郝春燕", "慰问困难职工", "的了在", "一",
    "鑫淼焱垚", "龘靐齉", "乌鲁木齐", "阿卜杜热依木", "斯琴高娃", "北京市温暖基金会", "乙丙丁戊己庚辛壬癸",
]
CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FD5), min_size=1, max_size=12)


def test_table_of_runs_matches_jieba():
    for run in RUNS:
        assert FAST(run) == jieba_viterbi(run, jieba.posseg.char_state_tab_P, jieba.posseg.start_P,
                                          jieba.posseg.trans_P, jieba.posseg.emit_P), run


@settings(max_examples=300, deadline=None)
@given(CJK)
def test_any_run_matches_jieba(run):
    assert FAST(run) == jieba_viterbi(run, jieba.posseg.char_state_tab_P, jieba.posseg.start_P,
                                      jieba.posseg.trans_P, jieba.posseg.emit_P)


SENTENCES = [
    "蓝溪县总工会党组书记、主席郝春燕一行来到桐花镇柳塘村,看望慰问困难职工欧阳建华。",
    "10月9日,阿卜杜热依木代表县慈善总会向12户困难家庭送去大米50袋、食用油30桶和慰问金共计3.2万元。",
    "斯琴高娃说:“谢谢工会年年都想着我们!”",
]


def test_tokenizer_words_match_plain_jieba():
    plain = jieba.posseg.POSTokenizer(jieba.dt)
    for s in SENTENCES:
        assert [(p.word, p.flag) for p in pos_tokenizer().cut(s)] == [(p.word, p.flag) for p in plain.cut(s)]
        assert "".join(t.word for t in tag(s)) == s
