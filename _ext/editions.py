"""The book's two editions, English and Korean, from the same notebooks (README, "The Korean edition").

The English notebooks are the source of code, outputs and structure. The Korean prose lives in gettext
message catalogs, one per page, ``locale/ko/LC_MESSAGES/<page>.po``: every paragraph, heading, list
item, table cell and caption of a page is a message whose ``msgid`` is the English text (Sphinx's
``gettext`` builder extracts them) and whose ``msgstr`` is the Korean. When an English paragraph
changes, its ``msgid`` no longer matches: ``check`` names the page, the line and the Korean text that
has gone stale, and ``update`` marks it *fuzzy* with the old English beside it, for a translator to mend
(``sphinx-intl update`` does the same with the same Babel call; ``update`` also takes a list of pages).

Usage (``make book`` runs ``build``)::

    python _ext/editions.py build  [--path-output DIR]   # English _build/html, Korean _build/html/ko
    python _ext/editions.py check                        # untranslated or stale Korean; exit 1 if any
    python _ext/editions.py update [PAGE ...]            # merge new English into locale/ko (translators)

Neither edition executes a notebook (``execute_notebooks: off``): both show the committed outputs.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
LANGUAGE = "ko"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
#: a translation that Markdown reads as a list item ("5. 손실 함수"): Sphinx drops it and shows the English,
#: so a heading's number is written "5\\. 손실 함수"
_LIST_START = re.compile(r"^(\d+[.)]|[-*+])\s")

#: text that needs no translation once inline code, maths, links' targets and markup are removed
_CODE_OR_MATH = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>|\{[a-z:-]+\}", re.S)


_LATEX = re.compile(r"\\[A-Za-z]+")
_PROSE = re.compile(r"[a-z]{3,}[,;:]? [a-z]{2,}[,;:]? [a-z]{3,}")


@functools.cache
def term_names() -> frozenset[str]:
    """The English and Korean names of the key terms (``coursekit.terms``): a key-terms box keeps them."""
    sys.path.insert(0, str(ROOT))
    from coursekit.terms import TERMS

    return frozenset(name.replace("|", "\\|") for terms in TERMS.values() for en, ko, _ in terms for name in (en, ko))


#: single words that are names and read the same in both editions (table headers, cells, short headings)
NAMES = frozenset({"English", "Keras", "Adam", "AdaGrad", "RMSProp", "Nesterov", "Sobel", "Canny", "Dice", "Gaussian",
                   "Xavier", "Glorot", "He", "Kaiming", "Colab", "Jupyter", "GitHub", "Linux", "macOS", "Windows",
                   "Moodle", "Canvas", "Python", "NumPy", "Softmax", "Sigmoid", "Tanh", "Swish", "Mish", "Inception"})


def _is_name(word: str) -> bool:
    """``ReLU``, ``PyTorch``, ``MSE``, ``LeNet-5``, ``ResNet50``: a capital inside, digits, or all capitals."""
    return word in NAMES or any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word) or word.isupper()


def needs_translation(text: str, page: str = "") -> bool:
    """Whether a message of ``page`` has words to translate. Numbers, code, a display-maths block, names like
    ``ReLU`` or ``Keras`` do not, nor a key term's name in bold (a key-terms box shows both names) or, in the
    glossary, a key term's English name (its English column)."""
    if text.startswith("**") and text.strip("*") in term_names():
        return False
    if page.endswith("appendix/glossary") and text in term_names():
        return False
    prose = _CODE_OR_MATH.sub(" ", text)
    if "$" not in text and _LATEX.search(text) and not _PROSE.search(" ".join(_LATEX.sub(" ", prose).split())):
        return False  # a display-maths block: its source is LaTeX alone
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", prose)
    return any(len(word) > 1 and not _is_name(word) for word in words)


