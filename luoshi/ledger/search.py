"""Finding tasks by a fragment of their title: the bigram index of :mod:`luoshi.core.bigrams`."""

from luoshi.core.bigrams import BigramIndex

TITLES = BigramIndex("ledger_task", "title")
