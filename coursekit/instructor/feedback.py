"""The feedback page a student reads: what nbgrader's ``GenerateFeedback`` writes, made usable.

* :func:`for_students` (the notebook, before the page is made): hidden tests removed; outputs only as
  text and pictures; tracebacks cut to the student's and the test's frames (none of the grader's own,
  ``coursekit/instructor/...``, IPython's or ipykernel's); the frameworks' start-up chatter
  (TensorFlow's, CUDA's, oneDNN's log lines) removed from the outputs.
* :func:`finish_page` (the HTML): the student's id and the assignment at the top; each entry of the
  contents named by its task (the grade id) instead of "Test cell"; long lines wrapped; MathJax 3
  from ``feedback/_mathjax/`` beside the pages (:func:`install_mathjax`, copied from the npm package
  the book uses) instead of MathJax 2 from a CDN.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat

HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
#: a traceback entry or a line of an error message that belongs to the grader or the kernel, not the student
GRADER_FRAME = re.compile(r"coursekit/instructor/|site-packages/(?:IPython|ipykernel|nbclient|jupyter_client)/")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: log lines that frameworks print on start-up (TensorFlow, absl, CUDA, oneDNN, XLA)
CHATTER = re.compile(r"^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |[IWEF]\d{4} \d\d:\d\d:\d\d|WARNING: All log "
                     r"messages before absl|.*(?:oneDNN custom operations|TF_ENABLE_ONEDNN_OPTS|cuda|CUDA|TensorRT|"
                     r"rebuild TensorFlow with the appropriate compiler flags|cpu_feature_guard)).*$\n?", re.M)
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
STYLE = """<style>
pre, .highlight pre, div.output_area pre { white-space: pre-wrap; overflow-wrap: anywhere; }
#coursekit-who { margin: 0 0 1em 0; font-size: 16px; }
</style>"""
MATHJAX_FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2")


def _frames(traceback: list[str]) -> list[str]:
    """A traceback without the grader's and the kernel's own entries (the last line always stays)."""
    kept = [entry for entry in traceback[:-1] if not GRADER_FRAME.search(ANSI.sub("", entry))]
    return kept + traceback[-1:]


def _message(text: str) -> str:
    """An error message (a remote traceback in text) without the grader's frames: each ``File "..."`` line
    of ``coursekit/instructor`` and the source line under it go."""
    lines, out, skip = text.split("\n"), [], False
    for line in lines:
        if skip and line.startswith("    ") and not line.lstrip().startswith("File "):
            skip = False
            continue
        skip = bool(re.match(r'\s*File "', line) and GRADER_FRAME.search(line))
        if not skip:
            out.append(line)
    return "\n".join(out)


def for_students(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The graded notebook as its feedback page shows it (see the module docs)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = HIDDEN_TESTS.sub("# (hidden tests: not shown)\n", cell.source)
        outputs = []
        for output in cell.outputs:
            if "data" in output:
                output.data = {k: v for k, v in output.data.items() if k in SAFE_MIME}
                output.metadata = {}
            if output.output_type == "error":
                output.traceback = _frames(list(output.get("traceback", [])))
                output.evalue = _message(output.get("evalue", ""))
            if output.output_type == "stream":
                output.text = CHATTER.sub("", output.text)
                if not output.text:
                    continue
            outputs.append(output)
        cell.outputs = outputs
    return nb


def mathjax_source() -> Path:
    """The ``es5`` folder of the npm package ``mathjax`` (``make mathjax``, as for the book)."""
    root = Path(os.environ.get("COURSE_NPM_PREFIX", Path(sys.prefix) / "npm"))
    return root / "node_modules" / "mathjax" / "es5"


def install_mathjax(feedback: Path, name: str = "_mathjax") -> bool:
    """Copy MathJax's CommonHTML build into ``feedback/name``; whether it is there."""
    source, target = mathjax_source(), feedback / name
    if (target / MATHJAX_FILES[0]).is_file():
        return True
    if not (source / MATHJAX_FILES[0]).is_file():
        return False
    for name in MATHJAX_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
        else:
            shutil.copy(source / name, target / name)
    return True


def finish_page(page: str, student: str, assignment: str, mathjax: str | None) -> str:
    """nbgrader's feedback HTML ``page`` as the student gets it (see the module docs); ``mathjax`` is the
    relative URL of ``tex-chtml.js`` (``None``: no MathJax, the maths stays as typed)."""
    script = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], "
              "processEscapes: true}};</script>\n"
              f'<script id="MathJax-script" src="{html.escape(mathjax)}"></script>') if mathjax else ""
    page = MATHJAX.sub(lambda _: script, page, count=1)
    page = page.replace("</head>", STYLE + "\n</head>", 1)
    page = re.sub(r'<a href="#([^"]+)">(?:Test cell|Coding free-response|Written response|Task)</a>',
                  lambda m: f'<a href="#{m[1]}">{m[1]}</a>', page)
    who = (f'<div id="coursekit-who"><b>{html.escape(assignment)}</b> · student '
           f"<code>{html.escape(student)}</code></div>")
    return re.sub(r'(<div class="panel-heading">\s*)(<h4>)', lambda m: m[1] + who + m[2], page, count=1)
