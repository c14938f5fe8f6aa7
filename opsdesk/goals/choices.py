"""Choices of goals: the period kinds, how a target is set, how a goal is split over its children, and the status
of a measurement."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeriodKindChoices(models.TextChoices):
    MONTH = "month", pgettext_lazy("goals", "月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class TargetKindChoices(models.TextChoices):
    ABSOLUTE = "absolute", _("绝对值")
    RELATIVE = "relative", _("相对去年同期")


class SplitMethodChoices(models.TextChoices):
    EQUAL = "equal", _("平均分配")
    SHARE = "share", _("按去年占比")
    MANUAL = "manual", _("手工指定")


class GoalStatusChoices(models.TextChoices):
    ON_TRACK = "on_track", _("进展正常")
    AT_RISK = "at_risk", pgettext_lazy("goals", "有风险")
    OFF_TRACK = "off_track", _("偏离目标")
    NO_DATA = "no_data", _("暂无数据")


class LevelChoices(models.TextChoices):
    COMPANY = "company", _("全公司")
    REGION = "region", _("区域")
    STORE = "store", _("门店")
    PERSON = "person", pgettext_lazy("goals", "个人")


class PlanStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class MeasureAreaChoices(models.TextChoices):
    STORE_MANAGEMENT = "store", _("门店管理")
    PEOPLE = "people", _("人员")
    PROCESS = "process", _("流程")
    CUSTOMER_SERVICE = "service", _("顾客服务")


class ResourceKindChoices(models.TextChoices):
    TRAINING = "training", _("培训")
    TOOLS = "tools", _("工具")
    BUDGET = "budget", _("预算")
    OTHER = "other", _("其他")


#: The quarters of a year, as measures are scheduled in them.
QUARTER_CHOICES = [(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")]
