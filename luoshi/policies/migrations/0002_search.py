from django.db import migrations

from luoshi.core.fulltext import FullTextIndex


class Migration(migrations.Migration):
    """The full-text index of documents and clauses (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

    dependencies = [("policies", "0001_initial")]
    # The index is named here, not imported from the app, so that later renames in the app
    # cannot change what this migration created.
    operations = [*FullTextIndex("policies_search").operations()]
