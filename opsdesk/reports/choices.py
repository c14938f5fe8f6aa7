"""Choices of reports: the kind of a pack's period, a decision's status and a delivery's channel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PackKindChoices(models.TextChoices):
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class DecisionStatusChoices(models.TextChoices):
    OPEN = "open", _("未完成")
    DONE = "done", _("已完成")


class ChannelChoices(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    DINGTALK = "dingtalk", _("钉钉")
    WECOM = "wecom", _("企业微信")
    BUILD = "build", _("生成")


class LanguageChoices(models.TextChoices):
    ZH_HANS = "zh-hans", _("中文")
    EN = "en", "English"
