"""Which notebook a student handed in, and the notebook that is graded from it.

A submission is read as text, never run here. Three questions, in order:

1. **Whose notebook is it?** (:func:`identify`) The released notebook carries its assignment in
   ``metadata["coursekit"]["assignment"]`` (written by ``coursekit release``). A notebook that names
   another assignment is that assignment's. One whose metadata is gone (an editor or a Colab
   round trip) is recognised by its content: the share of the release's read-only cells whose
   text it holds (:data:`SAME_TEXT`).
2. **Which of several candidates?** (:func:`choose`) The one whose answers are filled; two filled
   ones that differ are ``ambiguous``.
3. **What is graded?** (:func:`rebuild`) The release, cell by cell, with the student's answers in
   its solution cells, and every cell the student added where it stands. Release cells are found
   by nbgrader grade id (the last copy of a solution cell is the answer, as in nbgrader), then
   by their text; an answer that lost its metadata is the student's cell in its place between
   the matched cells around it. Test cells and the instructor's code cells always come from the
   release: a changed or deleted one is *tampering*; an edited or deleted task text is only a
   flag (Colab ignores nbgrader's locked cells).
"""

from __future__ import annotations

import ast
import copy
import difflib
from dataclasses import dataclass, field

import nbformat

SAME_TEXT = 0.5  #: share of the release's read-only cells a notebook must hold to be recognised by content
ADDED = "added"  #: ``cell.metadata["coursekit"]["added"]``: a student's own cell (runs in the kernel only)


def assignment_of(nb) -> str | None:
    """The assignment id the notebook's metadata names (``None`` when it names none)."""
    meta = nb.get("metadata", {}).get("coursekit", {})
    name = meta.get("assignment") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name else None


def mark(nb, assignment: str):
    """``nb`` with its assignment id in its metadata (what ``coursekit release`` writes)."""
    nb.metadata["coursekit"] = {"assignment": assignment}
    return nb


def text(source: str) -> str:
    """A cell's text as compared: line endings and trailing spaces do not count."""
    return "\n".join(line.rstrip() for line in source.replace("\r\n", "\n").strip().splitlines())


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_solution(cell) -> bool:
    return bool(_meta(cell).get("solution"))


def _is_test(cell) -> bool:
    meta = _meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def read_only_texts(release) -> list[str]:
    """The texts of the release's read-only cells (everything but the answers)."""
    return [text(c.source) for c in release.cells if not _is_solution(c) and c.source.strip()]


def similarity(texts: list[str], nb) -> float:
    """The share of ``texts`` (a release's :func:`read_only_texts`) that ``nb`` holds verbatim."""
    if not texts:
        return 0.0
    theirs = {text(c.get("source", "")) for c in nb.cells}
    return sum(t in theirs for t in texts) / len(texts)


def identify(nb, assignment: str, releases: dict[str, list[list[str]]]) -> str | None:
    """The assignment ``nb`` belongs to, or ``None`` when none is recognised.

    Args:
        nb: the submitted notebook.
        assignment: the assignment being graded (the metadata and ``releases[assignment]`` decide for it).
        releases: assignment id -> the :func:`read_only_texts` of each notebook of its release.
    """
    named = assignment_of(nb)
    if named:
        return named
    scores = {name: max((similarity(t, nb) for t in texts), default=0.0) for name, texts in releases.items()}
    if scores.get(assignment, 0.0) >= SAME_TEXT:
        return assignment
    best = max(scores, key=scores.get, default=None)
    return best if best is not None and scores[best] >= SAME_TEXT else None


@dataclass
class Rebuilt:
    """The notebook to grade and what the student changed."""

    nb: nbformat.NotebookNode
    tampering: list[str] = field(default_factory=list)  #: changes to test or instructor code cells
    flags: list[str] = field(default_factory=list)      #: changes to task text, duplicated cells
    added: int = 0                                      #: the student's own cells, graded where they stand
    filled: list[str] = field(default_factory=list)     #: grade ids of answers that differ from the stub


