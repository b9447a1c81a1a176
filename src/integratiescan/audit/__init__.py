"""Audit: where a published number comes from, and whether it still holds.

:mod:`.provenance` (the rule table and the RO-Crate record), :mod:`.edition` (a built
edition's files), :mod:`.trace` (value -> cleaned rows -> raw file), :mod:`.verify` (do
the data and code still produce a report), :mod:`.diff` (values between two editions) and
:mod:`.disclosure_audit` (can a withheld count be recomputed from what is published).
"""
