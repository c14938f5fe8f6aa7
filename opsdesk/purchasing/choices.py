"""Choice lists of the purchasing app (the supplier and order statuses live in models.py, where they began)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RejectionReasonChoices(models.TextChoices):
    DAMAGED = "damaged", _("破损")
    EXPIRED = "expired", _("过期")
    WRONG_ITEM = "wrong_item", _("错发")
    QUALITY = "quality", _("质量问题")


class SupplierDocumentKindChoices(models.TextChoices):
    CONTRACT = "contract", _("合同")
    LICENCE = "licence", _("许可证")
    CERTIFICATE = "certificate", _("资质证书")
    OTHER = "other", _("其他")


class ContractStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("生效")
    ENDED = "ended", _("已终止")


class StandingChoices(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    ACCEPTABLE = "acceptable", _("合格")
    PROBATION = "probation", _("考察期")
    BLOCKED = "blocked", _("停用")


class ComplaintSeverityChoices(models.TextChoices):
    MINOR = "minor", _("轻微")
    MAJOR = "major", _("一般")
    CRITICAL = "critical", _("严重")


class ComplaintStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已解决")


class DocumentExpiryChoices(models.TextChoices):
    """Filter of the documents list by expiry."""

    EXPIRED = "expired", _("已过期")
    EXPIRING = "expiring", _("30 天内到期")
    VALID = "valid", _("有效")
    NO_EXPIRY = "none", _("无到期日")
