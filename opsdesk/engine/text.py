"""Frequent words in customer feedback written in Chinese, English or both.

Text is NFKC-normalised first (full-width letters, digits and punctuation become their ASCII forms), then split
into runs of Han characters, segmented with jieba (precise mode, HMM on for unknown words), and everything else,
where words are runs of letters and digits (an inner apostrophe kept: "don't"), lower-cased. Punctuation, emoji,
digits-only tokens, one-character tokens (single Latin letters, single Han characters) and stop words are dropped.

jieba is imported and initialised lazily on first use, with its logger raised to WARNING (it reports the
dictionary build on stderr otherwise). It caches its prefix dictionary in the system temp dir and downloads nothing.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable

#: Common Chinese function words (pronouns, particles, conjunctions, adverbs of degree and time, negations).
CHINESE_STOPWORDS = frozenset("""
的 了 是 我 你 他 她 它 在 有 和 与 及 也 就 都 很 还 这 那 不 没 吗 呢 吧 啊 呀 哦 嗯 么 着 过 被 把 给 让 对 从 向
到 又 再 才 只 而 但 或 如 若 之 其 此 为 以 于 等 个 一 上 下 里 中 会 能 要 想 去 来 说 得 地
没有 一个 一些 一下 一点 一直 一样 我们 你们 他们 她们 它们 咱们 自己 大家 这个 那个 这些 那些 这样 那样 这么 那么
这里 那里 哪里 什么 怎么 怎么样 为什么 因为 所以 但是 可是 不过 而且 并且 然后 如果 虽然 或者 还是 就是 只是 也是
还有 已经 非常 比较 特别 真的 确实 可能 可以 应该 需要 觉得 感觉 知道 时候 现在 今天 之后 以后 之前 以前 的话
有点 有些 这次 那次 不是 没什么 一次 每次 哈哈 呵呵
""".split())

#: Common English function words (articles, pronouns, auxiliaries, prepositions, conjunctions, negations).
ENGLISH_STOPWORDS = frozenset("""
a an the and or but nor so if then than as at by for from in into of off on onto out over to up with without
about after again against before below between during through under until upon while
is are was were be been being am do does did doing done have has had having will would shall should can could
may might must i me my mine myself we us our ours you your yours he him his she her hers it its they them their
theirs this that these those there here what which who whom whose when where why how all any both each few more
most other some such no not only own same too very just also even still ever really quite
i'm i've i'd i'll you're you've we're we've they're they've it's that's there's he's she's let's
don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't cannot couldn't shouldn't haven't hasn't
hadn't
""".split())

STOPWORDS = CHINESE_STOPWORDS | ENGLISH_STOPWORDS

# Han ideographs: CJK Extension A, Unified Ideographs, Compatibility Ideographs.
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@functools.cache
def _segmenter() -> Callable[[str], list[str]]:
    """jieba's precise-mode cutter, imported and initialised quietly on first call."""
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources, which newer setuptools flag as deprecated.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return functools.partial(jieba.lcut, cut_all=False, HMM=True)


def _raw_tokens(text: str) -> Iterable[str]:
    """Han runs cut by jieba and lower-cased words from the rest, in order, before any filtering."""
    position = 0
    for run in _HAN_RUN.finditer(text):
        yield from _words(text[position:run.start()])
        yield from _segmenter()(run.group())
        position = run.end()
    yield from _words(text[position:])


def _words(chunk: str) -> Iterable[str]:
    for match in _WORD.finditer(chunk):
        word = match.group().lower()
        # a possessive is the noun itself ("manager's" -> "manager"); contractions stay whole ("don't")
        yield word[:-2] if word.endswith("'s") and word not in STOPWORDS else word


def tokenize(text: str) -> list[str]:
    """Meaningful words of a piece of Chinese and/or English text, in order of appearance.

    Args:
        text: any text (feedback, complaint, review).

    Returns:
        Tokens: Chinese words as segmented by jieba, other words lower-cased; without punctuation, emoji,
        digits-only tokens, one-character tokens and STOPWORDS. Repeats are kept.
    """
    normalised = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return [token for token in _raw_tokens(normalised)
            if len(token) > 1 and not token.isdigit() and token not in STOPWORDS]


def frequent_terms(texts: Iterable[str], top: int = 30, extra_stopwords: Iterable[str] = ()) -> list[tuple[str, int]]:
    """The terms found in the most texts (document frequency: a term counts at most once per text).

    Args:
        texts: the texts, e.g. one per complaint or review.
        top: how many terms to return (>= 0).
        extra_stopwords: more words to drop (e.g. the brand or store name); matched after the same NFKC
            normalisation and lower-casing as the tokens.

    Returns:
        Up to `top` (term, number of texts containing it) pairs, by count descending, then by term (code point
        order), so ties come out in a stable order.
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top!r}")
    dropped = {unicodedata.normalize("NFKC", word).translate(_APOSTROPHES).lower() for word in extra_stopwords}
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokenize(text)) - dropped)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
