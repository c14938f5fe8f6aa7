"""Tables of the sales app."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opsdesk.sales.models import Promotion


class PromotionTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    category = tables.Column(accessor="category__name", verbose_name=_("品类"), default=_("全部商品"))
    stores = tables.Column(empty_values=(), orderable=False, verbose_name=_("门店"))

    class Meta:
        model = Promotion
        fields = ("code", "name", "status", "start_date", "end_date", "discount_percent", "category", "stores")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-start_date",)

    def render_stores(self, record):
        # `visible_stores` and `store_count` come from selectors.promotion_list: other regions' codes never show.
        if not record.store_count:
            return _("全部门店")
        names = [store.code for store in record.visible_stores]
        hidden = record.store_count - len(names)
        if hidden:
            names.append(_("+%(n)s 其他门店") % {"n": hidden})
        return ", ".join(names)

    def value_stores(self, record):
        return self.render_stores(record)
