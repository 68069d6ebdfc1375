"""The catalogue of plausible wrong answers, one module per assignment (issue 23).

``tests/mistakes/<assignment>.py`` defines ``MISTAKES``, a list of plain dicts, at least two for every
task of the assignment::

    MISTAKES = [
        dict(cell="perceptron_update",        # grade_id of the solution cell this code replaces
             name="error sign flipped (y_hat - y)",
             visible=True,                    # the task text warns about it: a visible test must fail
             message="sign",                  # optional: text the visible failure's message must contain
             code='''
    def perceptron_update(w, b, x, y, lr=1.0):
        ...
    '''),
    ]

``tests/test_mistakes.py`` substitutes each one into the solution notebook and asserts that it loses
points. Write the mistakes a grader sees in a real class: a sign, an axis, a mean for a sum, an
off-by-one, a missing ``zero_grad()``/``train()``/``compile()``, a framework default taken for the
spec, an activation where logits are expected, a shortcut that meets a metric without the skill.

A catalogue may also define ``PASTE_OK = {("answer_function", "visible_function"): "why"}`` for a visible function
that, pasted as the answer, is a right answer (say why); every other paste must lose points.
"""
