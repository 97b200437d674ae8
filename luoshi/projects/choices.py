from django.db import models


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", "产业"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    URBAN_RENEWAL = "urban_renewal", "城市更新"
    SOCIAL = "social", "社会民生"


class Stage(models.TextChoices):
    """建设阶段, in the order a project moves through them."""

    PLANNING = "planning", "谋划"
    RESERVE = "reserve", "储备"
    PREPARATION = "preparation", "前期"
    NEW_START = "new_start", "新开工"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"


ORDER = list(Stage.values)
# The reserve pool (储备库) is the part of the pipeline not yet approved for implementation.
POOL = (Stage.PLANNING, Stage.RESERVE)
# Stages in which the lead unit reports completed investment every month.
REPORTING = (Stage.PREPARATION, Stage.NEW_START, Stage.CONSTRUCTION)
FINISHED = (Stage.COMPLETED, Stage.OPERATING)


class KeyLevel(models.TextChoices):
    MUNICIPAL = "municipal", "市级重点"
    DISTRICT = "district", "区级重点"
    NONE = "none", "一般项目"


class Maturity(models.TextChoices):
    """前期工作深度: how far the preliminary work of a reserve project has gone."""

    CONCEPT = "concept", "策划构思"
    PROPOSAL = "proposal", "项目建议书"
    FEASIBILITY = "feasibility", "可行性研究"
    DESIGN = "design", "初步设计"
    READY = "ready", "具备开工条件"


class Channel(models.TextChoices):
    """资金渠道: where the money of a project or a fund sought comes from."""

    CENTRAL_BUDGET = "central_budget", "中央预算内投资"
    SPECIAL_BONDS_ULTRA = "ultra_long_bonds", "超长期特别国债"
    LOCAL_SPECIAL_BONDS = "local_special_bonds", "地方政府专项债券"
    MUNICIPAL_FUNDS = "municipal_funds", "市级专项资金"
    CENTRAL_TRANSFER = "central_transfer", "中央财政专项转移支付"
    POLICY_FINANCE = "policy_finance", "政策性开发性金融"
    DISTRICT_FUNDS = "district_funds", "区级财政资金"
    SOCIAL_CAPITAL = "social_capital", "社会资本"
    OTHER = "other", "其他"


class MilestoneKind(models.TextChoices):
    APPROVAL = "approval", "立项"
    LAND = "land", "用地"
    EIA = "eia", "环评"
    PERMIT = "permit", "施工许可"
    START = "start", "开工"
    COMPLETION = "completion", "竣工"
    OTHER = "other", "其他"


class ProblemState(models.TextChoices):
    OPEN = "open", "待解决"
    ESCALATED = "escalated", "已交办"
    RESOLVED = "resolved", "已解决"


class FundLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    MUNICIPAL = "municipal", "市级"


class FundState(models.TextChoices):
    APPLIED = "applied", "已申报"
    APPROVED = "approved", "已批复"
    RECEIVED = "received", "已到位"
    REJECTED = "rejected", "未获支持"
