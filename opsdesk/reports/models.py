"""Reports upward: generated report packs (frozen document, scope, period) with their delivery log, the schedule
that sends them (subscriptions), and meeting records whose decisions become inbox actions for their owners."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core import documents
from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids
from opsdesk.reports.choices import DecisionStatusChoices, LanguageChoices, PackKindChoices

AREA = "reports"
SUBSCRIPTION_AREA = "report_subscriptions"


def scope_condition(user, prefix: str = "") -> Q:
    """Rows of the user's scope: all of the company's for company-wide users; otherwise the rows of the user's
    stores and the region rows of the regions the user holds. Never another store's, never a company row."""
    if not getattr(user, "company_id", None):
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    regions_held = user.scope_regions.values("pk")
    return company & (Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
                      | Q(**{f"{prefix}store__isnull": True, f"{prefix}region_id__in": regions_held}))


class ScopedRowMixin(models.Model):
    """A row of the company, a region or a store (region and store empty: the whole company)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        return str(self.store or self.region or _("全公司"))

    @property
    def scope_code(self) -> str:
        """"company", "region:<code>" or "store:<code>" (the command line's and the brief's notation)."""
        if self.store_id:
            return f"store:{self.store.code}"
        return f"region:{self.region.code}" if self.region_id else "company"

    def clean_scope(self) -> None:
        if self.store_id:
            if self.region_id and self.store.region_id != self.region_id:
                raise ValidationError({"region": _("门店不属于所选区域。")})
            self.region_id = self.store.region_id

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class ReportPack(ScopedRowMixin):
    """A generated weekly or monthly report pack of a scope, its document frozen as it was sent."""

    kind = models.CharField(_("类型"), max_length=10, choices=PackKindChoices)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    language = models.CharField(_("语言"), max_length=10, choices=LanguageChoices, default=LanguageChoices.ZH_HANS)
    title = models.CharField(_("标题"), max_length=200)
    content = models.JSONField(_("内容"), default=dict, editable=False)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("生成人"))
    subscription = models.ForeignKey("ReportSubscription", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="packs", verbose_name=_("订阅"))

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("汇报包")
        verbose_name_plural = pgettext_lazy("plural", "汇报包")
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["company", "period_start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:reportpack_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user))

    def document(self) -> documents.Document:
        """The frozen document, as generated."""
        return document_from_data(self.content)


class ReportDelivery(models.Model):
    """One channel's delivery of a pack: ok, or failed with the reason."""

    pack = models.ForeignKey(ReportPack, on_delete=models.CASCADE, related_name="deliveries",
                             verbose_name=_("汇报包"))
    channel = models.CharField(_("渠道"), max_length=10)
    is_ok = models.BooleanField(_("成功"), default=False)
    reason = models.TextField(_("原因"), blank=True)
    delivered_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = pgettext_lazy("plural", "发送记录")
        ordering = ["pack_id", "pk"]

    def __str__(self) -> str:
        return f"{self.pack} · {self.channel}"

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user, "pack__"))


