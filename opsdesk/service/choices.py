"""Choices of customer service: ticket types, priorities, statuses, channels, compensation, survey questions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketTypeChoices(models.TextChoices):
    COMPLAINT = "complaint", pgettext_lazy("ticket type", "投诉")
    SUGGESTION = "suggestion", pgettext_lazy("ticket type", "建议")
    PRAISE = "praise", _("表扬")
    INQUIRY = "inquiry", _("咨询")


class TicketPriorityChoices(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class TicketStatusChoices(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "新建")
    ACKNOWLEDGED = "acknowledged", _("已受理")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING_CUSTOMER = "waiting_customer", _("等待顾客")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = (TicketStatusChoices.NEW, TicketStatusChoices.ACKNOWLEDGED, TicketStatusChoices.IN_PROGRESS,
                 TicketStatusChoices.WAITING_CUSTOMER)


class TicketChannelChoices(models.TextChoices):
    QR = "qr", _("门店二维码")
    HOTLINE = "hotline", _("热线")
    COUNTER = "counter", _("服务台")
    ONLINE_REVIEW = "online_review", _("线上评价")
    EMAIL = "email", _("邮件")


class CompensationChoices(models.TextChoices):
    NONE = "none", _("无")
    REFUND = "refund", _("退款")
    VOUCHER = "voucher", _("代金券")
    GIFT = "gift", _("礼品")
    REPLACEMENT = "replacement", _("换货")
    OTHER = "other", _("其他")


class EventKindChoices(models.TextChoices):
    NOTE = "note", _("备注")
    CALL = "call", _("电话联系")
    MESSAGE = "message", _("消息")
    STATUS = "status", _("状态变更")
    ESCALATION = "escalation", _("升级")


class QuestionKindChoices(models.TextChoices):
    RATING = "rating", _("评分（1-5）")
    NPS = "nps", _("推荐度（0-10）")
    CHOICE = "choice", _("单选")
    TEXT = "text", _("文本")


class SurveyKindChoices(models.TextChoices):
    NPS = "nps", _("NPS 调查")
    CUSTOM = "custom", _("自定义问卷")
