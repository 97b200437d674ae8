"""干: run a draft clause (and up to two variants) over the whole enterprise base before it is issued.

A simulation answers what a drafting department asks before a measure goes out: how many
enterprises qualify, what it costs against the budget, and where the money lands (by industry
section, street and size). It reads the registry as of now; a saved snapshot keeps its figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from luoshi import rules
from luoshi.codes import industries
from luoshi.core.audit import stamp
from luoshi.core.errors import NotPermitted, ValidationFailed
from luoshi.enterprises.facts import load_base
from luoshi.org import permissions
from luoshi.policies.models import Clause, Simulation

SIMULATORS = ("reviewer", "leader", "admin")
MAX_VARIANTS = 3
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Variant:
    label: str
    rule: rules.Rule
    amount: rules.Rule | None
    budget: Decimal | None


def _parse(variants: list[dict]) -> list[Variant]:
    if not variants:
        raise ValidationFailed("请至少填写一个方案的申报条件。", field="rule_0")
    if len(variants) > MAX_VARIANTS:
        raise ValidationFailed(f"一次最多比较{MAX_VARIANTS}个方案。")
    parsed = []
    for n, v in enumerate(variants):
        i = v.get("index", n)
        label = (v.get("label") or f"方案{n + 1}").strip()[:40]
        try:
            rule = rules.parse(v.get("rule") or "", kind="condition")
        except rules.RuleError as exc:
            raise ValidationFailed(
                f"{label}的申报条件有误，{exc}", code="rule_" + exc.code, field=f"rule_{i}"
            ) from None
        amount = None
        if (v.get("amount") or "").strip():
            try:
                amount = rules.parse(v["amount"], kind="amount")
            except rules.RuleError as exc:
                raise ValidationFailed(
                    f"{label}的金额公式有误，{exc}", code="rule_" + exc.code, field=f"amount_{i}"
                ) from None
        budget = v.get("budget")
        budget = None if budget in (None, "") else Decimal(str(budget)).quantize(CENT)
        if budget is not None and budget < 0:
            raise ValidationFailed("预算不能为负数。", field=f"budget_{i}")
        parsed.append(Variant(label, rule, amount, budget))
    return parsed


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _breakdown(keys: list[str], eligible: np.ndarray, amounts: np.ndarray | None, labels=None) -> list[dict]:
    counts: Counter[str] = Counter()
    totals: dict[str, float] = defaultdict(float)
    base: Counter[str] = Counter(keys)
    for i in np.flatnonzero(eligible).tolist():
        key = keys[i]
        counts[key] += 1
        if amounts is not None:
            totals[key] += float(amounts[i])
    rows = [
        {
            "key": key,
            "name": (labels or {}).get(key, key) or "未登记",
            "eligible": counts[key],
            "total": base[key],
            "cost": round(totals[key], 2),
        }
        for key in base
    ]
    rows.sort(key=lambda r: (-r["eligible"], -r["total"], r["key"]))
    return rows


def _section_labels() -> dict[str, str]:
    return {s.code: f"{s.code} {s.name}" for s in industries.sections()}


def simulate(actor, variants: list[dict], *, figure_year: int | None = None, today: date | None = None) -> dict:
    """Run up to three variants over every enterprise; returns JSON-safe results, saves nothing."""
    if not permissions.allowed(actor, SIMULATORS):
        raise NotPermitted("您没有政策测算的权限：需要政策审核员、区领导或系统管理员角色。")
    parsed = _parse(variants)
    today = today or timezone.localdate()
    ctx = rules.Context(figure_year=figure_year or today.year - 1, as_of=today)
    base = load_base(ctx)
    batch = rules.compile_batch([v.rule for v in parsed])
    eligible = batch.eligible(base.table)
    sections = _section_labels()
    results = []
    for k, v in enumerate(parsed):
        mask = eligible[k]
        count = int(mask.sum())
        amounts = None
        cost = None
        if v.amount is not None:
            amounts = np.asarray(batch.amounts(v.amount, base.table), dtype=float)
            cost = sum((Decimal(repr(float(a))).quantize(CENT) for a in amounts[mask]), Decimal(0))
        results.append(
            {
                "label": v.label,
                "rule": v.rule.text,
                "rule_sentence": v.rule.render(),
                "amount": v.amount.text if v.amount else "",
                "amount_sentence": v.amount.render() if v.amount else "",
                "budget": _money(v.budget) if v.budget is not None else None,
                "eligible": count,
                "share": round(100 * count / len(base), 2) if len(base) else 0.0,
                "cost": _money(cost) if cost is not None else None,
                "average": _money(cost / count) if cost is not None and count else None,
                "budget_use": round(float(100 * cost / v.budget), 1) if cost is not None and v.budget else None,
                "over_budget": bool(cost is not None and v.budget is not None and cost > v.budget),
                "by_section": _breakdown(base.section, mask, amounts, sections),
                "by_town": _breakdown(base.town, mask, amounts),
                "by_size": _breakdown(base.size, mask, amounts),
            }
        )
    return {"figure_year": ctx.figure_year, "as_of": today.isoformat(), "enterprises": len(base), "variants": results}


def variants_of(clause: Clause) -> list[dict]:
    """The clause as it stands, as the first variant of a simulation form."""
    return [
        {
            "label": "现行方案",
            "rule": clause.rule,
            "amount": clause.amount_formula,
            "budget": clause.budget,
        }
    ]


@transaction.atomic
def save(actor, outcome: dict, *, title: str, variants: list[dict], clause: Clause | None = None) -> Simulation:
    """Keep a simulation as a snapshot, with the clause version it was run on."""
    if not permissions.allowed(actor, SIMULATORS):
        raise NotPermitted("您没有保存政策测算的权限。")
    asked = [
        {
            "label": v.get("label", ""),
            "rule": v.get("rule", ""),
            "amount": v.get("amount", ""),
            "budget": None if v.get("budget") in (None, "") else str(v["budget"]),
        }
        for v in variants
    ]
    simulation = Simulation(
        title=(title or "").strip()[:200] or (f"{clause.title} 测算" if clause else "政策测算"),
        clause=clause,
        clause_version=clause.version if clause else None,
        figure_year=outcome["figure_year"],
        enterprise_count=outcome["enterprises"],
        variants=asked,
        results=outcome["variants"],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stamp(simulation, actor, "保存测算结果")
    simulation.save()
    return simulation


def breakdown_table(outcome: dict, key: str = "by_town") -> list[dict]:
    """Rows of one breakdown with a cell per variant, for the detail table under the charts."""
    variants = outcome["variants"]
    names = [row["name"] for row in variants[0][key]]
    cells = [{row["name"]: row for row in v[key]} for v in variants]
    return [{"name": name, "cells": [c.get(name, {"eligible": 0, "cost": 0}) for c in cells]} for name in names]
