"""``luoshi bench intake``: quality (precision, recall, F1 per field) of the intake kernel on the
hand-labelled gold texts, and its speed in characters per second on one core.

Gold texts live in ``tests/intake/gold/`` (the tuning set) and ``tests/intake/gold/heldout/``
(the held-out set, kept out of tuning): each ``NAME.txt`` with its hand labels ``NAME.json``
in the structure ``luoshi intake parse --json`` prints. ``directory.json`` there is the unit
directory the Django side would pass (the demo's units, towns and streets).

Matching rule, per field — a predicted item matches a gold item (one to one, the pairs with the
largest overlap first) when their spans overlap and:

=========== ======================================================================
units       the normalised names are equal
people      the names are equal
targets     the values are equal and the units of measure are equal
projects    the spans overlap by at least half (intersection over union ≥ 0.5)
money       the values in yuan are equal
dates       the ISO dates are equal
key_tasks   the spans overlap by at least half and the indices are equal
tasks       the spans overlap by at least half and the owning units are equal
clauses     the spans overlap by at least half
=========== ======================================================================

Among matched pairs the other attributes are scored as agreement rates (``attributes``):
people's title and unit, targets' indicator (one contains the other), change word, year and
owner, projects' name, money's qualifier, clauses' amount formula; ``tasks_span`` is the task
score without the unit.

Speed: every gold text parsed once to warm up, then ``--repeat`` rounds; the best round gives
characters per second (the kernel is single-threaded, so this is one core). ``large_chars_per_s``
parses one document made of all gold texts repeated to about 300,000 characters.

    luoshi bench intake [--set tuning|heldout|all] [--json] [--repeat N] [--gold DIR] [--no-directory]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO_ROOT / "tests" / "intake" / "gold"
FIELDS = ("units", "people", "targets", "projects", "money", "dates", "key_tasks", "tasks", "clauses")
TARGETS = {"units": 0.9, "targets": 0.9, "money": 0.9, "projects": 0.8, "key_tasks": 0.8, "tasks": 0.8}
SPEED_TARGET = 200_000


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _iou(a, b) -> float:
    inter = _overlap(a, b)
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


def _contains(a, b) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


MATCH = {
    "units": lambda g, p: _overlap(g["span"], p["span"]) > 0 and g["name"] == p["name"],
    "people": lambda g, p: _overlap(g["span"], p["span"]) > 0 and g["name"] == p["name"],
    "targets": lambda g, p: (
        _overlap(g["span"], p["span"]) > 0 and _same_number(g["value"], p["value"]) and g["unit"] == p["unit"]
    ),
    "projects": lambda g, p: _iou(g["span"], p["span"]) >= 0.5,
    "money": lambda g, p: _overlap(g["span"], p["span"]) > 0 and _same_number(g["value"], p["value"]),
    "dates": lambda g, p: _overlap(g["span"], p["span"]) > 0 and g["date"] == p["date"],
    "key_tasks": lambda g, p: _iou(g["span"], p["span"]) >= 0.5 and g["index"] == p["index"],
    "tasks": lambda g, p: _iou(g["span"], p["span"]) >= 0.5 and g["unit"] == p["unit"],
    "tasks_span": lambda g, p: _iou(g["span"], p["span"]) >= 0.5,
    "clauses": lambda g, p: _iou(g["span"], p["span"]) >= 0.5,
}
ATTRIBUTES = {
    "people": {"title": lambda g, p: g["title"] == p["title"], "unit": lambda g, p: g["unit"] == p["unit"]},
    "targets": {
        "indicator": lambda g, p: _contains(g["indicator"], p["indicator"]),
        "change": lambda g, p: g["change"] == p["change"],
        "year": lambda g, p: g["year"] == p["year"],
        "owner": lambda g, p: g["owner"] == p["owner"],
    },
    "projects": {"name": lambda g, p: g["name"] == p["name"]},
    "money": {"qualifier": lambda g, p: g["qualifier"] == p["qualifier"]},
    "clauses": {"amount": lambda g, p: (g["amount"] or "").replace(" ", "") == (p["amount"] or "").replace(" ", "")},
}


def match(field: str, gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index), the largest overlaps first."""
    rule = MATCH[field]
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if rule(g, p):
                pairs.append((_iou(g["span"], p["span"]), i, j))
    used_g, used_p, out = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def _prf(tp: int, n_gold: int, n_pred: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "gold": n_gold,
        "predicted": n_pred,
        "matched": tp,
    }


def gold_files(gold_dir: Path, which: str) -> list[Path]:
    tuning = sorted(gold_dir.glob("*.txt"))
    heldout = sorted((gold_dir / "heldout").glob("*.txt"))
    return {"tuning": tuning, "heldout": heldout, "all": tuning + heldout}[which]


def load_directory(gold_dir: Path):
    from luoshi.intake import Directory

    path = gold_dir / "directory.json"
    if not path.exists():
        return None
    return Directory.from_pairs(json.loads(path.read_text(encoding="utf-8"))["units"])


