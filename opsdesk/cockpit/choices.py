"""Choices of the cockpit and the action inbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Severity and inbox status belong to the plain inbox item, which lives in the core so domain apps can build items.
from opsdesk.core.inbox_items import InboxStatusChoices, SeverityChoices  # noqa: F401 (re-exported)


class RollupLevelChoices(models.TextChoices):
    COMPANY = "company", _("公司")
    REGION = "region", _("区域")
    STORE = "store", _("门店")
