from luoshi.policies import queries, search, services


def _search(user, today, **data):
    hits, _total = queries.search(user, data, today)
    return hits


def test_full_text_finds_documents_and_clauses_with_highlights(library):
    hits = _search(library.leader, library.today, q="研发投入")
    kinds = {(h.kind, h.clause.pk if h.clause else h.document.pk) for h in hits}
    assert ("clause", library.rd.pk) in kinds
    assert ("document", library.measure.pk) in kinds
    assert any("<mark>" in str(h.snippet) for h in hits)


def test_filters_narrow_the_results(library):
    assert {h.document.pk for h in _search(library.leader, library.today, level="national")} == {library.upper.pk}
    open_now = _search(library.leader, library.today, open_now=True)
    assert [h.clause.pk for h in open_now] == [library.rd.pk]
    assert _search(library.leader, library.later, open_now=True) == []
    assert [h.clause.pk for h in _search(library.leader, library.today, benefit_type="subsidy")] == [library.rd.pk]
    assert [h.clause.pk for h in _search(library.leader, library.today, q="研发", department=library.jxw)] == [
        library.rd.pk
    ]


def test_drafts_are_only_found_by_their_keepers_and_the_leadership(library):
    def finds_trade(user):
        return any(h.document.pk == library.trade.pk for h in _search(user, library.today, q="以旧换新"))

    assert finds_trade(library.swj_reviewer)
    assert finds_trade(library.leader)
    assert not finds_trade(library.reviewer)
    assert not finds_trade(library.enterprise_a)
    draft_hits = [h for h in _search(library.enterprise_a, library.today, q="首台套") if h.clause]
    assert draft_hits == []


def test_the_index_follows_edits(library):
    services.update_clause(library.reviewer, library.rd, title="科技创新券")
    assert [h.clause.pk for h in _search(library.leader, library.today, q="创新券") if h.clause] == [library.rd.pk]
    assert search.rebuild() >= 4
    assert [h.clause.pk for h in _search(library.leader, library.today, q="创新券") if h.clause] == [library.rd.pk]
