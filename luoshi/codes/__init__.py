"""Official Chinese codes and classification rules, as a dependency-free kernel.

* :mod:`~luoshi.codes.uscc` – 统一社会信用代码 (GB 32100-2015) validation;
* :mod:`~luoshi.codes.industries` – 国民经济行业分类 (GB/T 4754-2017) sections
  and divisions;
* :mod:`~luoshi.codes.size` – 大中小微型企业划分 under the NBS 2017 rules;
* :mod:`~luoshi.codes.scale` – whether an enterprise counts as 规模以上;
* :mod:`~luoshi.codes.cli` – the ``luoshi codes`` command.

Only the standard library is used, so Django apps, scripts and data imports can
all share these rules.  Error messages and reasons are Chinese sentences meant
to be shown to users as they are.

>>> classify_size(sector_for_industry("3411"), employees=120, revenue_wan=1500).size
'小型'
"""

from luoshi.codes.industries import (
    INDUSTRIAL_SECTIONS,
    Division,
    Industry,
    Section,
    UnknownIndustry,
    division,
    is_industrial,
    lookup,
    search,
    section_of,
    sections,
)
from luoshi.codes.scale import ScaleResult, is_above_scale
from luoshi.codes.size import SECTORS, SIZES, SizeResult, SizeRuleError, classify_size, sector_for_industry
from luoshi.codes.uscc import UsccCheck, build_uscc, is_valid_uscc, uscc_check_char, validate_uscc

__all__ = [
    "INDUSTRIAL_SECTIONS",
    "SECTORS",
    "SIZES",
    "Division",
    "Industry",
    "ScaleResult",
    "Section",
    "SizeResult",
    "SizeRuleError",
    "UnknownIndustry",
    "UsccCheck",
    "build_uscc",
    "classify_size",
    "division",
    "is_above_scale",
    "is_industrial",
    "is_valid_uscc",
    "lookup",
    "search",
    "section_of",
    "sections",
    "sector_for_industry",
    "uscc_check_char",
    "validate_uscc",
]