def run_jupyter_book(*args: str | Path) -> None:
    """``jupyter-book build`` of the book (the English edition, exactly as Jupyter Book's own command)."""
    result = subprocess.run([str(JUPYTER_BOOK), "build", str(ROOT), *map(str, args)], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def sphinx(builder: str, outputdir: Path, doctreedir: Path, **overrides) -> None:
    """One Sphinx build of the book with ``_config.yml``, as ``jupyter-book build`` runs it; warnings are errors.

    Each build keeps its own doctrees: an environment read for one builder or language is no use to another.
    """
    from jupyter_book.sphinx import build_sphinx

    confoverrides = {"external_toc_path": (ROOT / "_toc.yml").as_posix(), "nitpicky": True,
                     "latex_individualpages": False, **overrides}
    result = build_sphinx(ROOT, outputdir, doctreedir=doctreedir, path_config=ROOT / "_config.yml", noconfig=True,
                          builder=builder, warningiserror=True, keep_going=True, quiet=True,
                          confoverrides=confoverrides)
    if result:
        sys.exit(f"the {builder} build {overrides or ''} failed: {result}")


def extract(path_output: Path = ROOT) -> Path:
    """The English messages of every page, as ``.pot`` templates in ``path_output/_build/gettext`` (16 s)."""
    sphinx("gettext", path_output / "_build" / "gettext", path_output / "_build" / ".doctrees-gettext")
    return path_output / "_build" / "gettext"


def where(file: str, line: int) -> str:
    """A message's place: myst-nb numbers a notebook's lines as cell index × 10000 + line in the cell."""
    name = Path(file).name
    if name.endswith(".ipynb") and line:
        return f"{name}, cell {line // 10000}, line {line % 10000}"
    return f"{name}:{line}" if line else name


@dataclass
class Problem:
    """One message of one page that the Korean edition would show in English (or out of date)."""

    page: str
    location: str
    kind: str  # "untranslated" (new text), "stale" (the English changed since) or "list" (read as a list item)
    english: str
    korean: str = ""
    before: str = ""  # a stale message: the English it was translated from

    def change(self) -> str:
        """The words the English gained (+) and lost (-) since it was translated."""
        old, new = self.before.split(), self.english.split()
        parts = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if op in ("delete", "replace"):
                parts.append("-[" + " ".join(old[i1:i2]) + "]")
            if op in ("insert", "replace"):
                parts.append("+[" + " ".join(new[j1:j2]) + "]")
        return " ".join(parts)

    def __str__(self) -> str:
        text = f"{self.page} ({self.location}): {self.kind}: {self.english[:100]!r}"
        if self.kind == "list":
            return text + f"\n    Korean reads as a list item, so the English is shown: write {self.korean[:20]!r} as '5\\. …'"
        if self.kind == "stale" and self.before:
            text += f"\n    the English changed: {self.change()[:200]}"
        return text + (f"\n    Korean, translated from older English: {self.korean[:100]!r}" if self.korean else "")


_PREVIOUS = re.compile(r'^#\| msgid "(.*)"\n(?:#.*\n)*msgid "(.*)"$', re.M)


def previous_ids(po_path: Path) -> dict[str, str]:
    """A fuzzy message's old English (``#| msgid``), which Babel writes but does not read back."""
    from babel.messages.pofile import denormalize

    text = po_path.read_text(encoding="utf-8") if po_path.is_file() else ""
    return {denormalize(f'"{new}"'): denormalize(f'"{old}"') for old, new in _PREVIOUS.findall(text)}


def problems(templates: Path, locale: Path | None = None) -> list[Problem]:
    """Compare each page's English messages with its Korean catalog, in memory (nothing is written).

    The catalog is updated against the template as ``sphinx-intl update`` would do it (Babel's fuzzy
    matching): a message whose English changed a little comes back *fuzzy* with its old translation,
    a new one comes back empty.
    """
    from babel.messages.pofile import read_po

    locale = locale or LOCALE
    found = []
    for template_path in sorted(templates.rglob("*.pot")):
        page = template_path.relative_to(templates).with_suffix("").as_posix()
        with template_path.open("rb") as handle:
            template = read_po(handle)
        po_path = locale / LANGUAGE / "LC_MESSAGES" / f"{page}.po"
        if po_path.is_file():
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
        else:
            from babel.messages.catalog import Catalog
            catalog = Catalog(locale=LANGUAGE)
        written = previous_ids(po_path)
        catalog.update(template, update_header_comment=False)
        for message in catalog:
            if not message.id or not needs_translation(message.id, page):
                continue
            location = where(*message.locations[0]) if message.locations else "?"
            if message.fuzzy:
                before = message.previous_id[0] if message.previous_id else written.get(message.id, "")
                found.append(Problem(page, location, "stale", message.id, message.string, before))
            elif not message.string:
                found.append(Problem(page, location, "untranslated", message.id))
            elif _LIST_START.match(message.string):
                found.append(Problem(page, location, "list", message.id, message.string))
    return found


def check(templates: Path | None = None) -> list[Problem]:
    """Print every untranslated or stale Korean message of the book; return them."""
    found = problems(templates or extract())
    for problem in found:
        print(problem)
    pages = sorted({problem.page for problem in found})
    if found:
        print(f"The Korean edition: {len(found)} paragraphs to translate or mend on {len(pages)} pages: run "
              f"`python _ext/editions.py update {' '.join(pages)}`, then translate the empty and fuzzy entries of "
              f"their catalogs in locale/ko/LC_MESSAGES (README, \"The Korean edition\").")
    return found


def share(locale: Path | None = None) -> int:
    """Give an untranslated message the translation its English has on another page (the glossary repeats
    every key-terms box's meanings; a table header recurs); return how many were filled."""
    from babel.messages.pofile import read_po, write_po

    catalogs = {}
    for path in sorted(((locale or LOCALE) / LANGUAGE / "LC_MESSAGES" / "book").rglob("*.po")):
        with path.open("rb") as handle:
            catalogs[path] = read_po(handle)
    known = {m.id: m.string for catalog in catalogs.values() for m in catalog if m.id and m.string and not m.fuzzy}
    filled = 0
    for path, catalog in catalogs.items():
        missing = [m for m in catalog if m.id and not m.string and m.id in known]
        for message in missing:
            message.string = known[message.id]
        if missing:
            filled += len(missing)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=0)
    return filled


