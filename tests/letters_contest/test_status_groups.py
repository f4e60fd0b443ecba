from letters_contest.models import Entry


def test_an_entry_is_registered_until_consent_is_withdrawn():
    assert Entry(status=Entry.Status.REGISTERED).is_registered
    assert not Entry(status=Entry.Status.WITHDRAWN).is_registered
