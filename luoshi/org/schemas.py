from datetime import datetime

from ninja import Schema


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    area_code: str
    aliases: list[str]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class PersonOut(Schema):
    id: int
    name: str
    title: str
    unit_id: int


class UnitDetailOut(UnitOut):
    people: list[PersonOut]

    @staticmethod
    def resolve_people(obj) -> list:
        return list(obj.people.all())


class GrantOut(Schema):
    role: str
    role_label: str
    unit_id: int
    unit_name: str
    include_subunits: bool

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class MeOut(Schema):
    username: str
    full_name: str
    grants: list[GrantOut]


class HistoryChangeOut(Schema):
    label: str
    old: str
    new: str


class HistoryOut(Schema):
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[HistoryChangeOut]
