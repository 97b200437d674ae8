"""What the enterprise registry announces, for apps that keep something derived from it.

``enterprise_changed`` is sent inside the transaction that changed the enterprise (its
figures, tags, industry, town …) with ``enterprise_id``; receivers that do slow work defer it
to after the commit.
"""

from django.dispatch import Signal

enterprise_changed = Signal()
