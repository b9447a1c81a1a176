"""Intake: the raw exports' contract, readers, cleaning, and the synthetic data generator.

:mod:`.contract` (columns, codes, rules; pandera schemas), :mod:`.readers` (CSV and Excel,
with file/line/column in every error), :mod:`.clean` (validate and write typed tables) and
:mod:`.synthetic` (seeded synthetic editions).
"""
