"""The extractors: people, targets, money, projects, key tasks and tasks, read from the clean text.

Each works on :class:`Doc` — the clean text cut into lines and sentences, with the units named
in it and who owns each sentence — and returns items with clean offsets; :mod:`luoshi.intake.api`
maps them back to the original text.

Who owns a sentence (the unit of a task or target) is decided in this order: the unit that is
the sentence's subject (its first unit mention that is not the object of 向/对/与/会同 … nor the
name of a meeting); the unit whose speaker the paragraph quotes (“区经信委负责人表示，将…”); the
unit a plan is titled by (“区住房城乡建委2025年城市更新工作安排”); otherwise none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from luoshi.intake import lexicon as lx
from luoshi.intake.dates import find_dates
from luoshi.intake.numerals import read_number
from luoshi.intake.orgs import Mention

__all__ = ["Doc", "Sentence"]

_SENTENCE_SPLIT = re.compile(r"[。！？!?；;]")
_CLAUSE_SPLIT = re.compile(r"[，,：:]")
_YEAR_IN = re.compile(r"((?:19|20)\d{2})年")
_TERMINAL = "。！？；：!?;:"
_OBJECT_BEFORE = re.compile(r"(?:向|对|与|同|给|到|在|于|会同|联合|配合|协调|及|和|、)$")
_MEETING_AFTER = re.compile(r"(?:经济工作会议|工作会议|常务会议|全体会议|全会|会议|决策部署|精神)")
_NEW_SPEAKER = re.compile(r"[^，。]{0,24}?(?:表示|介绍|指出|强调|要求|提出|明确|了解到|据悉|据了解|认为|说)")
_RESPONSIBLE_AFTER = re.compile(r"(?:负责(?!解释)|牵头|要|将|会同|统筹)")
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛"
    "樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁"
    "冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
    "杭桑"
)
_TITLE_WORD = (
    r"(?:党组副书记|党委副书记|党工委副书记|党组书记|党委书记|党工委书记|副书记|书记|常务副区长|副区长|区长|"
    r"副市长|市长|副县长|县长|副镇长|镇长|副主任|主任|副局长|局长|副主席|主席|副部长|部长|处长|科长|所长|院长|校长|"
    r"董事长|总经理|秘书长|督查员|联络员)"
)
_PERSON = re.compile(
    rf"(?P<title>(?:(?:区委|市委|县委|区政府|市政府|县政府)?{_TITLE_WORD})(?:、(?:区委|市委|县委|区政府)?{_TITLE_WORD}){{0,3}})"
    r"(?P<name>[\u4e00-\u9fff]{2,3})"
)
_NAME_AFTER = re.compile(
    r"(?:表示|说|介绍|指出|强调|要求|出席|主持|讲话|认为|坦言|告诉|透露|带队|调研|参加|列席|同志|一行|等|对|在|就|和|与|"
    r"[、，。：；（(\s“]|$)"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    line: int


@dataclass(slots=True)
class Doc:
    """The clean text with what every extractor needs to know about it."""

    text: str
    year: int | None
    units: list[Mention]
    lines: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    policy: bool = False
    doc_owner: str | None = None
    people: list[tuple[int, int, str, str | None, str | None]] = field(default_factory=list)
    projects: list[tuple[int, int, str]] = field(default_factory=list)
    subjects: list[tuple[int, str] | None] = field(default_factory=list)
    owner_before: list[str | None] = field(default_factory=list)
    _unit_starts: list[int] = field(default_factory=list)
    _project_starts: list[int] = field(default_factory=list)
    _people_starts: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, text: str, year: int | None, units: list[Mention]) -> Doc:
        doc = cls(text, year, units)
        doc._unit_starts = [u.start for u in units]
        pos = 0
        for k, line in enumerate(text.split("\n")):
            start, end = pos, pos + len(line)
            doc.lines.append((start, end))
            s = start
            for m in _SENTENCE_SPLIT.finditer(text, start, end):
                if m.start() > s:
                    doc.sentences.append(Sentence(s, m.start(), k))
                s = m.end()
            if end > s:
                doc.sentences.append(Sentence(s, end, k))
            pos = end + 1
        head = "".join(text[a:b] for a, b in doc.lines[:3])
        doc.policy = bool(lx.POLICY_TITLE.search(head)) and _count_clauses(doc) >= 2
        if doc.lines:
            a, b = doc.lines[0]
            first = doc.units_in(a, b)
            if first and first[0].start == a and lx.PLAN_TITLE.fullmatch(text, first[0].end, b):
                doc.doc_owner = first[0].name
        return doc

    def units_in(self, start: int, end: int) -> list[Mention]:
        k = bisect_left(self._unit_starts, start)
        out = []
        while k < len(self.units) and self.units[k].start < end:
            out.append(self.units[k])
            k += 1
        return out

    def is_heading_line(self, line: int) -> bool:
        """A line without sentence punctuation: a title or a heading, not a sentence."""
        a, b = self.lines[line]
        body = self.text[a:b].rstrip()
        return bool(body) and body[-1] not in _TERMINAL and not any(ch in body for ch in "。；！？")

    def resolve_owners(self) -> None:
        """Fill ``subjects`` and ``owner_before`` for every sentence (see the module docstring)."""
        text = self.text
        para_owner: str | None = None
        current_line = -1
        for s in self.sentences:
            if s.line != current_line:
                # A speaker's words run on over paragraphs (a department head's statement in a
                # news report) until a heading, or a paragraph that quotes someone else.
                if self.is_heading_line(s.line) or _NEW_SPEAKER.match(text, s.start, s.end):
                    para_owner = None
                current_line = s.line
            self.owner_before.append(para_owner or self.doc_owner)
            subject = self._subject(s)
            self.subjects.append(subject)
            if subject is not None:
                after = text[subject[0] : s.end]
                if lx.SPEECH.search(after) or lx.COMMITMENT.search(after):
                    para_owner = subject[1]

    def _subject(self, s: Sentence) -> tuple[int, str] | None:
        text = self.text
        candidates: list[tuple[int, int, str | None]] = [
            (u.start, u.end, u.name) for u in self.units_in(s.start, s.end)
        ]
        k = bisect_left(self._people_starts, s.start)
        while k < len(self.people) and self.people[k][0] < s.end:
            p = self.people[k]
            if p[4]:
                candidates.append((p[0], p[1], p[4]))
            k += 1
        for start, end, name in sorted(candidates):
            if name is None or self._in_project(start, end):
                continue
            if _OBJECT_BEFORE.search(text, max(s.start, start - 2), start):
                continue
            if _MEETING_AFTER.match(text, end):
                continue
            return start, name
        return None

    def set_projects(self, projects: list[tuple[int, int, str]]) -> None:
        self.projects = projects
        self._project_starts = [a for a, _, _ in projects]

    def set_people(self, people: list[tuple[int, int, str, str | None, str | None]]) -> None:
        self.people = people
        self._people_starts = [a for a, *_ in people]

    def in_project(self, start: int, end: int) -> bool:
        k = bisect_left(self._project_starts, start + 1) - 1
        return k >= 0 and self.projects[k][0] <= start and end <= self.projects[k][1]

    _in_project = in_project

    def owner_at(self, k: int, position: int) -> str | None:
        subject = self.subjects[k]
        if subject is not None and subject[0] <= position:
            return subject[1]
        return self.owner_before[k]


def _count_clauses(doc: Doc) -> int:
    n = 0
    for s in doc.sentences:
        seg = doc.text[s.start : s.end]
        if lx.BENEFIT.search(seg) and (lx.MONEY.search(seg) or lx.PROPORTION.search(seg)):
            n += 1
            if n >= 2:
                break
    return n


# --- people ----------------------------------------------------------------------------------


def find_people(doc: Doc) -> list[tuple[int, int, str, str | None, str | None]]:
    """(start, end, name, title, unit) of every person named with a title, and their other mentions."""
    text = doc.text
    found: list[tuple[int, int, str, str | None, str | None]] = []
    for m in _PERSON.finditer(text):
        raw = m.group("name")
        name = None
        for size in (3, 2):  # a 3-character name when what follows it says so (表示, 、, ，…)
            if len(raw) >= size and raw[0] in _SURNAMES and _NAME_AFTER.match(text, m.start("name") + size):
                name = raw[:size]
                break
        if name is None:
            continue
        title_start = m.start("title")
        unit = None
        for u in doc.units_in(max(0, title_start - 40), m.start("name")):
            if u.end == title_start or (title_start <= u.start < m.start("name")):
                unit = u.name
        start = m.start("name")
        found.append((start, start + len(name), name, m.group("title"), unit))
        # 副区长陈立新、张丽华: the title covers the names listed after it.
        pos = start + len(name)
        while pos < len(text) and text[pos] == "、":
            nxt = text[pos + 1 : pos + 4]
            size = 3 if len(nxt) == 3 and _NAME_AFTER.match(text, pos + 4) else 2
            if not nxt or nxt[0] not in _SURNAMES or not _NAME_AFTER.match(text, pos + 1 + size):
                break
            found.append((pos + 1, pos + 1 + size, text[pos + 1 : pos + 1 + size], m.group("title"), unit))
            pos += 1 + size
    seen = {(a, b) for a, b, *_ in found}
    known = {name: (title, unit) for _, _, name, title, unit in found}
    if known:
        names = re.compile("|".join(sorted(map(re.escape, known), key=len, reverse=True)))
        for m in names.finditer(text):
            if (m.start(), m.end()) not in seen and _NAME_AFTER.match(text, m.end()):
                title, unit = known[m.group()]
                found.append((m.start(), m.end(), m.group(), title, unit))
                seen.add((m.start(), m.end()))
    found.sort()
    return found


# --- money -----------------------------------------------------------------------------------


_MULT = {"千万": 10_000_000, "百万": 1_000_000, "亿": 100_000_000, "万": 10_000, "千": 1_000}
_DELIMS = "，。；、：（）()\n,;"


def _tidy(value: float) -> int | float:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def find_money(doc: Doc) -> list[tuple[int, int, int | float, str | None]]:
    """(start, end, value in yuan, qualifier) of every amount of money."""
    text = doc.text
    out: list[tuple[int, int, int | float, str | None]] = []
    used_props: set[int] = set()
    for m in lx.MONEY.finditer(text):
        if m.group("cur"):
            if m.group("cur") != "元":
                continue
            value = read_number(m.group("num"))
            if value is None:
                continue
            if m.group("mult"):
                value *= _MULT[m.group("mult")]
            qualifier = _money_qualifier(text, m.start(), m.end(), used_props, out[-1][1] if out else 0)
        elif m.group("bare"):
            value = _MULT[m.group("bare")[0]]
            qualifier = _money_qualifier(text, m.start(), m.end(), used_props, out[-1][1] if out else 0)
        else:
            num = m.group("cnum")
            if not (m.group("cmult") or num[-1:] in "万亿"):
                continue
            value = read_number(num)
            if value is None:
                continue
            if m.group("cmult"):
                value *= _MULT[m.group("cmult")]
            qualifier = "级"
        out.append((m.start(), m.end(), _tidy(value), qualifier))
    return out


def _money_qualifier(text: str, start: int, end: int, used_props: set[int], previous_end: int) -> str | None:
    """The qualifying words of an amount: those between it and the punctuation (or amount) before
    it, a limit after it (以上), and for a cap the proportion it caps (按研发费用的10%，最高)."""
    seg_start = start
    floor = max(0, start - 30, previous_end)
    while seg_start > floor and text[seg_start - 1] not in _DELIMS:
        seg_start -= 1
    words = lx.MONEY_QUALIFIERS.findall(text, seg_start, start)
    suffix = lx.MONEY_SUFFIX.match(text, end)
    parts = list(words)
    if suffix:
        parts.append(suffix.group())
    if any(w in lx.CAPS for w in words):
        sentence_start = max(text.rfind("。", 0, start), text.rfind("；", 0, start), text.rfind("\n", 0, start)) + 1
        best = None
        for p in lx.PROPORTION.finditer(text, sentence_start, start):
            if p.start() not in used_props:
                best = p
        if best is not None:
            used_props.add(best.start())
            parts.insert(0, best.group())
    return "，".join(parts) or None


# --- targets ---------------------------------------------------------------------------------

_CHANGE_END = re.compile(rf"(?:{lx.CHANGE_WORDS})(?:每[人户家]每[月年])?$")
_TARGET_VERB = re.compile(lx.TARGET_VERBS)
_UNIT_SET = set(lx.MEASURE_UNITS.split("|"))
_COMMIT_PREFIX = re.compile(r"确保|力争|计划|预计")
_CHANGE_ANY = re.compile(lx.CHANGE_WORDS)
_INDICATOR_TAIL = re.compile(r"(?:全部|均|要|将|力争|确保|同比|年均|分别|稳定|全年|由[^，]*)+$")
_INDICATOR_HEAD = re.compile(
    r"(?:其中|推动|带动|确保|力争|争取|全年|年内|今年|将|要|实现|达到|全区|我区|负责人表示|表示)+"
)


def find_targets(doc: Doc) -> list[tuple[int, int, str, str | None, int | float, str, int | None, str | None]]:
    """(start, end, indicator, change, value, unit, year, owner) of every quantified goal.

    A count or amount is a target when its clause relates it to an indicator with a change
    word (增长7.5%, 不少于15个), or the clause starts with a verb that sets a count (新建5G基站500个),
    or it continues such a list (…3个、数字化车间20个). Sentences about the past (an earlier year,
    已…, 截至…) and policy notices (their amounts are benefits and conditions) have none.
    """
    if doc.policy:
        return []
    text = doc.text
    out = []
    for k, s in enumerate(doc.sentences):
        if doc.is_heading_line(s.line):
            continue
        stext = text[s.start : s.end]
        if _is_past(stext, doc.year):
            continue
        prev_change: str | None = None
        pos = s.start
        in_list = False
        # A benefit granted in passing (对…的企业，按…给予补助): its amounts and conditions are no targets.
        benefit_at = lx.BENEFIT.search(text, s.start, s.end)
        for cm in [*_CLAUSE_SPLIT.finditer(text, s.start, s.end), None]:
            c_end = cm.start() if cm else s.end
            clause_start = pos
            pos = cm.end() if cm else s.end
            if c_end <= clause_start:
                continue
            clause_text = text[clause_start:c_end]
            if cm is not None and cm.group() in "：:" and lx.TARGET_LEAD.search(clause_text):
                in_list = True  # 主要预期目标是：every count that follows is a target
                continue
            if lx.PAST.search(clause_text) and not lx.COMMITMENT.search(clause_text):
                prev_change = None
                continue
            if benefit_at is not None and (
                clause_start <= benefit_at.start() < c_end or (clause_text[:1] == "对" and benefit_at.start() >= c_end)
            ):
                prev_change = None
                continue
            continues = text.startswith("其中", clause_start) and prev_change is not None
            clause_change: str | None = None
            item_start = clause_start
            for item_end in [*(i for i in range(clause_start, c_end) if text[i] == "、"), c_end]:
                for q in lx.QUANTITY.finditer(text, item_start, item_end):
                    if doc.in_project(q.start(), q.end()) or _quoted(text, s.start, q.start()):
                        continue  # 年产20万套…项目, “最初一公里”: part of a name or a slogan
                    found = _target(doc, q, clause_start, item_start, c_end,
                                    clause_change or (prev_change if continues else None), in_list)  # fmt: skip
                    if found is None:
                        continue
                    t_start, t_end, indicator, change, value, unit = found
                    clause_change = change
                    out.append((t_start, t_end, indicator, change, value, unit,
                                _target_year(doc, s, q.start()), doc.owner_at(k, t_start)))  # fmt: skip
                item_start = item_end + 1
            prev_change = clause_change or (prev_change if continues else None)
    return out


def _quoted(text: str, start: int, position: int) -> bool:
    return text.count("“", start, position) > text.count("”", start, position)


def _is_past(stext: str, year: int | None) -> bool:
    if lx.COMMITMENT.search(stext):
        return False
    if lx.PAST.search(stext):
        return True
    if year is not None:
        m = _YEAR_IN.search(stext)
        if m and int(m.group(1)) < year:
            return True
    return False


def _target(doc: Doc, q: re.Match, clause_start: int, item_start: int, c_end: int, inherited: str | None,
            in_list: bool):  # fmt: skip
    text = doc.text
    num, unit = q.group("num"), q.group("unit")
    if q.group("pnum"):
        num, unit = q.group("pnum"), "%"
    if num[-1] in "万亿" and num[-1] + unit in _UNIT_SET:
        num, unit = num[:-1], num[-1] + unit
    value = read_number(num)
    if value is None or (unit == "元" and value == 0):
        return None
    after = text[q.end() : q.end() + 1]
    if unit == "个" and after == "月":
        return None
    small = all(ch in lx.SMALL_CN for ch in num)
    if small and after and "\u4e00" <= after <= "\u9fff":
        return None  # 两场房交会, 三大行动: a numeral inside a noun phrase, no target
    base = clause_start if item_start == clause_start else item_start
    before = text[base : q.start()]
    change_m = _CHANGE_END.search(before)
    end = q.end()
    suffix = lx.MONEY_SUFFIX.match(text, end)
    if suffix:
        end = suffix.end()
    verb_start: int | None = None
    if change_m:
        change = re.sub(r"每.*$", "", change_m.group())
        ind_start, ind_end = base, base + change_m.start()
    else:
        verb = _clause_verb(doc, base, q.start())
        if verb is not None:
            change = verb.group()
            ind_start, ind_end = verb.end(), q.start()
            if ind_end - ind_start < 1:  # 建立200家升规培育企业名单: the indicator follows the count
                ind_start, ind_end = q.end(), c_end if c_end - q.end() <= 16 else q.end() + 16
                end = max(end, ind_end)
            verb_start = verb.start()
        elif inherited is not None and not small:
            change = inherited
            ind_start, ind_end = base, q.start()
        elif not small and (in_list or _COMMIT_PREFIX.search(lx.CLAUSE_PREFIX.match(text, base, q.start()).group())):
            # 确保全年城镇新增就业1.8万人: a goal named by its indicator alone
            inner = list(_CHANGE_ANY.finditer(text, base, q.start()))
            change = inner[-1].group() if inner else None
            ind_start, ind_end = base, q.start()
        else:
            return None
    ind_start = _indicator_start(doc, ind_start, ind_end)
    indicator = _INDICATOR_TAIL.sub("", text[ind_start:ind_end]) or text[ind_start:ind_end]
    if not indicator:
        return None
    start = ind_start if verb_start is None else min(verb_start, ind_start)
    return start, end, indicator, change, value, unit


def _indicator_start(doc: Doc, start: int, end: int) -> int:
    """Past the times, modals, subject unit and leading verbs before an indicator's name
    (区经信委将推动规上工业增加值 → 规上工业增加值)."""
    text = doc.text
    for _ in range(4):
        pos = lx.CLAUSE_PREFIX.match(text, start, end).end()
        units = doc.units_in(pos, pos + 1)
        if units and units[0].start == pos and units[0].end < end:
            pos = units[0].end
        head = _INDICATOR_HEAD.match(text, pos, end)
        if head and head.end() < end:
            pos = head.end()
        if pos == start or pos >= end:
            break
        start = pos
    return start


def _clause_verb(doc: Doc, start: int, limit: int) -> re.Match | None:
    """The verb that opens a clause (after times, modals and a subject unit), if it sets a count."""
    text = doc.text
    pos = start
    for _ in range(3):
        pos = lx.CLAUSE_PREFIX.match(text, pos, limit).end()
        units = doc.units_in(pos, pos + 1)
        if units and units[0].start == pos:
            pos = units[0].end
            continue
        if text.startswith(("会同", "联合"), pos):
            nxt = doc.units_in(pos + 2, pos + 3)
            if nxt:
                pos = nxt[0].end
                continue
        break
    return _TARGET_VERB.match(text, pos, limit)


def _target_year(doc: Doc, s: Sentence, position: int) -> int | None:
    year = doc.year
    for *_, iso in find_dates(doc.text[s.start : position], doc.year):
        if iso:
            year = int(iso[:4])
    return year


# --- projects --------------------------------------------------------------------------------

_PROJECT_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·\-—]")


def _name_start(text: str, end: int, limit: int = 30) -> int:
    start = end
    floor = max(0, end - limit)
    while start > floor and _PROJECT_CHAR.match(text[start - 1]):
        start -= 1
    last = None
    for m in lx.NAME_STOP.finditer(text, start, end):
        last = m
    return last.end() if last else start


def find_projects(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, name) of every named project or engineering work."""
    text = doc.text
    found: list[tuple[int, int, str]] = []
    for m in lx.PROJECT_HEAD.finditer(text):
        start = _name_start(text, m.start())
        stem = text[start : m.start()]
        if len(stem) < 2 or lx.PROJECT_GENERIC.fullmatch(stem):
            continue
        explicit = m.group().endswith(("项目", "工程"))
        if not explicit:
            # 加快建设永川国家现代农业产业园 is a project; 依托凤凰湖产业园, 在凤凰湖产业园举行 and
            # 建设现代制造业基地 are places and aims.
            if not lx.PROJECT_PROPER.search(text[start : m.end()]) or text[start - 1 : start] in (
                "在",
                "于",
                "到",
                "从",
            ):
                continue
            if text[max(0, start - 2) : start] in ("依托", "位于", "落户", "入驻"):
                continue
            c_start = (
                max(text.rfind("，", 0, m.start()), text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            )
            c_end = _clause_end(text, m.end())
            if not lx.PROJECT_VERBS.search(text, c_start, c_end):
                continue
        if _inside_unit(doc, start, m.end()):
            continue  # part of a unit's name (凤凰湖产业园管委会)
        found.append((start, m.end(), text[start : m.end()]))
        found.extend(_shared_tail(text, start, m.end()))
    for m in lx.PROJECT_LIST_END.finditer(text):
        list_start = _list_start(text, m.start())
        if list_start >= m.start():
            continue
        pos = list_start
        for item in text[list_start : m.start()].split("、"):
            a, b = pos, pos + len(item)
            pos = b + 1
            if 2 <= len(item) <= 30:
                found.append((a, b, item))
    taken = bytearray(len(text) + 1)
    chosen: list[tuple[int, int, str]] = []
    for a, b, name in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if any(taken[a:b]):
            continue
        taken[a:b] = b"\x01" * (b - a)
        chosen.append((a, b, name))
    return sorted(chosen)


def _list_start(text: str, end: int, limit: int = 160) -> int:
    """Where a list of names separated by 、 ending at ``end`` starts (after the verb before it)."""
    start = end
    floor = max(0, end - limit)
    while start > floor and (_PROJECT_CHAR.match(text[start - 1]) or text[start - 1] in "、“”"):
        start -= 1
    first_item_end = text.find("、", start, end)
    last = None
    for m in lx.NAME_STOP.finditer(text, start, first_item_end if first_item_end >= 0 else end):
        last = m
    return last.end() if last else start


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(ch, pos, pos + 200) for ch in "，。；\n") if i >= 0]
    return min(ends) if ends else min(len(text), pos + 200)


