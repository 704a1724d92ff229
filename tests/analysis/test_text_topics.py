"""Topics of Chinese and English comments: terms by hand, and planted topics found again."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesdash.analysis.text_topics import MIN_COMMENTS, fit_topics, terms

TOPICS = {
    "delivery": ["物流太慢了，等了一周。", "快递送货太慢。", "物流速度太慢，包装破损。",
                 "Delivery was slow.", "Late delivery and a damaged box.", "Slow delivery, the courier never called."],
    "service": ["客服态度很差。", "客服回复不及时。", "售后客服不理人。",
                "Support agent was rude.", "Customer support never replied.", "Support took days to reply."],
    "quality": ["质量很好，做工精细。", "产品质量不错。", "质量一般，做工粗糙。",
                "Great quality product.", "Quality is poor, it broke.", "Excellent build quality."],
}


def _corpus(n: int = 240, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    truth = [names[i] for i in rng.integers(0, len(names), n)]
    return [TOPICS[t][rng.integers(0, len(TOPICS[t]))] for t in truth], truth


def test_terms_by_hand():
    # Chinese runs become overlapping bigrams, minus those holding a function character (了, 很...);
    # English words are lower-cased, stop words and words under three letters dropped.
    assert terms("物流太慢了") == ["物流", "流太", "太慢"]  # 慢了 holds 了
    assert terms("客服态度很差") == ["客服", "服态", "态度"]  # 度很, 很差 hold 很
    assert terms("The delivery was SLOW!") == ["delivery", "slow"]
    assert terms("App 很好用") == ["好用", "app"]  # 很好 holds 很; Chinese terms come first
    assert terms(None) == [] and terms("") == []


def test_planted_topics_are_found_in_both_languages():
    comments, truth = _corpus()
    model = fit_topics(comments, n_topics=6, seed=0)
    assert model.enough
    a = model.assignments.assign(truth=[truth[i] for i in model.assignments["position"]])
    # Each found topic is (almost) pure: its comments come from one planted topic.
    purity = a.groupby("topic")["truth"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert (purity >= 0.9).all(), purity
    # Each planted topic is the main content of at least one found topic (in each language it was written in).
    main = a.groupby("topic")["truth"].agg(lambda s: s.value_counts().index[0])
    assert set(main) == set(TOPICS)
    langs = model.topics.set_index("topic")["language"]
    assert {"zh", "en"} <= set(langs)
    # Top terms name the topic: the delivery topics mention 物流 or delivery.
    delivery_terms = " ".join(model.topics.loc[model.topics["topic"].isin(main[main == "delivery"].index),
                                               "top_terms"])
    assert "物流" in delivery_terms or "delivery" in delivery_terms
    assert model.topics["share"].sum() == 1.0 or abs(model.topics["share"].sum() - 1.0) < 1e-9
    assert model.topics["comments"].sum() == len(model.assignments)


def test_examples_are_distinct_comments_of_their_topic():
    comments, truth = _corpus()
    model = fit_topics(comments, n_topics=6, seed=0)
    ex = model.examples(comments, per_topic=3)
    assert not ex.duplicated(["topic", "comment"]).any()
    assert ex.groupby("topic").size().max() <= 3
    assigned = dict(zip(model.assignments["position"], model.assignments["topic"]))
    for topic, comment in zip(ex["topic"], ex["comment"]):
        positions = [i for i, c in enumerate(comments) if c == comment]
        assert any(assigned.get(i) == topic for i in positions)


def test_straddling_bigrams_do_not_name_a_topic():
    # 质量不错 gives 质量, 量不, 不错: 量不 is not a word and should not label the topic.
    comments = ["产品质量不错。", "质量不错，很满意。", "质量不错，推荐。"] * 12 + ["物流太慢了。", "物流很慢。"] * 12
    model = fit_topics(comments, n_topics=2, seed=0)
    labels = " / ".join(model.topics["top_terms"])
    assert "质量" in labels and "量不" not in labels


def test_too_few_comments_is_an_answer():
    model = fit_topics(["物流太慢"] * (MIN_COMMENTS - 1) + [None, ""], n_topics=3)
    assert not model.enough and "30" in model.reason
    assert model.topics.empty and model.examples(["x"]).empty
    assert isinstance(model.topics, pd.DataFrame)
