"""Government bodies and organisations named in a text, normalised to their official names.

Three kinds of evidence, the longest mention winning where they overlap:

* the unit directory (official name + short names and aliases, as ``luoshi.org`` keeps them),
  with the variants documents use derived from each official name (重庆市永川区财政局 is also
  written 永川区财政局 and 区财政局);
* the shape of a government body: a level (区、市、县、镇、省) and a department stem from a
  fixed list (经信委, 财政局, 人力社保局 …, with the full form of each abbreviation);
* organisations with a legal or institutional suffix (…有限公司, …学院, …医院, …管委会).

Without a directory a department is normalised by expanding its stem (区经信委 →
区经济和信息化委员会); with one, to the directory's official name.

>>> d = Directory.from_pairs([("重庆市永川区经济和信息化委员会", ["区经信委"])])
>>> [(m.name, m.alias) for m in find_units("区经信委会同区发改委和重庆文理学院", d)]
[('重庆市永川区经济和信息化委员会', '区经信委'), ('区发展和改革委员会', '区发改委'), ('重庆文理学院', None)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Directory", "Mention", "expand", "find_units"]

# Abbreviated department stems and their full forms; full forms map to themselves.
_STEMS: dict[str, str] = {
    "经信委": "经济和信息化委员会", "经济信息委": "经济和信息化委员会", "经济和信息化委员会": "经济和信息化委员会",
    "发展改革委": "发展和改革委员会", "发改委": "发展和改革委员会", "发展和改革委员会": "发展和改革委员会",
    "住房城乡建委": "住房和城乡建设委员会", "住建委": "住房和城乡建设委员会",
    "住房和城乡建设委员会": "住房和城乡建设委员会", "商务委": "商务委员会", "商务委员会": "商务委员会",
    "人力社保局": "人力资源和社会保障局", "人社局": "人力资源和社会保障局",
    "人力资源和社会保障局": "人力资源和社会保障局", "规划自然资源局": "规划和自然资源局",
    "规资局": "规划和自然资源局", "规划和自然资源局": "规划和自然资源局", "交通运输委": "交通运输委员会",
    "交委": "交通运输委员会", "交通运输委员会": "交通运输委员会", "交通局": "交通运输局",
    "交通运输局": "交通运输局", "农业农村委": "农业农村委员会", "农委": "农业农村委员会",
    "农业农村委员会": "农业农村委员会", "城市管理局": "城市管理局", "城管局": "城市管理局",
    "市场监管局": "市场监督管理局", "市场监督管理局": "市场监督管理局", "科技局": "科学技术局",
    "科学技术局": "科学技术局", "教委": "教育委员会", "教育委员会": "教育委员会", "教育局": "教育局",
    "卫生健康委": "卫生健康委员会", "卫健委": "卫生健康委员会", "卫生健康委员会": "卫生健康委员会",
    "应急局": "应急管理局", "应急管理局": "应急管理局", "政务服务办": "政务服务管理办公室",
    "政务办": "政务服务管理办公室", "政务服务管理办公室": "政务服务管理办公室",
    "文化旅游委": "文化和旅游发展委员会", "文旅委": "文化和旅游发展委员会",
    "文化和旅游发展委员会": "文化和旅游发展委员会", "国资委": "国有资产监督管理委员会",
    "国有资产监督管理委员会": "国有资产监督管理委员会", "医保局": "医疗保障局", "医疗保障局": "医疗保障局",
    "退役军人事务局": "退役军人事务局", "退役军人局": "退役军人事务局", "大数据发展局": "大数据发展局",
    "大数据局": "大数据发展局", "民政局": "民政局", "财政局": "财政局", "统计局": "统计局", "税务局": "税务局",
    "审计局": "审计局", "生态环境局": "生态环境局", "公安局": "公安局", "司法局": "司法局", "水利局": "水利局",
    "林业局": "林业局", "体育局": "体育局", "档案馆": "档案馆", "信访办": "信访办公室", "金融办": "金融工作办公室",
    "机关事务管理局": "机关事务管理局", "商务局": "商务局", "发展改革局": "发展和改革局",
    "政府办公室": "政府办公室", "政府办": "政府办公室", "人民政府办公室": "人民政府办公室",
    "政府督查室": "政府督查室", "委督查室": "委督查室", "委办公室": "委办公室", "委办": "委办公室",
    "委组织部": "委组织部", "委宣传部": "委宣传部", "委统战部": "委统战部", "委政法委": "委政法委员会",
    "纪委监委": "纪委监委", "人大常委会": "人大常委会", "政协": "政协", "人民政府": "人民政府", "政府": "人民政府",
    "委": "委", "总工会": "总工会", "妇联": "妇女联合会", "团委": "团委", "科协": "科学技术协会",
    "工商联": "工商业联合会", "残联": "残疾人联合会", "红十字会": "红十字会",
}  # fmt: skip
_LEVELS = "区市县省州"
# Chars that, before a level character, make it part of another word (社区, 园区, 城市, 全区 …).
_NOT_BEFORE_LEVEL = set("社园景城辖片全本我该各街山校小港矿灾库湾营老新都县区市镇分首")
_MUNICIPALITIES = ["北京市", "天津市", "上海市", "重庆市"]

_COMPANY = re.compile(r"(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|集团公司)")
_INSTITUTION = re.compile(
    r"(?:职业技术学院|职业学院|学院|大学|中学|小学|人民医院|中医院|医院|研究院|研究所|联合会|协会|商会|银行|管委会|管理委员会)"
)
# Names of institutions begin with a place (重庆文理学院, 永川中学, 区人民医院); 产业学院 is no name.
_PLACE_START = (
    "重庆",
    "永川",
    "四川",
    "成都",
    "中国",
    "全国",
    "国家",
    "西南",
    "区",
    "市",
    "县",
    "北京",
    "上海",
    "天津",
)
_FUNCTION = re.compile(
    r"(?:会同|联合|配合|组织|推动|支持|引导|依托|表示|介绍|以及|签订|举办|参加|"
    r"[与和及同由对向在将把被为是等了的让给从经据按到])"
)
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·]")
_TOWN_AFTER = re.compile(r"(?:党工委|党委|人民政府|办事处|政府|将|要|作为|负责|牵头|等镇街|等\d+个)")
_TOWN_NOT = (
    "城镇",
    "乡镇",
    "各镇",
    "集镇",
    "全镇",
    "本镇",
    "该镇",
    "小镇",
    "重镇",
    "古镇",
    "名镇",
    "强镇",
    "大镇",
    "镇街",
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A unit named in the clean text: [start, end) offsets, the normalised name and the alias used."""

    start: int
    end: int
    name: str
    alias: str | None


