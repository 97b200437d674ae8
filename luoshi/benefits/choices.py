from django.db import models


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", "符合条件"
    NEAR_MISS = "near_miss", "差一项条件"
    INELIGIBLE = "ineligible", "不符合条件"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    CONFIRMING = "confirming", "待确认账户"  # 免申即享: created by the system, the enterprise confirms its account
    SUBMITTED = "submitted", "已提交"
    FIRST_REVIEW = "first_review", "初审"
    SECOND_REVIEW = "second_review", "复审"
    PUBLICITY = "publicity", "公示"
    DISBURSING = "disbursing", "拨付"
    PAID = "paid", "已兑现"
    RETURNED = "returned", "退回补正"
    REJECTED = "rejected", "不予支持"


OPEN_STATES = (
    State.DRAFT,
    State.CONFIRMING,
    State.SUBMITTED,
    State.FIRST_REVIEW,
    State.SECOND_REVIEW,
    State.PUBLICITY,
    State.DISBURSING,
    State.RETURNED,
)
# Once approved, money is reserved for the application until it is paid or released.
RESERVED_STATES = (State.PUBLICITY, State.DISBURSING)


class EntryKind(models.TextChoices):
    RESERVE = "reserve", "审批预留"
    CONSUME = "consume", "拨付支出"
    RELEASE = "release", "释放预留"
