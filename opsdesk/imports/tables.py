"""Tables of the imports app (django-tables2): sorting, pagination and the export columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opsdesk.core.tables import PersonColumn
from opsdesk.imports.models import ImportBatch, MappingProfile


class ImportBatchTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    file = tables.Column(
        accessor="file__original_name", verbose_name=_("文件"), linkify=lambda record: record.get_absolute_url()
    )
    created_by = PersonColumn(accessor="created_by", verbose_name=_("导入人"))

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "kind",
            "file",
            "status",
            "is_dry_run",
            "rows_read",
            "rows_committed",
            "rows_quarantined",
            "rows_skipped_duplicates",
            "created_by",
            "created_at",
            "finished_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-id",)


class MappingProfileTable(tables.Table):
    name = tables.Column(linkify=True)
    created_by = PersonColumn(accessor="created_by", verbose_name=_("创建人"))

    class Meta:
        model = MappingProfile
        fields = ("name", "kind", "source", "encoding", "created_by", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
