"""Choice lists of the replenishment app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanRunStatusChoices(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReasonChoices(models.TextChoices):
    """Why a proposal orders or not (the engine's reason codes, in its order)."""

    COVERED = "covered", _("库存充足")
    ABOVE_REORDER_POINT = "above_reorder_point", _("高于再订货点")
    BELOW_REORDER_POINT = "below_reorder_point", _("低于再订货点，需补货")


class ProposalStatusChoices(models.TextChoices):
    OPEN = "open", _("待审批")
    ORDERED = "ordered", _("已下单")


class UrgencyChoices(models.TextChoices):
    """Urgency bands of the filter (days of stock left after the lead time)."""

    LATE = "late", _("到货前即缺货")
    WEEK = "week", _("7 天内")
    LATER = "later", _("7 天以上")


class ServiceMeasureChoices(models.TextChoices):
    """What the service-level targets per ABC class mean (the engine's `PlanParams.service_measure`)."""

    CYCLE = "cycle", _("周期服务水平")
    FILL_RATE = "fill_rate", _("单品满足率")
    FILL_RATE_POOLED = "fill_rate_pooled", _("分类总满足率（最低库存金额）")
