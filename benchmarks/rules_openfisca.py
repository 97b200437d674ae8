"""OpenFisca-core's side of ``luoshi bench rules``; runs in the benchmark's own virtual environment.

    var/bench/openfisca-venv/bin/python benchmarks/rules_openfisca.py DATA.npz MASKS.npy \
        [--repeat N] [--model idiomatic|int]

OpenFisca is not a dependency of luoshi: ``benchmarks/rules.py`` creates that environment on first
use (``python -m venv`` + ``pip install openfisca-core``) and runs this script in it as a
subprocess. The 50 rules are the ones in ``benchmarks/rules.py``, written there beside their luoshi
text and their hand NumPy mask; this script only builds the model around them, the way a country
package does:

- one person entity, ``enterprise``;
- an input ``Variable`` per column (the yearly figures with ``definition_period = YEAR``, the
  rest ``ETERNITY``; a boolean per tag; the figures ``float``, which OpenFisca stores as float32);
  the industry, street, chain and size as ``--model`` declares them:

  - ``idiomatic`` (the default): as a country package declares codes: the industry as text,
    ``value_type = str`` with ``max_length = 4`` (``b"3911"``, ``b"0111"``; openfisca-france
    declares ``depcom`` so), tested by prefix with ``numpy.char.startswith``; street, chain and
    size as ``Enum`` variables (``possible_values``, ``default_value``), set from their names;
  - ``int``: luoshi's and the floor's layout: integer codes (an industry prefix is a range);

- the derived variables the rules share (R&D intensity, growth; the industry's 大类 in the int
  model, 制造业 and 工业 from the division prefixes in the idiomatic one) and one ``bool`` variable
  per rule, each with a ``formula(enterprise, period)`` (``Rule.formula(model)``);
- a ``Simulation`` from ``SimulationBuilder().build_default_simulation(tbs, count=N)`` with
  ``set_input`` for every column and year.

Timed: ``simulation.calculate(rule, figure_year)`` for the 50 rule variables on a fresh
simulation (its cache empty), best of ``--repeat`` after one warm-up. Building the simulation
and setting its inputs is timed apart. Prints one JSON object on stdout; writes the 50 eligibility
masks (``numpy.packbits`` along the rows) to MASKS.npy for the per-record comparison.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from benchmarks import rules as bench  # imports only NumPy and the standard library

VALUE_TYPES = {"int": int, "float": float, "bool": bool, "date": datetime.date}

# The idiomatic model's Enums, ``class Size(Enum): 未划型 = "未划型"; 大型 = "大型"; …`` written
# out from the lists in benchmarks/rules.py; the formulas there reach them as ``OF.Size.小型``.
for _name, _members in bench.OPENFISCA_ENUMS.items():
    setattr(bench.OF, _name, Enum(_name, [(member, member) for member in _members]))


def value_type_attrs(value_type: str) -> dict:
    """The ``Variable`` attributes for a value type of benchmarks/rules.py's model tables."""
    if value_type.startswith("text:"):
        return {"value_type": str, "max_length": int(value_type.split(":")[1])}
    if value_type.startswith("enum:"):
        enum = getattr(bench.OF, value_type.split(":")[1])
        return {"value_type": Enum, "possible_values": enum, "default_value": next(iter(enum))}
    return {"value_type": VALUE_TYPES[value_type]}


def inputs(model: str) -> list[tuple[str, str, bool, str]]:
    return [*bench.OPENFISCA_CODES[model], *bench.OPENFISCA_INPUTS]


def tax_benefit_system(model: str) -> TaxBenefitSystem:
    enterprise = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
    tbs = TaxBenefitSystem([enterprise])

    def add(name: str, value_type: str, yearly: bool, label: str, formula=None) -> None:
        attrs = {
            **value_type_attrs(value_type),
            "entity": enterprise,
            "definition_period": DateUnit.YEAR if yearly else DateUnit.ETERNITY,
            "label": label,
        }
        if formula is not None:
            attrs["formula"] = formula  # read from the class dict, never bound
        tbs.add_variable(type(name, (Variable,), attrs))

    for name, value_type, yearly, label in inputs(model):
        add(name, value_type, yearly, label)
    for name, value_type, yearly, label, formula in [*bench.OPENFISCA_DERIVED_CODES[model], *bench.OPENFISCA_DERIVED]:
        add(name, value_type, yearly, label, formula)
    for rule in bench.RULES:
        add(rule.key, "bool", True, rule.title, rule.formula(model))
    return tbs


def simulation(tbs: TaxBenefitSystem, data: np.lib.npyio.NpzFile, n: int, model: str):
    sim = SimulationBuilder().build_default_simulation(tbs, count=n)
    for name, _value_type, yearly, _label in inputs(model):
        if yearly:
            for year in (bench.FIGURE_YEAR, bench.FIGURE_YEAR - 1):
                sim.set_input(name, str(year), data[f"{name}@{year}"])
        else:
            sim.set_input(name, str(bench.FIGURE_YEAR), data[name])
    return sim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("masks", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", choices=bench.MODELS, default="idiomatic")
    args = parser.parse_args(argv)

    from importlib.metadata import version

    data = np.load(args.data)
    n = int(data["n"])
    tbs = tax_benefit_system(args.model)
    period = str(bench.FIGURE_YEAR)
    build_s, calc_s = [], []
    result = None
    for _ in range(args.repeat + 1):  # the first is the warm-up
        t0 = time.perf_counter()
        sim = simulation(tbs, data, n, args.model)
        t1 = time.perf_counter()
        result = [sim.calculate(rule.key, period) for rule in bench.RULES]
        t2 = time.perf_counter()
        build_s.append(t1 - t0)
        calc_s.append(t2 - t1)
        del sim
    masks = np.stack([np.asarray(r, dtype=bool) for r in result])
    np.save(args.masks, np.packbits(masks, axis=1))
    print(
        json.dumps(
            {
                "model": args.model,
                "openfisca_core": version("openfisca-core"),
                "numpy": np.__version__,
                "python": sys.version.split()[0],
                "rows": n,
                "build_s": build_s[1:],
                "calc_s": calc_s[1:],
                "warmup_calc_s": calc_s[0],
                "counts": [int(m.sum()) for m in masks],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
