"""The policy library's full-text index: documents and clauses, one jieba-tokenised index."""

from __future__ import annotations

from luoshi.core.fulltext import FullTextIndex, highlight

INDEX = FullTextIndex("policies_search")
__all__ = ["CLAUSE", "DOCUMENT", "INDEX", "highlight", "index_clause", "index_document", "rebuild"]
DOCUMENT = "document"
CLAUSE = "clause"


def _document_entry(d) -> tuple[str, int, str, str]:
    body = "\n".join(part for part in (d.doc_number, d.issuer, d.summary, d.full_text) if part)
    return DOCUMENT, d.pk, d.title, body


def _clause_entry(c) -> tuple[str, int, str, str]:
    parts = (c.get_benefit_type_display(), c.text, c.rule_sentence, c.amount_sentence)
    return CLAUSE, c.pk, f"{c.document.title} {c.title}", "\n".join(part for part in parts if part)


def index_document(document) -> None:
    kind, pk, title, body = _document_entry(document)
    INDEX.replace(kind, pk, title=title, body=body)


def index_clause(clause) -> None:
    kind, pk, title, body = _clause_entry(clause)
    INDEX.replace(kind, pk, title=title, body=body)


def rebuild() -> int:
    """Re-index every document and clause (after a bulk load or a tokenizer change)."""
    from luoshi.policies.models import Clause, PolicyDocument

    documents = PolicyDocument.objects.all()
    clauses = Clause.objects.select_related("document")
    INDEX.rebuild((_document_entry(d) for d in documents.iterator()), kinds=[DOCUMENT])
    INDEX.rebuild((_clause_entry(c) for c in clauses.iterator()), kinds=[CLAUSE])
    return documents.count() + clauses.count()
