"""What the Korean edition changes beyond translated messages (``_ext/editions.py`` builds it).

* **A language link** on every page of both editions, to the same page in the other one: the English
  book is ``_build/html``, the Korean one ``_build/html/ko``, so ``book/x.html`` and ``ko/book/x.html``
  are the same page. The head also gets ``<link rel="alternate" hreflang>`` for both.
* **Key-terms boxes put the Korean term first**: the box (``coursekit.terms.key_terms_markdown``) is one
  table, English | 한국어 | meaning, whose meanings the catalog translates; in Korean its first two
  columns change places.
* **The glossary opens with its 가나다 index**, and the English A–Z index follows it.
* **Words the build writes itself** (the exercise link at the end of a chapter) and the raw HTML of the
  check-yourself answers (``<summary>Answer</summary>``) come in Korean; ``editions.KOREAN_CONFIG`` gives the
  book's title (from the catalog), author and footer.
"""

from __future__ import annotations

from os import path

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain

KOREAN = "ko"
#: the sections of book/appendix/glossary, by id, in the Korean edition's order
GLOSSARY_ORDER = ("index", "english-az")

#: what the build writes into pages, in each language
WORDS = {
    "en": {"exercise": "Exercise", "practise": "Practise this chapter with the graded exercise ",
           "open": ": open it in ", "or_on": " or on ", "locally": ", or locally from the course repository (see ",
           "setup": "Setting up", "end": ").", "other": "한국어", "other_title": "이 페이지를 한국어로 읽기",
           "answer": "Answer"},
    "ko": {"exercise": "연습 문제", "practise": "이 장은 채점되는 연습 문제 ", "open": "로 연습합니다: ",
           "or_on": "에서 열거나 ", "locally": "에서 보거나, 강의 저장소를 내려받아 로컬에서 엽니다(",
           "setup": "환경 설정", "end": " 참고).", "other": "English", "other_title": "Read this page in English",
           "answer": "답"},
}


def is_korean(app) -> bool:
    return (app.config.language or "en").startswith(KOREAN)


def words(app) -> dict[str, str]:
    return WORDS[KOREAN if is_korean(app) else "en"]


def _cell_text(entry: nodes.Node) -> str:
    return entry.astext().strip()


def korean_term_first(doctree: nodes.document) -> None:
    """Swap the English and Korean columns of every key-terms box (a 3-column table: English | 한국어 | …)."""
    for table in doctree.findall(nodes.table):
        header = next(table.findall(nodes.thead), None)
        if header is None:
            continue
        names = [_cell_text(entry) for entry in next(header.findall(nodes.row)).children]
        if len(names) != 3 or names[:2] != ["English", "한국어"]:
            continue
        for row in table.findall(nodes.row):
            row.children[0], row.children[1] = row.children[1], row.children[0]


def glossary_korean_first(doctree: nodes.document) -> None:
    """Move the glossary's 가나다 index before its English A–Z index."""
    sections = {section["ids"][0]: section for section in doctree.findall(nodes.section) if section["ids"]}
    if not all(name in sections for name in GLOSSARY_ORDER):
        return
    first, second = (sections[name] for name in GLOSSARY_ORDER)
    parent = second.parent
    if first.parent is parent and parent.index(first) > parent.index(second):
        parent.remove(first)
        parent.insert(parent.index(second), first)


def translate_answers(doctree: nodes.document) -> None:
    """The check-yourself answers are raw HTML (``<details><summary>Answer</summary>``), which no catalog sees."""
    english, korean = (f"<summary>{WORDS[language]['answer']}</summary>" for language in ("en", KOREAN))
    for raw in doctree.findall(nodes.raw):
        if english in raw.astext():
            raw.replace(raw.children[0], nodes.Text(raw.astext().replace(english, korean)))


def translate_captions(app, doctree: nodes.document) -> None:
    """The parts' captions of the contents (``_toc.yml``): ``sphinx_external_toc`` inserts the toctrees after
    Sphinx's translation pass, so they are translated here from the root page's catalog, as that pass would."""
    toctrees = list(doctree.findall(addnodes.toctree))
    if not any(toctree.get("caption") for toctree in toctrees):
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    catalog, _ = init_locale([path.join(app.srcdir, d) for d in app.config.locale_dirs], app.config.language, domain)
    for toctree in toctrees:
        if toctree.get("caption"):
            toctree["caption"] = catalog.gettext(toctree["caption"])


def korean_page(app, doctree) -> None:
    if not is_korean(app):
        return
    korean_term_first(doctree)
    translate_answers(doctree)
    translate_captions(app, doctree)
    if app.env.docname == "book/appendix/glossary":
        glossary_korean_first(doctree)


def other_edition(pagename: str, korean: bool) -> str:
    """The same page in the other edition, relative to this page (``book/x`` -> ``../ko/book/x.html``)."""
    up = "../" * pagename.count("/")
    return f"{up}../{pagename}.html" if korean else f"{up}{KOREAN}/{pagename}.html"


def language_link(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or "body" not in context:
        return
    korean = is_korean(app)
    href, said = other_edition(pagename, korean), words(app)
    language = "en" if korean else KOREAN
    context["body"] = (f'<p class="language-link"><a href="{href}" hreflang="{language}" lang="{language}" '
                       f'title="{said["other_title"]}">{said["other"]}</a></p>\n' + context["body"])
    here = f"{pagename.rsplit('/', 1)[-1]}.html"
    english, korean_href = (href, here) if korean else (here, href)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="en" href="{english}" />'
        f'\n<link rel="alternate" hreflang="{KOREAN}" href="{korean_href}" />')


def setup(app) -> None:
    app.connect("doctree-read", korean_page)
    app.connect("html-page-context", language_link)
