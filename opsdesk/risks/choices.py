"""Choices of the risk register."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TreatmentChoices(models.TextChoices):
    ACCEPT = "accept", _("接受")
    REDUCE = "reduce", _("降低")
    TRANSFER = "transfer", _("转移")
    AVOID = "avoid", _("规避")


class RiskStatusChoices(models.TextChoices):
    OPEN = "open", pgettext_lazy("risk status", "有效")
    CLOSED = "closed", pgettext_lazy("risk status", "已关闭")


class ControlKindChoices(models.TextChoices):
    PREVENTIVE = "preventive", _("预防性（降低可能性）")
    MITIGATING = "mitigating", _("缓解性（降低影响）")


class EffectivenessChoices(models.TextChoices):
    NONE = "none", pgettext_lazy("effectiveness", "无效")
    PARTIAL = "partial", pgettext_lazy("effectiveness", "部分有效")
    EFFECTIVE = "effective", pgettext_lazy("effectiveness", "有效")


class ActionStatusChoices(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class LevelChoices(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("极高")


class KriStatusChoices(models.TextChoices):
    GREEN = "green", _("正常")
    AMBER = "amber", _("预警")
    RED = "red", _("超限")
    UNKNOWN = "unknown", _("无数据")


class AxisChoices(models.TextChoices):
    LIKELIHOOD = "likelihood", _("可能性")
    IMPACT = "impact", _("影响")


class IncidentKindChoices(models.TextChoices):
    SAFETY = "safety", _("安全事故")
    FOOD_SAFETY = "food_safety", _("食品安全")
    THEFT = "theft", _("盗窃")
    OUTAGE = "outage", _("停电/设备停运")
    CUSTOMER_INJURY = "customer_injury", _("顾客受伤")
    DATA = "data", _("数据/信息安全")
    OTHER = "other", _("其他")


class IncidentSeverityChoices(models.TextChoices):
    MINOR = "minor", pgettext_lazy("incident severity", "轻微")
    MODERATE = "moderate", pgettext_lazy("incident severity", "一般")
    SERIOUS = "serious", pgettext_lazy("incident severity", "严重")
    CRITICAL = "critical", pgettext_lazy("incident severity", "重大")


#: Severities that notify up the chain at once.
SERIOUS_SEVERITIES = (IncidentSeverityChoices.SERIOUS, IncidentSeverityChoices.CRITICAL)


class IncidentStatusChoices(models.TextChoices):
    REPORTED = "reported", _("已上报")
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已关闭")


class ScenarioChoices(models.TextChoices):
    FIRE = "fire", _("火灾")
    POWER_OUTAGE = "power_outage", _("停电")
    FOOD_RECALL = "food_recall", _("食品安全召回")
    SYSTEM_OUTAGE = "system_outage", _("系统故障")
    EXTREME_WEATHER = "extreme_weather", _("极端天气")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")


class DrillStatusChoices(models.TextChoices):
    SCHEDULED = "scheduled", _("已计划")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")