def _inside_unit(doc: Doc, start: int, end: int) -> bool:
    """Whether [start, end) lies inside a longer unit name, or a unit name runs on past ``end``."""
    for u in doc.units_in(max(0, start - 40), end):
        if (u.start <= start and end < u.end) or (start < u.end and u.start < end and u.end > end):
            return True
    return False


def _shared_tail(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """红旗片区、萱花片区和棠城片区老旧小区改造项目: the earlier items share the last one's tail."""
    out = []
    pos = start
    name = text[start:end]
    while pos > 0 and text[pos - 1] in "、和及与":
        item_end = pos - 1
        item_start = item_end
        while item_start > max(0, item_end - 12) and _PROJECT_CHAR.match(text[item_start - 1]):
            item_start -= 1
        stops = list(lx.NAME_STOP.finditer(text, item_start, item_end))
        if stops:
            item_start = stops[-1].end()
        item = text[item_start:item_end]
        if len(item) < 2:
            break
        ending = item[-2:]
        k = name.find(ending)
        if k < 0 or k + 2 >= len(name):
            break
        out.append((item_start, item_end, item + name[k + 2 :]))
        pos = item_start
    return out


# --- key tasks -------------------------------------------------------------------------------

_CN_VALUE = {ch: i for i, ch in enumerate(lx.CN_INDEX, start=1)}
_HEADING = re.compile(lx.HEADING_MARK.pattern.lstrip("^"))
_ITEM_END = re.compile(r"[。；！？;]")


def _index(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN_VALUE:
        return _CN_VALUE[text]
    if text.startswith("十") and len(text) == 2:
        return 10 + _CN_VALUE.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return _CN_VALUE.get(text[0], 0) * 10
    return None


def find_key_tasks(doc: Doc) -> list[tuple[int, int, int]]:
    """(start, end, index) of every enumerated task, in document order."""
    text = doc.text
    out: list[tuple[int, int, int]] = []
    if not doc.policy:
        for a, b in doc.lines:
            m = _HEADING.match(text, a, b)
            if not m:
                continue
            index = _index(m.group("h1") or m.group("h2") or m.group("h3"))
            end_m = _ITEM_END.search(text, m.end(), b)
            end = end_m.start() if end_m else b
            if index is None or end <= m.end() or lx.NOT_TASK_HEADINGS.match(text, m.end(), end):
                continue
            out.append((m.end(), end, index))
    # 一是…；二是…: a run of inline markers counting up from 一.
    marks = [(m.start(), m.end(), _index(m.group("n"))) for m in lx.INLINE_MARK.finditer(text)]
    run: list[tuple[int, int, int | None]] = []
    for mark in [*marks, None]:
        if mark is not None and run and mark[2] == run[-1][2] + 1 and mark[0] - run[-1][1] < 400:
            run.append(mark)
            continue
        if len(run) >= 2 and run[0][2] == 1:
            for i, (_, m_end, index) in enumerate(run):
                limit = run[i + 1][0] if i + 1 < len(run) else len(text)
                end_m = _ITEM_END.search(text, m_end, limit)
                line_end = text.find("\n", m_end)
                end = min(end_m.start() if end_m else limit, limit, line_end if line_end >= 0 else len(text))
                if end > m_end:
                    out.append((m_end, end, index))
        run = [mark] if mark is not None and mark[2] == 1 else []
    # 9项重点任务…：A；B；…。
    for m in lx.COUNT_LIST.finditer(text):
        sentence_end = text.find("。", m.end())
        colon = text.find("：", m.end())
        if sentence_end < 0:
            continue
        if 0 <= colon < sentence_end:
            list_start = colon + 1
        elif sentence_end - m.end() <= 8:
            list_start = sentence_end + 1
        else:
            continue
        list_end = text.find("。", list_start)
        if list_end < 0:
            list_end = len(text)
        nl = text.find("\n", list_start)
        if 0 <= nl < list_end:
            list_end = nl
        items = []
        pos = list_start
        for part in text[list_start:list_end].split("；"):
            if part:
                items.append((pos, pos + len(part)))
            pos += len(part) + 1
        if len(items) >= 2:
            out.extend((a, b, i) for i, (a, b) in enumerate(items, start=1))
    out.sort()
    dedup: list[tuple[int, int, int]] = []
    for item in out:
        if dedup and item[0] < dedup[-1][1]:
            continue
        dedup.append(item)
    return dedup


# --- tasks -----------------------------------------------------------------------------------

_ACTION = re.compile(lx.ACTION_VERBS)
# The number of an article or item before a clause: 第三条, 一、, （二）.
CLAUSE_MARK = re.compile(
    rf"(?:第[{lx.CN_INDEX}百零]{{1,4}}条|[{lx.CN_INDEX}]{{1,3}}、|[（(][{lx.CN_INDEX}]{{1,3}}[）)]|\d{{1,2}}[.．、](?!\d))"
)
_MARK_AT = re.compile(
    rf"(?:[{lx.CN_INDEX}]{{1,3}}、|[（(][{lx.CN_INDEX}]{{1,3}}[）)]|\d{{1,2}}[.．、](?!\d)|[{lx.CN_INDEX}]{{1,2}}是)"
)


def find_tasks(doc: Doc) -> list[tuple[int, int, str | None]]:
    """(start, end, owner) of every action sentence (split further at ：)."""
    text = doc.text
    out = []
    for k, s in enumerate(doc.sentences):
        if s.line == 0 or (doc.is_heading_line(s.line) and not _MARK_AT.match(text, doc.lines[s.line][0])):
            continue
        pos = s.start
        for cm in [*re.finditer(r"[：:]", text[s.start : s.end]), None]:
            seg_start = pos
            seg_end = s.start + cm.start() if cm else s.end
            pos = s.start + cm.end() if cm else s.end
            mark = _MARK_AT.match(text, seg_start, seg_end)
            if mark:
                seg_start = mark.end()
            if seg_end - seg_start < 4:
                continue
            seg = text[seg_start:seg_end]
            if lx.TARGET_LEAD.search(seg):
                continue  # 主要预期目标是：the lead-in of a list of targets
            responsible = _responsible(doc, seg_start, seg_end)
            if doc.policy:
                if not responsible:
                    continue
            elif not responsible and (_is_past(seg, doc.year) or not _is_action(text, seg_start, seg_end, seg)):
                continue
            out.append((seg_start, seg_end, doc.owner_at(k, seg_end)))
    return out


def _is_action(text: str, start: int, end: int, seg: str) -> bool:
    if lx.COMMITMENT.search(seg):
        return True
    pos = start
    for cm in [*_CLAUSE_SPLIT.finditer(text, start, end), None]:
        c_end = cm.start() if cm else end
        p = lx.CLAUSE_PREFIX.match(text, pos, c_end).end()
        if _ACTION.match(text, p, c_end) or (p > pos and _ACTION.match(text, pos, c_end)):
            return True
        pos = cm.end() if cm else end
    return False


def _responsible(doc: Doc, start: int, end: int) -> bool:
    """In a policy notice only sentences that give a unit a duty are tasks (由区财政局统筹安排)."""
    text = doc.text
    for u in doc.units_in(start, end):
        if text.startswith("负责解释", u.end) or text.startswith("解释", u.end):
            continue
        if text[u.start - 1 : u.start] == "由" or _RESPONSIBLE_AFTER.match(text, u.end):
            return True
    return False