def evaluate(files: list[Path], directory=None, *, details: bool = False) -> dict:
    """Scores of the kernel against the gold labels of ``files``."""
    from luoshi.intake import parse_text

    counts = {f: [0, 0, 0] for f in (*FIELDS, "tasks_span")}
    attrs = {f: {a: [0, 0] for a in spec} for f, spec in ATTRIBUTES.items()}
    errors: dict[str, dict[str, list]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pred = parse_text(text, directory=directory, year=gold.get("year")).to_dict()
        for field in (*FIELDS, "tasks_span"):
            source = "tasks" if field == "tasks_span" else field
            g_items, p_items = gold.get(source, []), pred.get(source, [])
            pairs = match(field, g_items, p_items)
            c = counts[field]
            c[0] += len(pairs)
            c[1] += len(g_items)
            c[2] += len(p_items)
            for name, rule in ATTRIBUTES.get(field, {}).items():
                for i, j in pairs:
                    attrs[field][name][0] += bool(rule(g_items[i], p_items[j]))
                    attrs[field][name][1] += 1
            if details and field != "tasks_span":
                mg = {i for i, _ in pairs}
                mp = {j for _, j in pairs}
                missed = [_show(text, g_items[i]) for i in range(len(g_items)) if i not in mg]
                extra = [_show(text, p_items[j]) for j in range(len(p_items)) if j not in mp]
                if missed or extra:
                    errors.setdefault(path.stem, {})[field] = {"missed": missed, "extra": extra}
    fields = {f: _prf(*c) for f, c in counts.items()}
    attributes = {f: {a: round(ok / n, 4) if n else None for a, (ok, n) in spec.items()} for f, spec in attrs.items()}
    out = {"texts": len(files), "chars": sum(len(p.read_text(encoding="utf-8")) for p in files), "fields": fields,
           "attributes": attributes}  # fmt: skip
    if details:
        out["errors"] = errors
    return out


def _show(text: str, item: dict) -> dict:
    a, b = item["span"]
    shown = {k: v for k, v in item.items() if k not in ("span", "text")}
    shown["at"] = text[a:b].replace("\n", "")
    return shown


def speed(files: list[Path], directory=None, repeat: int = 5) -> dict:
    from luoshi.intake import parse_text

    texts = [p.read_text(encoding="utf-8") for p in files]
    total = sum(len(t) for t in texts)
    for t in texts:  # warm-up: compiled patterns, caches, the rules kernel's import
        parse_text(t, directory=directory)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            parse_text(t, directory=directory)
        best = min(best, time.perf_counter() - start)
    big = "\n".join(texts)
    big = "\n".join([big] * max(1, 300_000 // max(1, len(big))))
    parse_text(big, directory=directory)
    start = time.perf_counter()
    parse_text(big, directory=directory)
    large = time.perf_counter() - start
    return {
        "chars_per_s": round(total / best),
        "large_chars_per_s": round(len(big) / large),
        "large_chars": len(big),
        "best_round_s": round(best, 6),
        "repeat": repeat,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="luoshi bench intake", description="文本解析内核：标注集上的准确率与速度")
    parser.add_argument("--set", choices=["tuning", "heldout", "all"], default="all", dest="which",
                        help="评测哪一组标注文本（默认 all：分别报告调参集和留出集）")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="只在标准输出打印一个 JSON 对象")
    parser.add_argument("--repeat", type=int, default=5, help="计时轮数（取最快一轮）")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="标注文本目录")
    parser.add_argument("--no-directory", action="store_true", help="不使用单位名录（只靠内核自带的规范化）")
    parser.add_argument("--details", action="store_true", help="列出每个文本漏掉和多出的条目")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))

    directory = None if args.no_directory else load_directory(args.gold)
    sets = ["tuning", "heldout"] if args.which == "all" else [args.which]
    report: dict = {"sets": {}, "matching": {f: (MATCH[f].__doc__ or "") for f in ()}}
    for name in sets:
        files = gold_files(args.gold, name)
        if files:
            report["sets"][name] = evaluate(files, directory, details=args.details)
    files = gold_files(args.gold, "all")
    if not files:
        print(f"没有找到标注文本：{args.gold}", file=sys.stderr)
        return 2
    report["speed"] = speed(files, directory, repeat=max(1, args.repeat))
    report["targets"] = {"f1": TARGETS, "chars_per_s": SPEED_TARGET}
    report.pop("matching")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    _print(report)
    return 0


def _print(report: dict) -> None:
    from benchmarks.common import table

    for name, figures in report["sets"].items():
        print(f"\n{name}（{figures['texts']}篇，{figures['chars']:,}字）")
        rows = []
        for field, f in figures["fields"].items():
            goal = TARGETS.get(field)
            verdict = "" if goal is None else ("PASS" if f["f1"] >= goal else "MISS")
            rows.append([field, f["gold"], f["predicted"], f["matched"], f"{f['precision']:.3f}", f"{f['recall']:.3f}",
                         f"{f['f1']:.3f}", f"≥{goal}" if goal else "", verdict])  # fmt: skip
        print(table(["field", "gold", "pred", "match", "P", "R", "F1", "target", ""], rows))
        attrs = ", ".join(
            f"{field}.{a}={v:.2f}"
            for field, spec in figures["attributes"].items()
            for a, v in spec.items()
            if v is not None
        )
        print(f"attribute agreement among matches: {attrs}")
        for doc, fields in figures.get("errors", {}).items():
            for field, e in fields.items():
                for kind in ("missed", "extra"):
                    for item in e[kind]:
                        print(f"  {doc} {field} {kind}: {json.dumps(item, ensure_ascii=False)}")
    s = report["speed"]
    verdict = "PASS" if s["chars_per_s"] >= SPEED_TARGET else "MISS"
    print(
        f"\nspeed: {s['chars_per_s']:,} chars/s on the gold texts (best of {s['repeat']}), "
        f"{s['large_chars_per_s']:,} chars/s on one {s['large_chars']:,}-char document; "
        f"target ≥{SPEED_TARGET:,} {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
