"""Printing through reportlab, Qt-free: visit record sheets (one or a batch), the blank
paper form, the township statistics table and the enrollment page, all on A4 with an
embedded Chinese font (:mod:`.fonts`) and one shared layout (:mod:`.layout`).

Every document is written atomically; long work takes a
:class:`~fieldsurvey.progress.Progress` and honours cancel. The UI's preview and print
dialog is ``fieldsurvey.ui.print_preview``.
"""
