from django.utils import timezone

from luoshi.tracking.calendar import provisional_years


def calendar_warning() -> str:
    """The admin's reminder while this year's or next year's holidays are missing."""
    this_year = timezone.localdate().year
    missing = provisional_years(this_year, this_year + 1)
    if not missing:
        return ""
    years = "、".join(f"{y}年" for y in missing)
    return f"{years}法定节假日安排尚未录入：涉及这些年份的期限暂按双休日计算，录入并确认后将自动重算。"
