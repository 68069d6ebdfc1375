"""coursekit.notebooks: what saving a re-executed page keeps."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from coursekit.notebooks import strip_volatile


def test_saving_drops_stderr_and_timing_and_joins_split_prints():
    cell = new_code_cell("print(...)", metadata={"execution": {"iopub.status.busy": "2026-12-02"}, "tags": ["keras"]})
    cell.outputs = [new_output("stream", name="stdout", text="loss 8.001, gradient"),
                    new_output("stream", name="stderr", text="oneDNN custom operations are on\n"),
                    new_output("stream", name="stdout", text=" +0.9993\n"),
                    new_output("display_data", data={"text/plain": "<Figure>"}),
                    new_output("stream", name="stdout", text="after the figure\n")]
    nb = strip_volatile(new_notebook(cells=[cell]))
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "stream"]
    assert outputs[0].text == "loss 8.001, gradient +0.9993\n" and outputs[2].text == "after the figure\n"
    assert nb.cells[0].metadata == {"tags": ["keras"]}
    nbformat.validate(nb)
