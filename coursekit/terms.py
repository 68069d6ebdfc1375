"""Key terms of each page, in English and Korean: the one source for every key-terms
box and for the glossary in the appendix.

In a notebook, a cell tagged ``remove-input`` renders a chapter's box::

    from coursekit.terms import key_terms
    key_terms("01_perceptron/perceptron")
"""

from __future__ import annotations

#: page (chapter folder/notebook) -> [(English term, Korean term as the course notes write it, one-line meaning)]
TERMS: dict[str, list[tuple[str, str, str]]] = {
    "01_perceptron/perceptron": [
        ("perceptron (single-layer)", "단층 퍼셉트론", "a weighted sum of the inputs plus a bias, passed through a step function"),
        ("weight, bias", "가중치, 편향", "the learned numbers: how much each input counts, and where the threshold sits"),
        ("step activation / threshold", "계단 함수 / 임계값", "outputs 1 when the net input reaches the threshold, else 0"),
        ("learning rule", "학습 규칙", "w ← w + η(y − ŷ)x: change the weights only after a mistake"),
        ("linearly separable", "선형 분리 가능", "a straight line (hyperplane) separates the classes; AND and OR are, XOR is not"),
    ],
    "01_perceptron/gradient_descent": [
        ("logistic unit", "로지스틱 유닛", "a neuron with a sigmoid instead of a step, so the loss has a useful gradient"),
        ("gradient descent", "경사 하강법", "move the parameters a small step against the gradient of the loss"),
        ("stochastic gradient descent (SGD)", "확률적 경사 하강법", "one update per randomly chosen sample"),
        ("mini-batch gradient descent", "미니 배치 경사 하강법", "one update per random batch of samples; what 'SGD' usually means in practice"),
        ("full-batch gradient descent", "배치 경사 하강법", "one update per pass over the whole training set"),
        ("epoch", "에포크", "one pass over the whole training set"),
        ("learning rate", "학습률", "η, the size of each step"),
    ],
}

def _chapter_title(page: str) -> str:
    """``"01_perceptron/perceptron"`` -> ``"1. Perceptron"``."""
    number, _, topic = page.split("/")[0].partition("_")
    return f"{int(number)}. {topic.replace('_', ' ').capitalize()}"


def _table(rows: list[tuple[str, str, str]], with_chapter: list[str] | None = None) -> str:
    head = ("| English | 한국어 | meaning |" + (" chapter |" if with_chapter else ""))
    rule = "|---|---|---|" + ("---|" if with_chapter else "")
    lines = [head, rule]
    for i, (en, ko, meaning) in enumerate(rows):
        lines.append(f"| **{en}** | {ko} | {meaning} |" + (f" {with_chapter[i]} |" if with_chapter else ""))
    return "\n".join(lines)


def key_terms_markdown(page: str) -> str:
    """The key-terms box of ``page`` as MyST Markdown (an admonition holding a table)."""
    if page not in TERMS:
        raise KeyError(f"no key terms for page {page!r}; known: {sorted(TERMS)}")
    return f":::{{admonition}} Key terms · 핵심 용어\n:class: tip\n\n{_table(TERMS[page])}\n:::\n"


def glossary_markdown() -> str:
    """Every chapter's terms in one table, sorted by the English term."""
    rows = sorted(((term, chapter) for chapter, terms in TERMS.items() for term in terms), key=lambda r: r[0][0].lower())
    return _table([term for term, _ in rows], with_chapter=[_chapter_title(c) for _, c in rows])


def key_terms(page: str):
    """Display the key-terms box of ``page`` in a notebook."""
    from IPython.display import Markdown

    return Markdown(key_terms_markdown(page))


def glossary():
    """Display the whole glossary in a notebook."""
    from IPython.display import Markdown

    return Markdown(glossary_markdown())
