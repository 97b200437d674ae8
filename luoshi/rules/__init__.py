"""luoshi.rules — the rules-as-code kernel: eligibility and amount formulas over enterprise variables.

Pure Python + NumPy/Polars, no Django.  The language is documented in
``docs/rules.md``.  Public API::

    parse(text: str, *, kind: str = "condition") -> Rule
        kind "condition" (a yes/no rule) or "amount" (a money formula; results in yuan).
        Raises RuleError (line, column, Chinese message, stable code).
    Rule            frozen: .text .kind .ast .nnf .variables (frozenset[str], dependencies included)
                    .years (frozenset[int] of year offsets, 0 = figure year) .render() .to_dict()
    render(rule, ctx: Context | None = None) -> str
        The rule as a Chinese sentence; with ctx, years are concrete (2024年) instead of 上年度.
    RuleError       ValueError: .message .line .column .code; str() == "第{line}行第{column}列：{message}"
                    codes: syntax unknown_variable type_mismatch unknown_function bad_literal bad_facts bad_case
    VARIABLES       Mapping[str, Variable]; Variable(name, label, type, unit, description, yearly, formula, choices)
    Facts(industry=, street=, tags=, founded=, chain=, size=, above_scale=, figures={year: {name: value}})
    Facts.from_mapping(dict) -> Facts               (JSON-ish input; RuleError(code="bad_facts") when malformed)
    Context(figure_year: int, as_of: date);  Context.for_date(d) -> Context(d.year - 1, d)
    evaluate(rule, facts, ctx, *, amount: Rule | None = None, trace: bool = True) -> Outcome
    Outcome         .verdict ("eligible" | "near_miss" | "ineligible") .eligible .amount (Decimal yuan | None)
                    .checks list[Check] (empty when trace=False)
                    .gaps list[Check]: exactly one for a near miss; for ineligible, failing leaves whose
                    fulfilment makes it eligible (the cheapest branch of an or); .to_dict()
    Check           .text .variable .label .actual .required .passed .gap; .to_dict()
    amount_of(amount_rule, facts, ctx) -> Decimal | None      (yuan, 2 places, ROUND_HALF_UP, never negative)
    Table.from_facts(facts: Sequence[Facts], ctx) -> Table;  Table.from_columns(mapping, ctx) -> Table
                    len(table), table.frame (polars.DataFrame)
    compile_batch(rules: Sequence[Rule]) -> Batch
    Batch.eligible(table) -> np.ndarray[bool] (rules × rows)
    Batch.verdicts(table) -> np.ndarray[int8] (0 ineligible, 1 near miss, 2 eligible)
    Batch.amounts(amount_rule, table) -> np.ndarray[float64] yuan, exact to the fen, NaN when data is missing
    near_miss_gaps(rule, table, rows, *, keep=None) -> (rows, gap sentences)
        The gap of each near-miss row as evaluate() words it, from the batch's leaf masks; keep(leaf) filters.
    reads_current_figures(leaf_node) -> bool   whether a leaf reads only figures of the figure year
    Table.set_figure(name, year, units, present)   a yearly figure already in exact integer units
    compile_one(rules: Sequence[Rule]) -> Callable[[Facts | Mapping, Context], list[bool]]
        The fast one-record path: verdict eligible-or-not per rule, no trace.
    load_case_file(path) -> CaseFile;  run_case_file(case_file_or_path) -> list[CaseResult]
    CaseFile, Case, CaseResult                          regulation cases in YAML (see docs/rules.md)

>>> from datetime import date
>>> rule = parse("industry in C and revenue >= 2000万元 and rd_ratio >= 3%")
>>> facts = Facts(industry="3911", figures={2024: {"revenue": "2000.00", "rd_expense": "60.00"}})
>>> evaluate(rule, facts, Context.for_date(date(2025, 3, 1))).verdict
'eligible'
"""

from luoshi.rules.batch import Batch, compile_batch, near_miss_gaps, reads_current_figures
from luoshi.rules.cases import Case, CaseFile, CaseResult, load_case_file, run_case_file
from luoshi.rules.compiled import compile_one
from luoshi.rules.errors import RuleError
from luoshi.rules.evaluate import Check, Outcome, amount_of, evaluate
from luoshi.rules.facts import Context, Facts
from luoshi.rules.render import render
from luoshi.rules.syntax import Rule, parse
from luoshi.rules.table import Table
from luoshi.rules.variables import VARIABLES, Variable

__all__ = [
    "VARIABLES",
    "Batch",
    "Case",
    "CaseFile",
    "CaseResult",
    "Check",
    "Context",
    "Facts",
    "Outcome",
    "Rule",
    "RuleError",
    "Table",
    "Variable",
    "amount_of",
    "compile_batch",
    "compile_one",
    "evaluate",
    "load_case_file",
    "near_miss_gaps",
    "parse",
    "reads_current_figures",
    "render",
    "run_case_file",
]
