"""Tables of the core app (django-tables2): sorting, pagination and the export columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import Region, Store, User


class PersonColumn(tables.Column):
    """A user shown by name (full name, else login), sorted by name; exports carry the same name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return getattr(value, "display_name", value)

    def value(self, value):
        return str(self.render(value))

    def order(self, queryset, is_descending):
        field = self.accessor.replace(".", "__")
        prefix = "-" if is_descending else ""
        keys = [f"{prefix}{field}__{part}" for part in ("last_name", "first_name", "username")]
        return queryset.order_by(*keys), True


class StoreTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    region = tables.Column(accessor="region__name", verbose_name=_("区域"), order_by=("region__code",))

    class Meta:
        model = Store
        fields = ("code", "name", "region", "city", "format", "status", "opening_date", "floor_area", "address")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("code",)

    def value_opening_date(self, value):
        # Exports keep the date typed (django-tables2 would otherwise hand over the rendered text).
        return value


class RegionTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    store_count = tables.Column(verbose_name=_("门店数"))

    class Meta:
        model = Region
        fields = ("code", "name", "store_count")
        attrs = {"class": "table table-sm table-hover align-middle"}


class UserTable(tables.Table):
    username = tables.Column(linkify=("core:user_edit", [tables.A("pk")]))
    scope = tables.Column(empty_values=(), orderable=False, verbose_name=_("范围"))

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "role", "scope", "is_active", "last_login")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_scope(self, record):
        if record.has_company_scope:
            return _("全公司")
        names = [r.name for r in record.scope_regions.all()] + [s.name for s in record.scope_stores.all()]
        return "、".join(names) or _("未分配")
