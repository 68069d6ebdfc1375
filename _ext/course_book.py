"""Sphinx extension of the course book (loaded by ``_config.yml``).

* **Offline maths.** MathJax 3 comes from the npm package ``mathjax`` (installed by ``make mathjax``
  into the virtual environment, never downloaded during a build); at the end of an HTML build its
  ``es5`` folder is copied to ``_static/mathjax``, where ``mathjax_path`` in ``_config.yml`` points.
* **Framework tags on prose.** myst-nb gives code cells their tags as classes (``tag_pytorch``) but
  renders a markdown cell straight into the page, because a wrapper would break the section
  structure. Here a markdown cell tagged ``pytorch`` or ``keras`` leaves an invisible start and end
  marker in the doctree; every element that lies wholly between the two (paragraphs, lists, maths,
  and whole headings with their sections) gets the class ``tag_<framework>``, and the markers go.
* **A link to the exercise** at the end of every chapter's last page (the chapter's last section in
  ``_toc.yml``, or the chapter page itself): ``exercises/NN_topic/*.ipynb`` for the chapter's number
  ``NN``, on GitHub and in Colab (the repository and branch of ``_config.yml``). The notebooks are
  not edited: the link is added to the page as it is built.
* **The framework switch** (``_ext/static/framework-switch.js``; its style is ``_static/framework-switch.css``)
  is added only to pages that have tagged cells, so search, the index, the glossary and the
  introduction have none. (It lives outside ``_static`` because Jupyter Book adds every ``.js`` file
  under ``_static`` to every page.)
* **The Korean edition** (``_ext/korean.py``; built by ``_ext/editions.py``): a language link on every
  page, Korean-first key-terms boxes, the glossary's 가나다 index first.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from docutils import nodes
from myst_nb.core.render import MditRenderMixin
from sphinx.builders.html._assets import _JavaScript

import korean  # noqa: E402  (the Korean edition's additions, in _ext/korean.py)

FRAMEWORKS = ("pytorch", "keras")
MATHJAX_VERSION = "3.2.2"


def mathjax_source() -> Path:
    """The ``es5`` folder of the npm package ``mathjax`` that ``make mathjax`` installs."""
    root = Path(os.environ.get("COURSE_NPM_PREFIX", Path(sys.prefix) / "npm"))
    return root / "node_modules" / "mathjax" / "es5"


class cell_tag_marker(nodes.Element):
    """Where a tagged markdown cell starts (``tags`` set) or ends; removed before writing."""


_render_markdown_cell = MditRenderMixin.render_nb_cell_markdown


def render_nb_cell_markdown(self, token) -> None:
    tags = [tag for tag in token.meta["metadata"].get("tags", []) if tag in FRAMEWORKS]
    if not tags:
        return _render_markdown_cell(self, token)
    self.current_node.append(cell_tag_marker(tags=tags))
    _render_markdown_cell(self, token)
    self.current_node.append(cell_tag_marker())  # the current node may be a new section by now
    return None


def _preorder(root: nodes.Node) -> tuple[list[nodes.Node], dict[int, int]]:
    """Nodes in document order and, for each, the position of the last node of its subtree."""
    order: list[nodes.Node] = []
    last: dict[int, int] = {}

    def walk(node):
        order.append(node)
        for child in node.children:
            walk(child)
        last[id(node)] = len(order) - 1

    walk(root)
    return order, last


def tag_markdown_cells(app, doctree) -> None:
    markers = list(doctree.findall(cell_tag_marker))
    if not markers:
        return
    order, last = _preorder(doctree)
    position = {id(node): i for i, node in enumerate(order)}
    for start, end in zip(markers[::2], markers[1::2]):
        assert start.get("tags") and not end.get("tags"), "tagged markdown cells cannot nest"
        first, stop = position[id(start)], position[id(end)]
        for i in range(first + 1, stop):
            node = order[i]
            inside = last[id(node)] < stop
            parent_inside = node.parent is not None and first < position[id(node.parent)] and last[id(node.parent)] < stop
            if inside and not parent_inside and isinstance(node, nodes.Element):
                node["classes"] += [f"tag_{tag}" for tag in start["tags"]]
    for marker in markers:
        marker.parent.remove(marker)


def chapter_exercises(srcdir: Path) -> dict[str, list[str]]:
    """The last page of each chapter (docname) -> its exercise notebooks, relative to the repository."""
    import yaml

    toc = yaml.safe_load((srcdir / "_toc.yml").read_text())
    found: dict[str, list[str]] = {}
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            number = Path(chapter["file"]).parent.name.split("_")[0]
            if not number.isdigit():
                continue  # appendices
            last = (chapter.get("sections") or [chapter])[-1]["file"]
            notebooks = sorted(p.relative_to(srcdir).as_posix() for p in srcdir.glob(f"exercises/{number}_*/*.ipynb"))
            if notebooks:
                found[last] = notebooks
    return found


def add_exercise_link(app, doctree, docname) -> None:
    notebooks = app.env.course_exercises.get(docname) if hasattr(app.env, "course_exercises") else None
    if not notebooks or app.builder.format != "html":
        return
    options = app.config.html_theme_options
    repository = options.get("repository_url", "").rstrip("/")
    branch = options.get("repository_branch", "main")
    setup = app.builder.get_relative_uri(docname, "book/appendix/setup")
    said = korean.words(app)
    box = nodes.container(classes=["course-exercise"])
    box += nodes.rubric(text=said["exercise"])
    for notebook in notebooks:
        github = f"{repository}/blob/{branch}/{notebook}"
        colab = github.replace("https://github.com/", "https://colab.research.google.com/github/")
        box += nodes.paragraph("", "", nodes.Text(said["practise"]),
                               nodes.literal(text=notebook), nodes.Text(said["open"]),
                               nodes.reference("", "Colab", refuri=colab), nodes.Text(said["or_on"]),
                               nodes.reference("", "GitHub", refuri=github), nodes.Text(said["locally"]),
                               nodes.reference("", said["setup"], refuri=setup), nodes.Text(said["end"]))
    sections = list(doctree.findall(nodes.section))
    (sections[0] if sections else doctree).append(box)


def attach_exercises(app, env, docnames) -> None:
    env.course_exercises = chapter_exercises(Path(app.srcdir))


def add_framework_switch(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if any(f"tag_{framework}" in body for framework in FRAMEWORKS):
        # a new list for this page only (the builder's own list is shared by every page)
        context["script_files"] = [*context["script_files"], _JavaScript("_static/framework-switch.js", priority=500)]


def check_mathjax(app) -> None:
    source = mathjax_source()
    if app.builder.format == "html" and not (source / "tex-mml-chtml.js").is_file():
        raise RuntimeError(f"MathJax {MATHJAX_VERSION} is missing from {source}: run `make mathjax` "
                           f"(npm install mathjax@{MATHJAX_VERSION} into the virtual environment)")


def copy_mathjax(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        shutil.copytree(mathjax_source(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def add_static_path(app, config) -> None:
    config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    MditRenderMixin.render_nb_cell_markdown = render_nb_cell_markdown
    app.add_node(cell_tag_marker)
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", check_mathjax)
    app.connect("doctree-read", tag_markdown_cells)
    app.connect("env-before-read-docs", attach_exercises)
    app.connect("doctree-resolved", add_exercise_link)
    app.connect("html-page-context", add_framework_switch)
    app.connect("build-finished", copy_mathjax)
    korean.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
