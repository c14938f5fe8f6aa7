"""Choices of the risk register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TreatmentChoices(models.TextChoices):
    ACCEPT = "accept", _("接受")
    REDUCE = "reduce", _("降低")
    TRANSFER = "transfer", _("转移")
    AVOID = "avoid", _("规避")


class RiskStatusChoices(models.TextChoices):
    OPEN = "open", _("有效")
    CLOSED = "closed", _("已关闭")


class ControlKindChoices(models.TextChoices):
    PREVENTIVE = "preventive", _("预防性（降低可能性）")
    MITIGATING = "mitigating", _("缓解性（降低影响）")


class EffectivenessChoices(models.TextChoices):
    NONE = "none", _("无效")
    PARTIAL = "partial", _("部分有效")
    EFFECTIVE = "effective", _("有效")


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
