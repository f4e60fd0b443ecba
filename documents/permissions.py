"""Who may do what with official documents.

Checking the signatures of a document is open to everyone, signed in or not: a donor, a
school or a newspaper holding a downloaded decision must be able to tell whether it is
the one the office signed (issue 16). Only posting is rate-limited (`core.ratelimit`)."""


def can_verify_signatures(user) -> bool:
    return True
