"""The parts of :class:`integratiescan.report.kit.Rapport`, one module per chapter of the report.

Each part is a mixin on :class:`.base.RapportBasis` (the edition loaded: tables, metadata,
configuration; the row lookup and the cell formats every chapter uses). ``Rapport`` is the
sum of the parts, so the Quarto document keeps calling ``R.<method>(...)``:

* ``meta``: version, peildatum, publication threshold, the thresholds of the questions
* ``inline``: numbers in running text, linked to their row (``num``, ``n``, ``bi`` ...)
* ``text``: the generated summary, conclusion and follow-up questions
* ``figures``: a figure with caption, alt text and source line
* ``tables``: the tables in the chapters (key figures, encounters, attitude, response,
  buddy matches, components)
* ``changes``: what changed since the previous revision and the previous edition
* ``appendix``: the "Verantwoording", every row with its anchor, and the source fingerprints
* ``validation``: data validation and what the disclosure rule withheld
* ``facts``: time-bound facts (report/feiten.yaml) for the edition's peildatum
* ``colophon``: the synthetic-data notice, the signal values and the build facts
"""
