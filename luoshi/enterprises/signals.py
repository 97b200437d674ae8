"""What the enterprise registry announces, for apps that keep something derived from it.

``enterprise_changed`` is sent inside the transaction that changed the enterprise (its
figures, tags, industry, town …) with ``enterprise_id``; receivers that do slow work defer it
to after the commit.

``enterprises_changed`` is the same for many enterprises at once: a bulk write (the import of a
registry file) sends it once, inside its transaction, with ``enterprise_ids``, the list of every
enterprise it created or changed (a first import of a million rows: a million ids). It is sent
instead of ``enterprise_changed`` per enterprise, never as well: a receiver should defer one job
with the whole list to after the commit, and may treat a long list as "re-derive everything".
"""

from django.dispatch import Signal

enterprise_changed = Signal()
enterprises_changed = Signal()
