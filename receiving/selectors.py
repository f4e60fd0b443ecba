"""Circular 16 records: selectors."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----


# (end of the records section)