def expand(surface: str) -> str:
    """The surface with its department abbreviation written out.

    >>> expand("区经信委"), expand("市教委"), expand("区委"), expand("凤凰湖产业园管委会")
    ('区经济和信息化委员会', '市教育委员会', '区委', '凤凰湖产业园管理委员会')
    """
    if surface.endswith("管委会"):
        return surface[:-3] + "管理委员会"
    m = _DEPARTMENT_ANY.fullmatch(surface)
    if not m:
        return surface
    return m.group("head") + _STEMS[m.group("stem")]


_STEM_ALT = "|".join(sorted(map(re.escape, _STEMS), key=len, reverse=True))
_DEPARTMENT_ANY = re.compile(rf"(?P<head>.*?[{_LEVELS}])(?P<stem>{_STEM_ALT})")


class Directory:
    """The unit directory as the Django side passes it: (official name, [short names and aliases])."""

    def __init__(self, pairs: Sequence[tuple[str, Sequence[str]]]) -> None:
        self.pairs = [(name, list(aliases)) for name, aliases in pairs]
        lookup: dict[str, str | None] = {}

        def add(surface: str, official: str, strong: bool) -> None:
            if not surface or len(surface) < 2:
                return
            if surface in lookup and lookup[surface] != official:
                if strong:
                    lookup[surface] = official
                elif lookup[surface] is not None and surface not in self._strong:
                    lookup[surface] = None  # two units derive the same variant: trust neither
                return
            lookup[surface] = official
            if strong:
                self._strong.add(surface)

        self._strong: set[str] = set()
        places: set[str] = set()
        for official, aliases in self.pairs:
            for surface in (official, *aliases):
                add(surface, official, True)
                add(expand(surface), official, True)
            for variant, place in _variants(official):
                add(variant, official, False)
                add(expand(variant), official, False)
                if place:
                    places.add(place)
        self._lookup = {k: v for k, v in lookup.items() if v is not None}
        self.places = sorted(places | set(_MUNICIPALITIES), key=len, reverse=True)
        literals = sorted(self._lookup, key=len, reverse=True)
        self.literal_re = re.compile("|".join(map(re.escape, literals))) if literals else None
        self.department_re = _department_re(self.places)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Sequence[str]]] | None) -> Directory:
        if isinstance(pairs, Directory):
            return pairs
        return cls(list(pairs or []))

    def official(self, surface: str) -> str | None:
        """The official name for a surface form (or its expansion), or None when the directory lacks it."""
        return self._lookup.get(surface) or self._lookup.get(expand(surface))


