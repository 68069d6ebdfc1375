"""Exercises: the student version is generated from the source and in sync; the grading pipeline
(nbgrader in a sandbox) gives the solution full marks, the student version zero, and a partial answer
exactly its points."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from coursekit.instructor import cli, course, grader

from submissions import solution_answers, write_submission

ASSIGNMENTS = course.assignments()


def test_every_chapter_has_an_assignment_with_enough_points():
    assert ASSIGNMENTS, "no assignment found in solutions/"
    for name in ASSIGNMENTS:
        graded = [c.metadata["nbgrader"] for nb in (course.ROOT / "solutions" / name).glob("*.ipynb")
                  for c in nbformat.read(nb, as_version=4).cells
                  if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) >= 3, f"{name}: at least 3 graded tasks"
        assert sum(g["points"] for g in graded) >= 10, f"{name}: at least 10 points"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync(assignment):
    assert course.out_of_sync(assignment) == [], "run `coursekit release` and commit exercises/"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_hides_solutions_and_hidden_tests(assignment):
    for path in (course.ROOT / "exercises" / assignment).glob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.name} leaks {marker!r}"


def test_release_check_reports_a_stale_exercise(tmp_path, capsys, monkeypatch):
    fake_root = tmp_path / "course"
    shutil.copytree(course.ROOT / "solutions", fake_root / "solutions")
    shutil.copytree(course.ROOT / "exercises", fake_root / "exercises")
    notebook = next((fake_root / "exercises" / ASSIGNMENTS[0]).glob("*.ipynb"))
    data = json.loads(notebook.read_text())
    data["cells"][0]["source"] = "edited by hand"
    notebook.write_text(json.dumps(data))
    assert course.out_of_sync(ASSIGNMENTS[0], root=fake_root) == [
        f"exercises/{ASSIGNMENTS[0]}/{notebook.name} (differs from the source)"]
    assert cli.main(["release", "no_such_assignment"]) == 2
    assert "unknown assignment 'no_such_assignment'" in capsys.readouterr().err


# The Korean edition: every markdown cell a student reads keeps its English and adds the Korean
# after it, in one layout (answer cells, nbgrader ``solution: true``, are the student's and exempt).
KOREAN_SEPARATOR = "\n\n---\n\n**한국어** · "
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def bilingual_problems(notebook) -> list[str]:
    """What is wrong with the two languages of a notebook's read-only markdown cells ([] if nothing)."""
    problems = []
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown" or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if cell.source.count(KOREAN_SEPARATOR) != 1:
            problems.append(f"cell {i}: no '---' / '**한국어** ·' part after the English")
            continue
        english, korean = cell.source.split(KOREAN_SEPARATOR)
        if len(LATIN_WORD.findall(HANGUL.sub("", english))) < 3:
            problems.append(f"cell {i}: the English part is missing")
        if len(HANGUL.findall(korean)) < 5:
            problems.append(f"cell {i}: the Korean part has no Korean")
    return problems


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructions_are_in_english_and_korean(assignment):
    for folder in ("solutions", "exercises"):
        paths = sorted((course.ROOT / folder / assignment).glob("*.ipynb"))
        assert paths, f"{folder}/{assignment}: no notebook"
        for path in paths:
            notebook = nbformat.read(path, as_version=4)
            assert sum(c.cell_type == "markdown" for c in notebook.cells) >= 3
            assert bilingual_problems(notebook) == [], f"{folder}/{assignment}/{path.name}"
            # the check itself: the same notebook with its Korean taken out must fail it
            for cell in notebook.cells:
                cell.source = cell.source.split(KOREAN_SEPARATOR)[0]
            assert bilingual_problems(notebook), "the check accepts a notebook without Korean"

