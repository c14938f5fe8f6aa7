"""Tokenising Chinese/English feedback with jieba (exact segmentations of jieba 0.42.1) and frequent terms."""

import subprocess
import sys

import pytest

from opsdesk.engine.text import STOPWORDS, frequent_terms, tokenize

FEEDBACK = [
    "服务员态度很差，排队等了半小时",
    "排队排队排队！态度也不好",
    "Long queue, rude staff. Queue again!",
    "staff rude, 服务员 rude",
]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # 等 and 了 are single characters (了 also a stop word); the comma is punctuation
        ("服务员态度很差，排队等了半小时", ["服务员", "态度", "很差", "排队", "半小时"]),
        # 一直 and 没有 are stop words; 到 / 账 are single characters
        ("退款一直没有到账，客服电话打不通。", ["退款", "客服", "电话", "不通"]),
        # 我 觉得 这个 可以 are stop words
        ("我觉得这个新品奶茶太甜了，希望可以少糖", ["新品", "奶茶", "太甜", "希望", "少糖"]),
        ("收银员找错钱了，而且态度不好", ["收银员", "找错", "态度", "不好"]),
    ],
)
def test_chinese_sentences_are_segmented_without_stop_words(text, tokens):
    # given / when
    result = tokenize(text)
    # then
    assert result == tokens
    assert not set(result) & STOPWORDS


def test_mixed_chinese_and_english_text():
    # given
    text = "The waiter was rude 但是菜很好吃 WiFi密码是12345"
    # when
    tokens = tokenize(text)
    # then: English lower-cased, the/was/但是 dropped, 12345 digits only, 菜/很/是 single characters
    assert tokens == ["waiter", "rude", "好吃", "wifi", "密码"]


def test_curly_apostrophes_contractions_and_possessives():
    # given
    text = "I don\u2019t like the manager's attitude!!! 经理的态度太差了 😡😡"
    # when
    tokens = tokenize(text)
    # then: don't is a stop word, manager's is manager, emoji are dropped
    assert tokens == ["like", "manager", "attitude", "经理", "态度", "太差"]


def test_full_width_characters_emoji_and_punctuation():
    # given: full-width Latin letters and digits, an ideographic space, full-width brackets, emoji
    phone = "ｉＰｈｏｎｅ１５充电宝租不了（扫码失败）"
    signal = "Ｗｉｆｉ\u3000信号差！！😀👍 ２０２５年１２月"
    # when / then: NFKC turns ｉＰｈｏｎｅ１５ into iphone15 and ２０２５ into a digits-only token
    assert tokenize(phone) == ["iphone15", "充电", "宝租", "不了", "扫码", "失败"]
    assert tokenize(signal) == ["wifi", "信号"]


def test_nothing_meaningful_gives_no_tokens():
    # given: punctuation, emoji, digits, single letters and stop words only
    text = "……！！？？ 😀👍 123 ４５６ a b c 的 了 the and"
    # when / then
    assert tokenize(text) == []
    assert tokenize("") == []


def test_accented_latin_words_are_kept_whole():
    # given / when / then
    assert tokenize("Café très bon, crème brûlée") == ["café", "très", "bon", "crème", "brûlée"]


def test_frequent_terms_counts_each_term_once_per_text_and_orders_ties_by_term():
    # given: 排队 three times in one text, queue twice in one text
    # when
    terms = frequent_terms(FEEDBACK)
    # then: five terms in 2 texts (latin before CJK in code-point order), the rest in 1
    assert terms == [
        ("rude", 2), ("staff", 2), ("态度", 2), ("排队", 2), ("服务员", 2),
        ("long", 1), ("queue", 1), ("不好", 1), ("半小时", 1), ("很差", 1),
    ]


def test_frequent_terms_top_n():
    # given / when
    top_three = frequent_terms(FEEDBACK, top=3)
    none = frequent_terms(FEEDBACK, top=0)
    # then
    assert top_three == [("rude", 2), ("staff", 2), ("态度", 2)]
    assert none == []


def test_frequent_terms_with_extra_stop_words_normalised_like_the_tokens():
    # given: the extra words in full-width upper case must still match "rude"
    extra = ["服务员", "ＲＵＤＥ"]
    # when
    terms = frequent_terms(FEEDBACK, extra_stopwords=extra)
    # then
    assert terms == [
        ("staff", 2), ("态度", 2), ("排队", 2),
        ("long", 1), ("queue", 1), ("不好", 1), ("半小时", 1), ("很差", 1),
    ]


def test_frequent_terms_of_nothing_and_invalid_top():
    # given / when / then
    assert frequent_terms([]) == []
    assert frequent_terms(["😀", "123"]) == []
    with pytest.raises(ValueError, match="top"):
        frequent_terms(FEEDBACK, top=-1)


def test_jieba_initialises_quietly_and_writes_nothing_into_the_working_directory(tmp_path):
    # given: a fresh interpreter in an empty directory
    code = "from opsdesk.engine.text import tokenize; print(tokenize('服务员态度很差'))"
    # when
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                            timeout=120)
    # then: jieba's "Building prefix dict ..." lines stay silent
    assert result.stdout == "['服务员', '态度', '很差']\n"
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []
