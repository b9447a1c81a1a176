"""The writer of the generated text, one module per part of the report it speaks about.

:class:`integratiescan.report.narrative._Schrijver` is composed of these parts; each part is a
mixin on :class:`.base.Basis` (the rows, the thresholds and the number helpers):

* ``projects``: the projects in scope and on the peildatum (summary)
* ``components``: the component assessment (summary, verdict, what is not measured)
* ``encounters``: the encounter items of the youth questionnaire (summary, verdict, trend)
* ``attitude``: the paired attitude item (summary, verdict)
* ``buddies``: the buddy matches (summary, verdict)
* ``conclusion``: the verdict per part and overall
* ``questions``: the follow-up questions triggered by the thresholds
"""