class ReportSubscription(ScopedRowMixin):
    """Who receives a scope's weekly or monthly pack, in which language, by e-mail and group robots."""

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=PackKindChoices, default=PackKindChoices.WEEKLY)
    language = models.CharField(_("语言"), max_length=10, choices=LanguageChoices, default=LanguageChoices.ZH_HANS)
    emails = models.TextField(_("收件人邮箱"), blank=True, help_text=_("多个地址用逗号或换行分隔"))
    dingtalk_webhook = models.URLField(_("钉钉机器人 Webhook"), max_length=500, blank=True)
    wecom_webhook = models.URLField(_("企业微信机器人 Webhook"), max_length=500, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    permission_area = SUBSCRIPTION_AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("汇报订阅")
        verbose_name_plural = pgettext_lazy("plural", "汇报订阅")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:reportsubscription_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """Subscriptions are the company's settings: only company-wide users reach them."""
        if not getattr(user, "company_id", None) or not user.has_company_scope:
            return queryset.none()
        return queryset.filter(company_id=user.company_id)

    @property
    def email_list(self) -> list[str]:
        return [part.strip() for part in self.emails.replace("\n", ",").replace(";", ",").split(",") if part.strip()]

    def clean(self) -> None:
        self.clean_scope()
        from django.core.validators import validate_email

        for address in self.email_list:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError({"emails": _("无效的邮箱地址：%(address)s") % {"address": address}}) from None


def meeting_condition(user, prefix: str = "") -> Q:
    """Meetings a user sees: those of the scope, those the user attended and those holding a decision the user
    owns."""
    if not getattr(user, "company_id", None):
        return Q(pk__in=[])
    attended = Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id")
    owned = MeetingDecision.objects.filter(owner_id=user.pk).values("meeting_id")
    return scope_condition(user, prefix) | Q(**{f"{prefix}company_id": user.company_id}) & (
        Q(**{f"{prefix}pk__in": attended}) | Q(**{f"{prefix}pk__in": owned}))


class MeetingQuerySet(ScopedQuerySet):
    """Meetings: seen by scope, attendance or a decision owned; changed only within the user's scope."""

    prefix = ""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view":
            return queryset
        return queryset.filter(scope_condition(user, self.prefix))


class Meeting(ScopedRowMixin):
    """A meeting record: when, what, who attended, the notes and the decisions taken."""

    title = models.CharField(_("标题"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                       verbose_name=_("参会人"))
    notes = models.TextField(_("纪要"), blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(MeetingQuerySet)()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = pgettext_lazy("plural", "会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:meeting_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(meeting_condition(user))

    def clean(self) -> None:
        self.clean_scope()


class DecisionQuerySet(MeetingQuerySet):
    prefix = "meeting__"


class MeetingDecision(models.Model):
    """A decision of a meeting: what, who owns it, by when, and whether it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("会议"))
    text = models.CharField(_("决议"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DecisionStatusChoices,
                              default=DecisionStatusChoices.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                editable=False, related_name="+", verbose_name=_("完成人"))

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(DecisionQuerySet)()

    class Meta:
        verbose_name = _("会议决议")
        verbose_name_plural = pgettext_lazy("plural", "会议决议")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("reports:meetingdecision_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        if not getattr(user, "company_id", None):
            return queryset.none()
        return queryset.filter(meeting_condition(user, "meeting__") | Q(
            meeting__company_id=user.company_id, owner_id=user.pk))

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatusChoices.OPEN

    def clean(self) -> None:
        if self.status == DecisionStatusChoices.DONE and self.done_at is None:
            from django.utils import timezone

            self.done_at = timezone.now()
        elif self.status == DecisionStatusChoices.OPEN:
            self.done_at, self.done_by = None, None

    def get_additional_data(self) -> dict:
        return self.meeting.get_additional_data()


# --- the frozen document ------------------------------------------------------------------------------------------

_BLOCKS = {cls.__name__: cls for cls in (documents.Heading, documents.Paragraph, documents.Bullets,
                                          documents.KeyValues, documents.Table)}


def _plain(value):
    """Lists, numbers and booleans as they are; anything else (lazy translations) as text."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def document_to_data(document: documents.Document) -> dict:
    """A document as JSON-ready data (what a pack stores)."""
    return {"title": str(document.title), "subtitle": str(document.subtitle), "language": document.language,
            "meta": _plain(document.meta),
            "blocks": [{"type": type(block).__name__, **{k: _plain(v) for k, v in asdict(block).items()}}
                       for block in document.blocks]}


def document_from_data(data: dict) -> documents.Document:
    """The document a pack stored."""
    blocks = []
    for block in data.get("blocks", []):
        values = dict(block)
        cls = _BLOCKS[values.pop("type")]
        if cls is documents.KeyValues:
            values["pairs"] = [tuple(pair) for pair in values["pairs"]]
        if cls is documents.Table:
            values["numeric"] = tuple(values.get("numeric", ()))
        blocks.append(cls(**values))
    return documents.Document(title=data.get("title", ""), subtitle=data.get("subtitle", ""),
                              meta=[tuple(pair) for pair in data.get("meta", [])], blocks=blocks,
                              language=data.get("language", "zh-hans"))
