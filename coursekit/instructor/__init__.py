"""The instructor's grading pipeline: the trusted side of a two-process grader.

* :mod:`coursekit.instructor.trusted` — the trusted test process: runs the instructor's cells
  and test cells, never student code;
* :mod:`coursekit.instructor.agent` — imported inside the student's kernel, answers the trusted
  side's requests (look up a name, call a function, read an attribute);
* :mod:`coursekit.instructor.wire` — the safe format of values on the way back (JSON and
  ``np.save(allow_pickle=False)`` arrays, never pickle).
"""
