"""The feedback page a student can use: no grader frames or framework chatter, named entries, the
student and assignment at the top, wrapped lines, MathJax from beside the pages."""

from __future__ import annotations

import nbformat

from coursekit.instructor import feedback

TRACEBACK = [
    "\x1b[0;31mZeroDivisionError\x1b[0m  Traceback (most recent call last)",
    'File \x1b[0;32m/venv/lib/python3.11/site-packages/IPython/core/interactiveshell.py:3577\x1b[0m, in run_code',
    "Cell \x1b[0;32mIn[4], line 3\x1b[0m\n      1 def dot(a, b):\n----> 3     return 1 / 0",
    'File \x1b[0;32m/opt/course/coursekit/instructor/agent.py:300\x1b[0m, in \x1b[0;36mserve\x1b[0m',
    "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
]
REMOTE = ('Traceback (most recent call last):\n  File "/opt/course/coursekit/instructor/agent.py", line 300, in serve\n'
          '    reply = _run(request)\n  File "<cell>", line 3, in dot\nZeroDivisionError: division by zero')
CHATTER = ("2026-12-07 16:01:02.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\n"
           "E0000 00:00:1733 cuda_dnn.cc:8310] Unable to register cuDNN factory\n"
           "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
           "my own warning\n")


def test_tracebacks_keep_the_students_frames_and_chatter_goes():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("dot(1, 2)\n### BEGIN HIDDEN TESTS\nx\n"
                                                                    "### END HIDDEN TESTS\n")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=CHATTER),
        nbformat.v4.new_output("stream", name="stderr", text=CHATTER.replace("my own warning\n", "")),
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue=REMOTE, traceback=TRACEBACK)]
    cell = feedback.for_students(nb).cells[0]
    assert "BEGIN HIDDEN" not in cell.source
    assert [o.output_type for o in cell.outputs] == ["stream", "error"]
    assert cell.outputs[0].text == "my own warning\n"
    assert cell.outputs[1].traceback == [TRACEBACK[0], TRACEBACK[2], TRACEBACK[4]]
    assert "agent.py" not in cell.outputs[1].evalue and 'File "<cell>", line 3, in dot' in cell.outputs[1].evalue


PAGE = """<html><head>
    <!-- Load mathjax -->
    <script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"> </script>
    <!-- MathJax configuration -->
    <script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>
    <!-- End of mathjax configuration -->
</head><body><div class="panel-heading">
        <h4>perceptron.ipynb (Score: 3.0 / 8.0)</h4>
<li><a href="#test_perceptron_update">Test cell</a> (Score: 3.0 / 3.0)</li>
<li><a href="#written_sign">Written response</a> (Score: 0.0 / 2.0)</li>
</div></body></html>"""


def test_the_page_names_who_and_what_and_loads_mathjax_from_beside_it(tmp_path):
    page = feedback.finish_page(PAGE, "김민지 <b>", "01_perceptron", "../_mathjax/tex-chtml.js")
    assert "cdnjs" not in page and 'src="../_mathjax/tex-chtml.js"' in page
    assert "<b>01_perceptron</b> · student <code>김민지 &lt;b&gt;</code>" in page
    assert page.index("coursekit-who") < page.index("<h4>")
    assert '<a href="#test_perceptron_update">test_perceptron_update</a>' in page and "Test cell" not in page
    assert '<a href="#written_sign">written_sign</a>' in page
    assert "white-space: pre-wrap" in page
    assert "MathJax" not in feedback.finish_page(PAGE, "ana", "01_perceptron", None)
    if feedback.install_mathjax(tmp_path):  # where `make mathjax` installed the npm package
        assert (tmp_path / "_mathjax" / "tex-chtml.js").stat().st_size > 100_000
        assert list((tmp_path / "_mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
