"""The instructor's pipeline: the `coursekit` command, release, and a two-process grader in a sandbox.

* :mod:`coursekit.instructor.cli` — the ``coursekit`` command (release, grade, merge, weights);
* :mod:`coursekit.instructor.course` — the course's folders, nbgrader's configuration, release;
* :mod:`coursekit.instructor.grader` — grading a class: inputs, statuses, feedback, grades.csv;
* :mod:`coursekit.instructor.sandbox` — nbgrader's execution with the kernel under bubblewrap and
  :mod:`coursekit.instructor.limits` (control groups), test cells in the trusted process;
* :mod:`coursekit.instructor.flags` — constructs in answers flagged for review;
* :mod:`coursekit.instructor.trusted` — the trusted test process: runs the instructor's cells
  and test cells, never student code;
* :mod:`coursekit.instructor.agent` — imported inside the student's kernel, answers the trusted
  side's requests (look up a name, call a function, read an attribute);
* :mod:`coursekit.instructor.wire` — the safe format of values on the way back (JSON and
  ``np.save(allow_pickle=False)`` arrays, never pickle).
"""
