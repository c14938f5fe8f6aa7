"""Choice lists of the core app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChoices(models.TextChoices):
    COO = "coo", _("运营官 / COO")
    REGIONAL_MANAGER = "regional_manager", _("区域经理")
    SUPERVISOR = "supervisor", _("营运主管")
    STORE_MANAGER = "store_manager", _("店长")
    STAFF = "staff", _("店员")
    AUDITOR = "auditor", _("审计（只读）")
    HR = "hr", _("人力资源")
    ADMIN = "admin", _("系统管理员")
    SUPPLIER = "supplier", _("供应商")


class StoreFormatChoices(models.TextChoices):
    HYPERMARKET = "hypermarket", _("大卖场")
    SUPERMARKET = "supermarket", _("超市")
    CONVENIENCE = "convenience", _("便利店")
    RESTAURANT = "restaurant", _("餐厅")
    SERVICE = "service", _("服务网点")


class StoreStatusChoices(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    OPEN = "open", _("营业中")
    RENOVATING = "renovating", _("装修中")
    CLOSED = "closed", _("已关闭")


class EmployeeStatusChoices(models.TextChoices):
    ACTIVE = "active", _("在职")
    ON_LEAVE = "on_leave", _("休假")
    LEFT = "left", _("离职")


class ActionChoices(models.TextChoices):
    VIEW = "view", _("查看")
    ADD = "add", _("新增")
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")


# The chain's own people (every role but the supplier's): whom inspections and actions can be assigned to.
INTERNAL_ROLE_CHOICES = [(value, label) for value, label in RoleChoices.choices if value != RoleChoices.SUPPLIER]
