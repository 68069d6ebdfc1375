"""Key-terms boxes and the glossary: plain Markdown (no directive), one Korean term per concept,
a 가나다 index in dictionary order, and links to pages that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit import terms

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVE = re.compile(r"```\{|:::\{|\{literalinclude\}|\{admonition\}")


@pytest.mark.parametrize("page", sorted(terms.TERMS))
def test_key_terms_box_is_plain_markdown_with_a_table(page):
    box = terms.key_terms(page)
    markdown = box._repr_markdown_()
    assert not DIRECTIVE.search(markdown)
    assert "Key terms" in markdown and "| English | 한국어 | meaning |" in markdown
    assert markdown.count("\n| **") == len(terms.TERMS[page]), "one table row per term"
    assert "Key terms" in repr(box) and all(ko in repr(box) for _, ko, _ in terms.TERMS[page])


def test_unknown_page_names_the_known_ones():
    with pytest.raises(KeyError, match="01_perceptron/perceptron"):
        terms.key_terms("01_perceptron/nope")


def test_every_page_of_the_terms_exists():
    for page in terms.TERMS:
        assert (ROOT / "book" / f"{page}.ipynb").is_file(), page


def test_one_korean_term_per_concept():
    korean = [ko for page in terms.TERMS.values() for _, ko, _ in page]
    text = " ".join(korean)
    assert "크로스엔트로피" not in text and "교차 엔트로피" in text, "cross-entropy is 교차 엔트로피 everywhere"
    tanh = [ko for page in terms.TERMS.values() for en, ko, _ in page if "tanh" in en]
    assert tanh and all("하이퍼볼릭 탄젠트" in ko for ko in tanh), "탄젠트 alone is tan, not tanh"
    english = [en for page in terms.TERMS.values() for en, _, _ in page]
    assert len(set(english)) == len(english), "a term is defined on one page only"


def test_hangul_initials_and_order():
    assert [terms.hangul_initial(w) for w in ["가중치", "꼬리", "나", "학습률", "Adam", "KL 발산"]] == \
        ["ㄱ", "ㄲ", "ㄴ", "ㅎ", "A–Z", "A–Z"]
    words = ["학습률", "Adam", "경사 하강법", "역전파", "가중치", "퍼셉트론", "모멘텀"]
    assert sorted(words, key=terms.hangul_key) == ["가중치", "경사 하강법", "모멘텀", "역전파", "퍼셉트론", "학습률", "Adam"]


def _rows(markdown: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in markdown.splitlines()[2:]]


def test_glossary_sorted_by_english_with_links_to_the_defining_page():
    rows = _rows(terms.glossary_markdown())
    assert len(rows) == sum(map(len, terms.TERMS.values()))
    english = [r[0].strip("*").lower() for r in rows]
    assert english == sorted(english)
    for row in rows:
        page = re.fullmatch(r"\[[^\]]+\]\(\.\./(.+)\.ipynb\)", row[3]).group(1)
        assert any(en.lower() == row[0].strip("*").replace("\\|", "|").lower() for en, _, _ in terms.TERMS[page])


def test_korean_index_in_hangul_order_grouped_by_initial():
    rows = _rows(terms.glossary_korean_markdown())
    korean = [r[1] for r in rows]
    assert korean == sorted(korean, key=terms.hangul_key)
    letters = [r[0].strip("*") for r in rows if r[0]]
    assert letters[0] == "ㄱ" and letters[-1] == "A–Z" and len(letters) == len(set(letters))
    assert letters == sorted(letters[:-1], key=terms._INITIALS.index) + ["A–Z"]


def test_glossary_notebook_shows_both_indexes():
    import nbformat

    nb = nbformat.read(ROOT / "book/appendix/glossary.ipynb", as_version=4)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "glossary()" in sources and "glossary_korean()" in sources
