"""Hostile values for the fuzz tests of forms and filters (tests/config/test_hostile_*.py)."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Random text, and the values that broke or could break a form: signs, huge numbers, NUL,
# scripts, SQL, paths, formulas, full-width digits, a 500-character word.
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "", " ", "-1", "0", "1e9", "99999999999999999999", "NaN", "null", "<script>alert(1)</script>",
            "' OR 1=1 --", "%00", "\x00", "../../etc/passwd", "=HYPERLINK(\"x\")", "１２３", "đ" * 500,
        ]
    ),
)  # fmt: skip
# Each example reuses the test's fixtures (the area and its users): what an example
# saves stays for the next, which the tests allow for.
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def clean(value: str) -> str:
    return value.replace("\x00", "")  # the test client itself refuses NUL in a query
