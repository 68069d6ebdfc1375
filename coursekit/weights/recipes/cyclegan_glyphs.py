"""Chapter 13's CycleGAN between thin and bold digit glyphs (``book/13_gans/cyclegan.ipynb``), and its judges.

:class:`coursekit.torch.cyclegan.CycleGAN` ``(width=16)`` after ``torch.manual_seed(0)``, trained by
:func:`coursekit.torch.cyclegan.train` (Adam, lr 2e-4, beta_1 0.5, lambda 10, batches of 32) for
2,000 steps on the unpaired ``two_styles(4000, size=16, seed=0)``; one thread. Two judges
(:class:`coursekit.torch.cyclegan.Classifier`) are trained on the labelled ``two_styles(3000, seed=7)``
(both styles): ``style`` (0 = A, 1 = B) and ``digit`` (0-9), 1,000 Adam steps each.

The file is one ``torch.save`` dict ``{"G", "F", "style", "digit"}`` of ``state_dict`` s (the
discriminators are not stored). The metrics are measured on
:func:`coursekit.data.styles.held_out` ``(500)``.
"""

from __future__ import annotations

from pathlib import Path

STEPS, JUDGE_STEPS, WIDTH = 2000, 1000, 16


def build(out_dir: Path) -> dict:
    import numpy as np
    import torch

    from coursekit.data.styles import held_out, two_styles
    from coursekit.torch import cyclegan

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same bits on every run of this machine
    try:
        labelled = two_styles(3000, size=16, seed=7)
        images = np.concatenate([labelled["a"], labelled["b"]])
        styles = np.repeat([0, 1], 3000)
        digits = np.concatenate([labelled["a_labels"], labelled["b_labels"]])
        torch.manual_seed(0)
        style, digit = cyclegan.Classifier(2), cyclegan.Classifier(10)
        cyclegan.train_classifier(style, images, styles, JUDGE_STEPS, seed=1)
        cyclegan.train_classifier(digit, images, digits, JUDGE_STEPS, seed=2)
        unpaired = two_styles(4000, size=16, seed=0)
        torch.manual_seed(0)
        model = cyclegan.CycleGAN(WIDTH)
        history = cyclegan.train(model, unpaired["a"], unpaired["b"], steps=STEPS, seed=0, log_every=100)
        torch.save({"G": model.G.state_dict(), "F": model.F.state_dict(), "style": style.state_dict(),
                    "digit": digit.state_dict()}, Path(out_dir) / "cyclegan_glyphs.pt")
        a, a_labels, b, b_labels = held_out()
        fake_b = cyclegan.translate(model.G, a)
        metrics = {
            "steps": STEPS, "last_100_steps_cycle": round(history["cycle"][-1], 4),
            "test_cycle_a": round(float(np.abs(cyclegan.translate(model.F, fake_b) - a).mean()), 4),
            "style_b_of_g_a": round(float((cyclegan.predict(style, fake_b) == 1).mean()), 4),
            "style_b_of_a": round(float((cyclegan.predict(style, a) == 1).mean()), 4),
            "style_b_of_b": round(float((cyclegan.predict(style, b) == 1).mean()), 4),
            "digit_of_g_a": round(float((cyclegan.predict(digit, fake_b) == a_labels).mean()), 4),
            "digit_of_b": round(float((cyclegan.predict(digit, b) == b_labels).mean()), 4),
        }
    finally:
        torch.set_num_threads(threads)
    return metrics
