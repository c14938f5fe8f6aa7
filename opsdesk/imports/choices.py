"""Choice lists of the imports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKindChoices(models.TextChoices):
    REGIONS = "regions", _("区域")
    STORES = "stores", _("门店")
    CATEGORIES = "categories", _("商品品类")
    SUPPLIERS = "suppliers", _("供应商")
    PRODUCTS = "products", _("商品")
    EMPLOYEES = "employees", _("员工")
    STORE_DAY_SALES = "store_day_sales", _("门店日销售")
    SKU_DAY_SALES = "sku_day_sales", _("商品日销售")
    SALES_LINES = "sales_lines", _("销售明细（发票行）")
    STOCK_SNAPSHOTS = "stock_snapshots", _("库存快照")
    GOODS_RECEIPTS = "goods_receipts", _("收货")
    OPERATING_COSTS = "operating_costs", _("营运费用")
    CALENDAR = "calendar", _("门店日历（计划）")


class BatchStatusChoices(models.TextChoices):
    DRAFT = "draft", _("待确认映射")
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    COMMITTED = "committed", _("已完成")
    DRY_RUN = "dry_run", _("试运行完成")
    REJECTED = "rejected", _("已拒绝（主数据有错误）")
    DUPLICATE = "duplicate", _("重复文件（未导入）")
    FAILED = "failed", _("失败")


class QuarantineKindChoices(models.TextChoices):
    ERROR = "error", _("错误")
    DUPLICATE = "duplicate", _("文件内重复")
