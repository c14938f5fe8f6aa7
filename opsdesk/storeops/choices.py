"""Choice lists of store operations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKindChoices(models.TextChoices):
    PASS_FAIL = "pass_fail", _("合格/不合格")
    SCORE = "score", _("评分 1-5")
    NUMBER = "number", _("数值（阈值）")
    CHOICE = "choice", _("单选")
    PHOTO = "photo", _("拍照")
    NOTE = "note", _("备注")


class ItemTopicChoices(models.TextChoices):
    """What an item is about: ties failures to operations (stock checks, training suggestions)."""

    GENERAL = "general", _("通用")
    CLEANLINESS = "cleanliness", _("清洁卫生")
    DISPLAY = "display", _("陈列标准")
    PRICE_TAGS = "price_tags", _("价签")
    STOCK_ON_SHELF = "stock_on_shelf", _("货架有货")
    EQUIPMENT = "equipment", _("设备")
    FIRE_SAFETY = "fire_safety", _("消防安全")
    FOOD_SAFETY = "food_safety", _("食品安全")
    GROOMING = "grooming", _("员工仪容仪表")
    SERVICE = "service", _("服务标准")


class VersionStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class FrequencyChoices(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    AD_HOC = "ad_hoc", _("不定期")


class RunStatusChoices(models.TextChoices):
    SCHEDULED = "scheduled", _("待执行")
    IN_PROGRESS = "in_progress", _("进行中")
    COMPLETED = "completed", _("已完成")
    MISSED = "missed", _("已错过")
    CANCELLED = "cancelled", _("已取消")


class PriorityChoices(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    CRITICAL = "critical", _("紧急")


class ActionStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    DONE = "done", _("已完成")
    VERIFIED = "verified", _("已验证")


class EscalationLevelChoices(models.IntegerChoices):
    OWNER = 0, _("未升级（责任人处理）")
    SUPERVISOR = 1, _("营运主管")
    REGIONAL_MANAGER = 2, _("区域经理")
    COO = 3, _("运营官")


class MaintenanceStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    SCHEDULED = "scheduled", _("已安排")
    IN_PROGRESS = "in_progress", _("维修中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ComplianceKindChoices(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    FOOD_LICENCE = "food_licence", _("食品经营许可证")
    FIRE_EXTINGUISHER = "fire_extinguisher", _("灭火器检查")
    FIRE_INSPECTION = "fire_inspection", _("消防检查")
    HEALTH_CERTIFICATE = "health_certificate", _("健康证")
    OTHER = "other", _("其他")


class StockCheckStatusChoices(models.TextChoices):
    OPEN = "open", _("待核查")
    DONE = "done", _("已核查")


class StockCheckReasonChoices(models.TextChoices):
    OUT = "out", _("缺货")
    LOW = "low", _("低库存")


class SuggestionStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("已忽略")