def update(pages: list[str] | None = None) -> None:
    """Merge the current English into ``locale/ko``, as ``sphinx-intl update`` does it (Babel's catalog update):
    a new message comes in empty, a changed one *fuzzy* with its old translation and the old English beside it
    (``#| msgid``), a removed one goes. Then messages reuse the translation their English has on another page,
    and what is left to translate is listed. ``pages`` (``book/13_gans/dcgan``) limits it to those catalogs."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    templates = extract()
    for template_path in sorted(templates.rglob("*.pot")):
        page = template_path.relative_to(templates).with_suffix("").as_posix()
        if pages and page not in pages:
            continue
        po_path = LOCALE / LANGUAGE / "LC_MESSAGES" / f"{page}.po"
        with template_path.open("rb") as handle:
            template = read_po(handle)
        catalog = Catalog(locale=LANGUAGE)
        if po_path.is_file():
            with po_path.open("rb") as handle:
                catalog = read_po(handle)
        written = previous_ids(po_path)
        catalog.update(template, update_header_comment=False)
        for message in catalog:  # keep the old English of messages that were already fuzzy
            if message.fuzzy and not message.previous_id and message.id in written:
                message.previous_id = [written[message.id]]
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=0, ignore_obsolete=True, include_previous=True)
    print(f"{share()} messages took the translation their English has on another page")
    check(templates)


def korean_config() -> dict:
    """What the Korean build sets besides ``language``: the book's title as the catalog translates it (the root
    page's title is the same message), the authors, the footer template (``_ext/templates/ko``) and the words
    of myst-nb's hidden-code toggles."""
    import yaml
    from babel.messages.pofile import read_po

    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    with (LOCALE / LANGUAGE / "LC_MESSAGES" / "book" / "intro.po").open("rb") as handle:
        message = read_po(handle).get(title)
    return {"language": LANGUAGE, "html_title": message.string if message and message.string else title,
            "author": "딥러닝 강의 저자들", "templates_path": [str(ROOT / "_ext" / "templates" / LANGUAGE)],
            "nb_code_prompt_show": "코드 셀 보기", "nb_code_prompt_hide": "코드 셀 숨기기"}


def build(path_output: Path) -> None:
    """Both editions: English in ``_build/html``, Korean in ``_build/html/ko``; warnings are errors."""
    run_jupyter_book("--path-output", path_output, "--warningiserror", "--nitpick", "--keep-going")
    check(extract(path_output))
    html = path_output / "_build" / "html"
    sphinx("html", html / LANGUAGE, path_output / "_build" / f".doctrees-{LANGUAGE}", **korean_config())
    print(f"The Korean edition is in {html / LANGUAGE}/index.html")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "check", "update"])
    parser.add_argument("pages", nargs="*", help="update: only these pages' catalogs (book/13_gans/dcgan)")
    parser.add_argument("--path-output", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.path_output)
    elif args.command == "check":
        sys.exit(1 if check() else 0)
    else:
        update(args.pages or None)


if __name__ == "__main__":
    main()