def _variants(official: str):
    """Shorter forms of an official name that documents use: 永川区财政局 and 区财政局 for
    重庆市永川区财政局. Yields (variant, place prefix)."""
    if official.startswith("中共"):
        return
    for k, ch in enumerate(official[:9]):
        if ch in "区县" and k >= 2 and len(official) - k >= 3:
            yield official[k:], official[: k + 1]  # 区财政局
            for j, cj in enumerate(official[:k]):
                if cj in "市省" and k - j >= 2:
                    yield official[j + 1 :], official[j + 1 : k + 1]  # 永川区财政局
            return


def _department_re(places: Sequence[str]) -> re.Pattern[str]:
    place = "|".join(map(re.escape, places))
    prefix = rf"(?:中共)?(?:{place})?" if place else r"(?:中共)?"
    # 区委 but not the 区委 of 区委员会 (that is a full name, matched whole or not at all).
    return re.compile(rf"(?P<prefix>{prefix})(?P<level>[{_LEVELS}])(?P<stem>{_STEM_ALT})(?!员会)")


_DEFAULT = Directory([])


def find_units(text: str, directory: Directory | None = None) -> list[Mention]:
    """Every unit named in ``text`` (the clean text), in order, without overlaps."""
    d = directory or _DEFAULT
    candidates: list[tuple[int, int, int]] = []  # (start, end, priority): longer wins, then priority
    if d.literal_re is not None:
        for m in d.literal_re.finditer(text):
            if _level_ok(text, m.start(), m.group()):
                candidates.append((m.start(), m.end(), 2))
    for m in d.department_re.finditer(text):
        if m.group("prefix") or _level_ok(text, m.start("level"), m.group()):
            candidates.append((m.start(), m.end(), 1))
    for m in re.finditer(r"中共[\u4e00-\u9fff]{2,12}?委员会", text):
        candidates.append((m.start(), m.end(), 1))
    for regex, need_place in ((_COMPANY, False), (_INSTITUTION, True)):
        for m in regex.finditer(text):
            start = _walk_left(text, m.start())
            name = text[start : m.end()]
            if m.start() - start < (1 if need_place else 2) or len(name) < 4:
                continue
            if need_place and not name.startswith(_PLACE_START) and not name.endswith(("管委会", "管理委员会")):
                continue
            candidates.append((start, m.end(), 0))
    for m in re.finditer(r"[\u4e00-\u9fff]{2,4}?(?:街道|镇)", text):
        if d.literal_re is not None and d.pairs:
            break  # with a directory, towns and streets come from it
        start = max(_walk_left(text, m.end() - (3 if m.group().endswith("街道") else 1)), m.start())
        name = text[start : m.end()]
        if len(name) >= 3 and not name.endswith(_TOWN_NOT) and _TOWN_AFTER.match(text, m.end()):
            candidates.append((start, m.end(), 0))
    chosen: list[tuple[int, int]] = []
    taken = bytearray(len(text) + 1) if len(candidates) > 64 else None
    for start, end, _ in sorted(candidates, key=lambda c: (c[0] - c[1], -c[2], c[0])):
        if taken is not None:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
        elif any(start < e and s < end for s, e in chosen):
            continue
        chosen.append((start, end))
    mentions = []
    for start, end in sorted(chosen):
        surface = text[start:end]
        name = d.official(surface) or expand(surface)
        mentions.append(Mention(start, end, name, None if name == surface else surface))
    return mentions


def _level_ok(text: str, at: int, surface: str) -> bool:
    """A mention that starts with a level character must not continue a word (社区, 全区 …)."""
    if not surface or surface[0] not in _LEVELS or at == 0:
        return True
    return text[at - 1] not in _NOT_BEFORE_LEVEL


def _walk_left(text: str, end: int, limit: int = 24) -> int:
    """Where a name ending at ``end`` starts: back over name characters, stopping after the last
    function word (与, 和, 联合, 会同 …) or punctuation."""
    start = end
    floor = max(0, end - limit)
    while start > floor and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    window = text[start:end]
    last = None
    for m in _FUNCTION.finditer(window):
        last = m
    if last is not None:
        start += last.end()
    return start
