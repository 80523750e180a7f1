"""The leak detector every exercise test relies on can fire (else "no message reveals the
answer" could never fail)."""

import numpy as np

from exercise_helpers import answer_leaks


def test_answer_leaks_sees_a_printed_reference():
    assert answer_leaks("Your NLL is 3.47 but ...", [3.4657359])
    assert answer_leaks("expected 0.7000", np.array([[0.7]]))
    assert not answer_leaks("Your NLL is 3.47 but ...", [6.1086])
    assert not answer_leaks("the gradient is 0.00 there", [0.0])
    assert answer_leaks("about 1.2e-05", [1.2e-5], formats=("{:.2g}",))
    assert not answer_leaks("about 1.2e-05", [1.2e-5], formats=("{:.4f}",))
