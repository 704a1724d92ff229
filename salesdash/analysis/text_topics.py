"""What customers write: topics in feedback comments, in Chinese and English, without a segmenter.

Chinese has no spaces between words. Instead of a word segmenter (jieba and the like) each run of Chinese
characters becomes its overlapping character bigrams ("物流太慢" -> 物流, 流太, 太慢): most Chinese words are
two characters long, so the bigrams that carry a topic ("物流", "客服", "质量", "价格") stand out by their
weight, and the meaningless ones ("流太") are spread thin. English is split into lower-case words. Both
kinds of term go into one TF-IDF matrix, so a topic can gather the comments of both languages when the
people who wrote them share terms (brand or product names), and otherwise keeps one language per topic.

Topics come from non-negative matrix factorisation (NMF) of that matrix: each topic is a weighted set of
terms; each comment belongs to the topic with the largest weight (none when it has no known term).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

__all__ = ["terms", "TopicModel", "fit_topics", "MIN_COMMENTS"]

#: Fewer comments than this and topics are not computed (a topic of three comments is an anecdote).
MIN_COMMENTS = 30

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z'\-]+")
# Function characters: a bigram holding one carries grammar, not a topic.
_ZH_STOP_CHARS = set("的了是也都在和就还很我你他她它们这那个吗呢吧啊呀哦嗯么着过给被把让从对与及而并但")
_ZH_STOP_BIGRAMS = {"非常", "一个", "没有", "什么", "这个", "那个", "就是", "还是", "而且", "但是", "因为", "所以",
                    "已经", "可以", "觉得", "感觉", "比较", "真的", "一下", "一次", "有点", "有些", "东西"}
_EN_STOP = set(ENGLISH_STOP_WORDS) | {"really", "just", "got", "get", "im", "ive", "it's", "i'm", "bit", "lot",
                                      "quite", "pretty", "also", "would", "could", "one", "still"}


def terms(text: str) -> list[str]:
    """The terms of one comment: Chinese character bigrams and English words (lower case, no stop words).

    >>> terms("物流太慢, delivery was slow")
    ['物流', '流太', '太慢', 'delivery', 'slow']
    """
    if not isinstance(text, str):
        return []
    out: list[str] = []
    lower = text.lower()
    for run in _HAN.findall(lower):
        if len(run) == 1:
            continue
        for i in range(len(run) - 1):
            bigram = run[i:i + 2]
            if bigram[0] in _ZH_STOP_CHARS or bigram[1] in _ZH_STOP_CHARS or bigram in _ZH_STOP_BIGRAMS:
                continue
            out.append(bigram)
    for word in _WORD.findall(_HAN.sub(" ", lower)):
        word = word.strip("'-")
        if len(word) >= 3 and word not in _EN_STOP:
            out.append(word)
    return out


@dataclass(frozen=True)
class TopicModel:
    """Topics found in a set of comments.

    Attributes
    ----------
    enough : False when there were too few comments (then the frames are empty and `reason` says why).
    reason : what is needed, when not enough.
    topics : one row per topic: topic (0..k-1), top_terms (the terms with the largest weights, joined by
        " / "), comments (number assigned), share (of the comments that got a topic), language (the main
        language of its comments: "zh", "en" or "mixed").
    assignments : one row per comment that got a topic: position (index into the input), topic, weight.
    """

    enough: bool
    reason: str | None
    topics: pd.DataFrame
    assignments: pd.DataFrame

    def examples(self, comments: Sequence[str], *, per_topic: int = 3) -> pd.DataFrame:
        """The comments that most clearly belong to each topic.

        Returns columns: topic, comment, weight; `per_topic` rows per topic at most, strongest first.
        """
        if not self.enough or self.assignments.empty:
            return pd.DataFrame(columns=["topic", "comment", "weight"])
        texts = list(comments)
        a = self.assignments.sort_values(["topic", "weight", "position"], ascending=[True, False, True])
        a = a.assign(comment=[texts[i] for i in a["position"]]).drop_duplicates(["topic", "comment"])
        a = a.groupby("topic", sort=True).head(per_topic)
        return pd.DataFrame({"topic": a["topic"].to_numpy(), "comment": a["comment"].to_numpy(),
                             "weight": a["weight"].to_numpy()})


def _label_terms(weights: np.ndarray, vocab: np.ndarray, doc_freq: np.ndarray, n: int) -> list[str]:
    """The `n` terms that name a topic best.

    Terms weighing less than a tenth of the topic's heaviest term are left out (they belong to other
    topics), and so is a Chinese bigram straddling two words ("量不" in "质量不错"): a bigram whose first
    character ends a term at least as frequent and whose second character starts one.
    """
    df_of = {str(vocab[i]): doc_freq[i] for i in range(len(vocab))}
    order = np.argsort(weights)[::-1]
    top = weights[order[0]] if len(order) else 0.0
    candidates = [str(vocab[i]) for i in order[: n * 4] if weights[i] >= 0.1 * top]
    zh = [c for c in candidates if _HAN.fullmatch(c)]
    out: list[str] = []
    for term in candidates:
        if _HAN.fullmatch(term):
            others = [z for z in zh if z != term and df_of[z] >= df_of[term]]
            if any(b[-1] == term[0] for b in others) and any(b[0] == term[-1] for b in others):
                continue
        out.append(term)
        if len(out) == n:
            break
    return out


def _empty(reason: str) -> TopicModel:
    return TopicModel(
        enough=False, reason=reason,
        topics=pd.DataFrame(columns=["topic", "top_terms", "comments", "share", "language"]),
        assignments=pd.DataFrame(columns=["position", "topic", "weight"]),
    )


def fit_topics(comments: Sequence[str], *, n_topics: int = 8, top_terms: int = 6, min_df: int = 3,
               seed: int = 0) -> TopicModel:
    """Find `n_topics` topics in `comments` (Chinese, English or both).

    Parameters
    ----------
    comments : the comment texts (None and empty strings are skipped).
    n_topics : number of topics; fewer when the comments hold fewer distinct terms.
    top_terms : terms listed per topic.
    min_df : a term must appear in at least this many comments.
    seed : NMF initialisation seed (results are deterministic for a seed).

    Returns
    -------
    TopicModel (``enough`` False, with a reason, when fewer than :data:`MIN_COMMENTS` comments have terms).
    """
    texts = [c if isinstance(c, str) else "" for c in comments]
    usable = sum(1 for c in texts if terms(c))
    if usable < MIN_COMMENTS:
        return _empty(f"comments={usable} < {MIN_COMMENTS}")
    vec = TfidfVectorizer(analyzer=terms, min_df=min_df, sublinear_tf=True, norm="l2")
    try:
        matrix = vec.fit_transform(texts)
    except ValueError:  # no term reaches min_df
        return _empty(f"terms in at least {min_df} comments = 0")
    vocab = np.asarray(vec.get_feature_names_out())
    doc_freq = np.asarray((matrix > 0).sum(axis=0)).ravel()
    k = int(max(1, min(n_topics, len(vocab) - 1, usable // 5)))
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = nmf.fit_transform(matrix)
    components = nmf.components_
    best = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    # A comment whose strongest weight is tiny shares no term with any topic: it gets none.
    has = strength > 0.01 * np.median(strength[strength > 0]) if np.any(strength > 0) else strength > 0
    positions = np.flatnonzero(has)
    assignments = pd.DataFrame({"position": positions, "topic": best[has].astype(int), "weight": strength[has]})
    rows = []
    total = max(len(positions), 1)
    for topic in range(k):
        order = _label_terms(components[topic], vocab, doc_freq, top_terms)
        members = assignments.loc[assignments["topic"] == topic, "position"]
        zh = sum(1 for i in members if _HAN.search(texts[i]))
        lang = "zh" if zh >= 0.8 * max(len(members), 1) else ("en" if zh <= 0.2 * len(members) else "mixed")
        rows.append({"topic": topic, "top_terms": " / ".join(order), "comments": int(len(members)),
                     "share": len(members) / total, "language": lang})
    topics = pd.DataFrame(rows)
    return TopicModel(enough=True, reason=None, topics=topics, assignments=assignments)
