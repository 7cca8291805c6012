"""What happened to a progress entry, announced for apps above this one (notifications).

Sent by commitments.services inside the write's transaction, after the row is saved, so
a listener that records something records it in the same transaction: the event and
what it leads to are committed together or not at all. Listeners must not send mail or
enqueue tasks here; they do that in transaction.on_commit. Each signal carries `entry`
(the saved ProgressEntry) and `actor` (who did it); entry_returned and entry_reopened
also carry `reason`.
"""

from django.dispatch import Signal

entry_submitted = Signal()  # a new entry, or a returned one corrected and sent again
entry_returned = Signal()
entry_verified = Signal()
entry_reopened = Signal()
