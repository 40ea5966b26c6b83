"""Signals other apps listen to, so the review app never imports them."""

from django.dispatch import Signal

# Sent by the duplicate detection job when a review's records are settled after an import, an undo or a
# merge (arguments: review, progress). Screening prepares its model's features then, so that refits,
# which run after every decision, do not have to.
records_settled = Signal()