# For every assignment: the solution cells a "partial" submission keeps, and the exact points
# nbgrader must give each test cell for it (a task that builds on a solved one stays unsolved).
PARTIAL = {
    "01_perceptron": ({"perceptron_update", "torch_sgd_step"},
                      {"test_perceptron_update": 3, "test_train_perceptron": 0,
                       "test_torch_sgd_step": 2, "test_keras_logistic_unit": 0}),
    "02_mlp": ({"n_parameters", "mlp_forward"},
               {"test_n_parameters": 2, "test_torch_mlp": 0, "test_mlp_forward": 3,
                "test_train_xor": 0, "test_keras_digits_mlp": 0}),
    "03_backprop": ({"sigmoid_backward", "softmax_cross_entropy_backward", "linear_function"},
                    {"test_sigmoid_backward": 2, "test_linear_backward": 0,
                     "test_softmax_cross_entropy_backward": 3, "test_linear_function": 2,
                     "test_keras_gradients": 0, "test_mlp_backward": 0}),
    "04_activations": ({"log_sigmoid", "torch_gradient_norms"},
                       {"test_log_sigmoid": 2, "test_log_softmax": 0, "test_derivatives": 0,
                        "test_torch_gradient_norms": 3, "test_keras_relative_gradient_norms": 0}),
    "05_losses": ({"binary_cross_entropy", "focal_loss"},
                  {"test_binary_cross_entropy": 2, "test_cross_entropy": 0,
                   "test_focal_loss": 3, "test_keras_focal_sum": 0}),
    "00_tools": ({"to_nchw_batch", "train_one_epoch"},
                 {"test_to_nchw_batch": 3, "test_linear_regression_gradients": 0, "test_train_one_epoch": 3,
                  "test_keras_classifier": 0}),
    "07_training": ({"batchnorm_backward", "keras_batchnorm_like_torch"},
                    {"test_batchnorm_backward": 3, "test_dropout": 0, "test_regularized_model": 0,
                     "test_keras_batchnorm_like_torch": 2, "written_dropout": 0}),
    "06_optimizers": ({"momentum_step", "keras_rmsprop_like_torch"},
                      {"test_momentum_step": 2, "test_torch_adagrad_like_keras": 0,
                       "test_keras_rmsprop_like_torch": 3, "test_adam_step": 0}),
    "08_cnn": ({"sizes", "conv_forward"},
               {"test_sizes": 2, "test_conv_forward": 4, "test_conv_backward": 0,
                "test_torch_cnn": 0, "test_keras_cnn": 0, "written_weight_sharing": 0}),
    "09_pretrained": ({"basic_block"},
                      {"test_basic_block": 3, "test_transfer_classifier": 0, "test_transfer_frozen": 0,
                       "test_keras_fine_tune": 0, "test_keras_fine_tune_moved": 0, "written_fine_tuning": 0}),
    "10_detection": ({"iou", "decode"},
                     {"test_iou": 2, "test_nms": 0, "test_average_precision": 0, "test_decode": 3,
                      "written_nms": 0}),
    "11_segmentation": ({"iou_dice", "unet_block", "unet"},
                        {"test_iou_dice": 3, "test_unet_block": 2, "test_unet": 1, "test_train_unet": 0,
                         "test_keras_segmenter": 0, "written_skips": 0}),
    "12_vae": ({"reparameterize", "vae_loss"},
               {"test_reparameterize": 2, "test_gaussian_kl": 0, "test_vae_loss": 2,
                "test_keras_train_step": 0, "test_train_vae": 0, "written_kl": 0}),
    "13_gan": ({"discriminator_loss", "torch_gan_step"},
               {"test_discriminator_loss": 2, "test_generator_loss": 0,
                "test_torch_gan_step": 3, "test_keras_discriminator_step": 0, "test_critic_loss_gp": 0,
                "test_train_ring_generator": 0,
                "written_mode_collapse": 0}),
}


def written_points(assignment: str) -> float:
    """Points of the assignment's manually graded answers (contract 4: markdown cells, grade and solution)."""
    return sum(c.metadata["nbgrader"].get("points", 0) for nb in (course.ROOT / "solutions" / assignment).glob("*.ipynb")
               for c in nbformat.read(nb, as_version=4).cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")
               and c.metadata["nbgrader"].get("solution"))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_round_trip_through_nbgrader(assignment, tmp_path):
    """Full marks for the source, zero for the student version, exactly the points of the tasks solved."""
    assert assignment in PARTIAL, f"add a partial submission for {assignment} to PARTIAL"
    keep, expected_tasks = PARTIAL[assignment]
    answers = solution_answers(assignment)
    write_submission(assignment, tmp_path / "class" / "solution", answers)
    write_submission(assignment, tmp_path / "class" / "blank", {})
    write_submission(assignment, tmp_path / "class" / "partial", {k: v for k, v in answers.items() if k in keep})

    grades = {g.student_id: g for g in grader.grade(assignment, tmp_path / "class", tmp_path / "out", workers=2)}
    max_score = grades["solution"].max_score
    assert max_score >= 10
    written = written_points(assignment)  # graded by hand (formgrader): the model answer waits for it
    assert (grades["solution"].score, grades["solution"].status) == (
        max_score - written, "needs_manual" if written else "ok")
    assert (grades["blank"].score, grades["blank"].status) == (0, "ok")  # an unchanged answer scores 0, as in nbgrader
    assert {task: score for task, (score, _) in grades["partial"].tasks.items()
            if task in expected_tasks or not task.startswith("written_")} == expected_tasks
    assert grades["partial"].score == sum(expected_tasks.values())
