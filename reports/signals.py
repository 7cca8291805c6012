"""A report whose files are ready, announced for apps above this one (notifications).

Sent by reports.services.report_build after the UPDATE that marks it ready has been
committed (a build runs in autocommit), with `report`: the ready Report.
"""

from django.dispatch import Signal

report_ready = Signal()
