"""The Korean edition's catalogs (``locale/ko``, README "The Korean edition"): every English paragraph of the
book has a current Korean translation, and a changed English paragraph is named as stale. The built Korean
pages are checked with the English ones in ``test_book.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import editions  # noqa: E402


def _write(path: Path, messages: dict[str, str], template: bool = False) -> None:
    catalog = Catalog(locale=None if template else "ko")
    for number, (english, korean) in enumerate(messages.items(), start=1):
        catalog.add(english, "" if template else korean, locations=[("../../book/x.ipynb", number * 10000 + 2)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_needs_translation_skips_numbers_code_maths_and_term_names():
    for text in ["0.810", "`(d,)`", "$p_t$", "ReLU", "\n\\mathrm{FL}(p_t) = -\\alpha_t\\,(1 - p_t)^{\\gamma}\\log p_t\n",
                 "**backpropagation**", "역전파", "`nn.Linear(3, 4)` · $W x + b$"]:
        assert not editions.needs_translation(text), text
    for text in ["meaning", "In PyTorch", "The loss of one example", "Check yourself",
                 "with $\\gamma = 2$ the easy examples count less", "**recall** (재현율): the share of positives"]:
        assert editions.needs_translation(text), text


def test_a_changed_english_paragraph_is_named_stale_and_a_new_one_untranslated(tmp_path):
    old = {"The cat sat on the mat by the door.": "고양이가 문 옆 매트에 앉았습니다.",
           "Gradients flow backwards.": "기울기는 거꾸로 흐릅니다.",
           "A paragraph nobody changed.": "아무도 바꾸지 않은 문단입니다."}
    _write(tmp_path / "locale/ko/LC_MESSAGES/book/x.po", old)
    new = {"The cat sat on the red mat by the door.": "", "A paragraph nobody changed.": "",
           "An entirely new paragraph about pooling layers.": ""}
    _write(tmp_path / "gettext/book/x.pot", new, template=True)
    found = editions.problems(tmp_path / "gettext", tmp_path / "locale")
    assert [(p.page, p.kind, p.english) for p in found] == [
        ("book/x", "stale", "The cat sat on the red mat by the door."),
        ("book/x", "untranslated", "An entirely new paragraph about pooling layers.")]
    assert found[0].korean == "고양이가 문 옆 매트에 앉았습니다.", "the stale Korean is shown beside the new English"
    assert found[0].location == "x.ipynb, cell 1, line 2"
    assert found[0].change() == "+[red]", "the report says what changed in the English"
    assert "stale" in str(found[0]) and "고양이" in str(found[0]) and "+[red]" in str(found[0])


def test_a_page_without_a_catalog_is_all_untranslated(tmp_path):
    _write(tmp_path / "gettext/book/y.pot", {"A new page about attention.": "", "42": ""}, template=True)
    found = editions.problems(tmp_path / "gettext", tmp_path / "locale")
    assert [(p.page, p.kind) for p in found] == [("book/y", "untranslated")]


@pytest.mark.slow
def test_every_paragraph_of_the_book_has_a_current_korean_translation(tmp_path):
    """The catalogs against the English of today: nothing untranslated, nothing stale (fuzzy)."""
    found = editions.problems(editions.extract(tmp_path))
    listing = "\n".join(map(str, found[:40]))
    assert not found, (f"{len(found)} Korean paragraphs missing or stale (`python _ext/editions.py update`, then "
                       f"translate locale/ko):\n{listing}")


def test_every_catalog_is_a_page_of_the_book():
    """No catalog outlives its page (a page renamed or removed leaves its translation behind)."""
    pages = {p.relative_to(ROOT).with_suffix("").as_posix() for p in ROOT.glob("book/**/*") if p.suffix in (".ipynb", ".md")}
    catalogs = {p.relative_to(editions.LOCALE / "ko/LC_MESSAGES").with_suffix("").as_posix()
                for p in (editions.LOCALE / "ko/LC_MESSAGES/book").rglob("*.po")}
    assert catalogs == pages


def test_a_translation_that_markdown_reads_as_a_list_is_named(tmp_path):
    """Sphinx parses a translated title "5. 손실 함수" as a list item, drops it and shows the English."""
    _write(tmp_path / "locale/ko/LC_MESSAGES/book/z.po", {"5. Loss functions": "5. 손실 함수",
                                                          "6. Optimizers": "6\\. 옵티마이저"})
    _write(tmp_path / "gettext/book/z.pot", {"5. Loss functions": "", "6. Optimizers": ""}, template=True)
    found = editions.problems(tmp_path / "gettext", tmp_path / "locale")
    assert [(p.kind, p.english) for p in found] == [("list", "5. Loss functions")]


def test_a_stale_paragraph_keeps_its_old_english_after_update(tmp_path, monkeypatch):
    """``update`` writes the old English beside a fuzzy message (``#| msgid``); ``check`` still shows the change."""
    _write(tmp_path / "locale/ko/LC_MESSAGES/book/x.po", {"The cat sat on the mat by the door.": "고양이"})
    _write(tmp_path / "gettext/book/x.pot", {"The cat sat on the red mat by the door.": ""}, template=True)
    monkeypatch.setattr(editions, "LOCALE", tmp_path / "locale")
    monkeypatch.setattr(editions, "extract", lambda path_output=None: tmp_path / "gettext")
    monkeypatch.setattr(editions, "share", lambda locale=None: 0)
    editions.update(["book/x"])
    po = (tmp_path / "locale/ko/LC_MESSAGES/book/x.po").read_text()
    assert '#| msgid "The cat sat on the mat by the door."' in po and "#, fuzzy" in po
    (found,) = editions.problems(tmp_path / "gettext", tmp_path / "locale")
    assert found.kind == "stale" and found.change() == "+[red]"
    editions.update(["book/x"])  # a second update keeps it
    assert '#| msgid "The cat sat on the mat by the door."' in (tmp_path / "locale/ko/LC_MESSAGES/book/x.po").read_text()