def _defined(source: str) -> set[str]:
    """Top-level names a cell's code defines (functions, classes, assignments)."""
    try:
        tree = ast.parse("\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _match(release, submitted) -> dict[int, int]:
    """release cell index -> submitted cell index (see the module docs)."""
    cells, theirs = release.cells, submitted.cells
    ids = {_meta(c).get("grade_id"): i for i, c in enumerate(cells) if _meta(c).get("grade_id")}
    copies: dict[int, list[int]] = {}
    for j, cell in enumerate(theirs):
        i = ids.get(_meta(cell).get("grade_id"))
        if i is not None and cells[i].cell_type == cell.cell_type:
            copies.setdefault(i, []).append(j)
    pairs = {}
    for i, found in copies.items():
        if _is_solution(cells[i]):
            pairs[i] = found[-1]  # nbgrader grades the last copy; the others are the student's cells
        else:
            same = [j for j in found if text(theirs[j].source) == text(cells[i].source)]
            pairs[i] = (same or found)[0]
    used = set(pairs.values())
    last = -1
    for i, cell in enumerate(cells):  # read-only cells that lost their metadata: by their text, in order
        if i in pairs:
            last = pairs[i]
            continue
        if _is_solution(cell) or not cell.source.strip():
            continue
        same = [j for j, c in enumerate(theirs) if j not in used and c.cell_type == cell.cell_type
                and text(c.source) == text(cell.source)]
        if same:
            pairs[i] = next((j for j in same if j > last), same[0])
            used.add(pairs[i])
            last = pairs[i]
    for i, cell in enumerate(cells):  # answers that lost their metadata: the student's cell in their place
        if i in pairs or not _is_solution(cell):
            continue
        before = max((pairs[k] for k in range(i) if k in pairs), default=-1)
        after = min((pairs[k] for k in range(i + 1, len(cells)) if k in pairs), default=len(theirs))
        gap = [j for j in range(before + 1, after) if j not in used and theirs[j].cell_type == cell.cell_type
               and not _meta(theirs[j]).get("grade_id")]
        if not gap:
            continue
        names = _defined(cell.source)
        j = max(gap, key=lambda j: (theirs[j].get("id") == cell.get("id") and bool(cell.get("id")),
                                    bool(names & _defined(theirs[j].source)),
                                    difflib.SequenceMatcher(None, cell.source, theirs[j].source).ratio()))
        pairs[i] = j
        used.add(j)
    return pairs


def _added_cell(cell, n: int):
    """A student's own cell as graded: no nbgrader metadata, no outputs, marked as the student's."""
    make = nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
    if cell.cell_type not in ("code", "markdown"):
        make = nbformat.v4.new_raw_cell
    added = make(cell.get("source", ""), metadata={"coursekit": {ADDED: True}})
    added.id = f"student-{n}"
    return added


def rebuild(release: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> Rebuilt:
    """The notebook to grade from ``submitted`` (see the module docs); ``release`` is not changed."""
    pairs = _match(release, submitted)
    rebuilt = copy.deepcopy(release)
    result = Rebuilt(rebuilt)
    grade_ids = {_meta(c).get("grade_id") for c in release.cells} - {None}
    counts: dict[str, int] = {}
    for cell in submitted.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in grade_ids:
            counts[grade_id] = counts.get(grade_id, 0) + 1
    for i, cell in enumerate(rebuilt.cells):
        meta = _meta(cell)
        name = meta.get("grade_id") or f"cell {i + 1}"
        theirs = submitted.cells[pairs[i]] if i in pairs else None
        if _is_solution(cell):
            if theirs is not None:
                if text(theirs.source) != text(cell.source):
                    result.filled.append(name)
                cell.source = theirs.source
            continue
        if counts.get(meta.get("grade_id"), 0) > 1:
            result.flags.append(f"{name} appears {counts[meta['grade_id']]} times")
        checked = cell.cell_type == "code"  # tests and the instructor's code
        kind = "test cell" if _is_test(cell) else "instructor cell" if checked else "task text"
        problems = result.tampering if checked else result.flags
        if theirs is None:
            if cell.source.strip():
                problems.append(f"{kind} {name} was deleted")
        elif text(theirs.source) != text(cell.source):
            problems.append(f"{kind} {name} was edited")
        elif _meta(theirs).get("points", meta.get("points")) != meta.get("points"):
            result.tampering.append(f"the points of {kind} {name} were changed")
    after: dict[int, list] = {}  # release index -> the student's own cells that follow it
    where = {j: i for i, j in pairs.items()}
    anchor = -1
    for j, cell in enumerate(submitted.cells):
        if j in where:
            anchor = where[j]
            continue
        if not cell.get("source", "").strip():
            continue
        result.added += 1
        after.setdefault(anchor, []).append(_added_cell(cell, result.added))
    rebuilt.cells = after.get(-1, []) + [c for i, cell in enumerate(rebuilt.cells)
                                         for c in [cell] + after.get(i, [])]
    return result
