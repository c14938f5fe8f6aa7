"""Customer service: tickets with their SLA clock and contact log, business hours, SLA targets, CSAT requests,
surveys (NPS and custom) with their responses, and each store's public feedback link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import ScopedManager
from opsdesk.service.choices import (
    OPEN_STATUSES,
    CompensationChoices,
    EventKindChoices,
    QuestionKindChoices,
    SurveyKindChoices,
    TicketChannelChoices,
    TicketPriorityChoices,
    TicketStatusChoices,
    TicketTypeChoices,
)

AREA = "service"
CONFIG_AREA = "service_config"
HOURS_AREA = "service_hours"


def new_token() -> str:
    """A random URL-safe token for public links (not guessable, not enumerable)."""
    return secrets.token_urlsafe(24)


def _store_audit(store) -> dict:
    return {"company_id": store.company_id, "region_id": store.region_id, "store_id": store.pk}


class TicketCategory(models.Model):
    """What a ticket is about (product quality, service attitude, hygiene...), per company, in two languages."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    code = models.SlugField(_("代码"), max_length=40)
    name_zh = models.CharField(_("中文名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=60)
    is_product_quality = models.BooleanField(_("商品质量类"), default=False,
                                             help_text=_("此类投诉关联供应商时计入供应商评分。"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("工单类别")
        verbose_name_plural = pgettext_lazy("plural", "工单类别")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="ticketcategory_unique_code")]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    def get_absolute_url(self) -> str:
        return reverse("service:category_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class SlaTarget(models.Model):
    """First-response and resolution targets of one priority, in business minutes of the ticket's store."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    priority = models.CharField(_("优先级"), max_length=20, choices=TicketPriorityChoices)
    first_response_minutes = models.PositiveIntegerField(_("首次响应时限（营业分钟）"),
                                                         validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(_("解决时限（营业分钟）"), validators=[MinValueValidator(1)])

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("SLA 时限")
        verbose_name_plural = pgettext_lazy("plural", "SLA 时限")
        ordering = ["priority"]
        constraints = [models.UniqueConstraint(fields=["company", "priority"], name="slatarget_unique_priority")]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} · {self.first_response_minutes}/{self.resolution_minutes}"

    def get_absolute_url(self) -> str:
        return reverse("service:slatarget_detail", args=[self.pk])

    def clean(self) -> None:
        if self.first_response_minutes and self.resolution_minutes and \
                self.resolution_minutes < self.first_response_minutes:
            raise ValidationError({"resolution_minutes": _("解决时限不能短于首次响应时限。")})

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class BusinessHours(models.Model):
    """One opening interval of a store on a weekday; closing at or before opening means after midnight."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="business_hours", verbose_name=_("门店"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[
        (0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日"))])
    opens = models.TimeField(_("开门"), default=time(9))
    closes = models.TimeField(_("关门"), default=time(21))

    permission_area = HOURS_AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("营业时间")
        verbose_name_plural = pgettext_lazy("plural", "营业时间")
        ordering = ["store", "weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.store} · {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("service:businesshours_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return _store_audit(self.store)


class FeedbackLink(models.Model):
    """A store's public feedback page address (the QR code points here); a new token retires the old one."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="feedback_link", verbose_name=_("门店"))
    token = models.CharField(_("令牌"), max_length=64, unique=True, default=new_token)
    is_active = models.BooleanField(_("启用"), default=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("反馈链接")
        verbose_name_plural = pgettext_lazy("plural", "反馈链接")

    def __str__(self) -> str:
        return str(self.store)

    def get_additional_data(self) -> dict:
        return _store_audit(self.store)


class Ticket(models.Model):
    """A customer's complaint, suggestion, praise or inquiry at a store, handled under an SLA."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("门店"))
    number = models.CharField(_("编号"), max_length=20, blank=True, editable=False)
    type = models.CharField(_("类型"), max_length=20, choices=TicketTypeChoices, default=TicketTypeChoices.COMPLAINT)
    category = models.ForeignKey(TicketCategory, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tickets", verbose_name=pgettext_lazy("ticket", "类别"))
    priority = models.CharField(_("优先级"), max_length=20, choices=TicketPriorityChoices,
                                default=TicketPriorityChoices.MEDIUM)
    channel = models.CharField(_("渠道"), max_length=20, choices=TicketChannelChoices,
                               default=TicketChannelChoices.COUNTER)
    status = models.CharField(_("状态"), max_length=20, choices=TicketStatusChoices, default=TicketStatusChoices.NEW)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), max_length=4000, blank=True)
    rating = models.PositiveSmallIntegerField(_("顾客评分"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    customer_name = models.CharField(_("顾客姓名"), max_length=100, blank=True)
    customer_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    customer_email = models.EmailField(_("电子邮件"), blank=True)
    product = models.ForeignKey("catalog.Product", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=pgettext_lazy("ticket", "商品"))
    supplier = models.ForeignKey("purchasing.Supplier", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("供应商"))
    employee = models.ForeignKey("people.Employee", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("涉及员工"))
    finding = models.ForeignKey("storeops.Finding", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("巡检问题"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    resolution = models.TextField(_("处理结果"), blank=True)
    compensation_type = models.CharField(_("补偿方式"), max_length=20, choices=CompensationChoices,
                                         default=CompensationChoices.NONE)
    compensation_amount = models.DecimalField(_("补偿金额"), max_digits=10, decimal_places=2, null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    photo = models.ImageField(_("照片"), upload_to="service/photos/", blank=True)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    sla_started_at = models.DateTimeField(_("SLA 起算时间"), null=True, blank=True, editable=False,
                                          help_text=_("空表示从受理时间起算；导入的历史评价从导入时起算。"))
    external_ref = models.CharField(_("外部编号"), max_length=120, blank=True, editable=False,
                                    help_text=_("导入来源中的唯一编号（如线上评价），重复导入时据此去重。"))
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时于"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    first_response_breached = models.BooleanField(_("首次响应超时"), default=False)
    resolution_breached = models.BooleanField(_("解决超时"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("客服工单")
        verbose_name_plural = pgettext_lazy("plural", "客服工单")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["company", "received_at"]),
                   models.Index(fields=["supplier", "received_at"])]
        constraints = [models.UniqueConstraint(fields=["company", "external_ref"], condition=~models.Q(external_ref=""),
                                               name="ticket_unique_external_ref")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("service:ticket_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sla_start(self):
        """When the SLA clocks start: on receipt, or when an imported past review reached the store."""
        return self.sla_started_at or self.received_at

    def clean(self) -> None:
        if self.store_id and self.company_id and self.store.company_id != self.company_id:
            raise ValidationError({"store": _("门店不属于该公司。")})
        if self.compensation_type == CompensationChoices.NONE and self.compensation_amount:
            raise ValidationError({"compensation_amount": _("无补偿时不能填写补偿金额。")})

    def get_additional_data(self) -> dict:
        return _store_audit(self.store)


class TicketPause(models.Model):
    """A span in which a ticket's SLA clock stood still (waiting on the customer, or closed before a reopen)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("工单"))
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=TicketStatusChoices)

    class Meta:
        verbose_name = _("计时暂停")
        verbose_name_plural = pgettext_lazy("plural", "计时暂停")
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.started_at:%Y-%m-%d %H:%M}"


class TicketEvent(models.Model):
    """One line of a ticket's contact log: a note, a call, a message, a status change, an escalation."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("工单"))
    kind = models.CharField(_("类型"), max_length=20, choices=EventKindChoices, default=EventKindChoices.NOTE)
    text = models.TextField(_("内容"), max_length=4000, blank=True)
    is_customer_contact = models.BooleanField(_("联系了顾客"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("记录人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "ticket__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = pgettext_lazy("plural", "联系记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict:
        return _store_audit(self.ticket.store)


class CsatRequest(models.Model):
    """A one-time link asking the customer of a closed ticket for a 1-5 rating; stores only the token's hash."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="csat_requests", verbose_name=_("工单"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    answered_at = models.DateTimeField(_("回答时间"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("意见"), max_length=2000, blank=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "ticket__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("满意度回访")
        verbose_name_plural = pgettext_lazy("plural", "满意度回访")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["answered_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.score or '—'}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get_additional_data(self) -> dict:
        return _store_audit(self.ticket.store)


class Survey(models.Model):
    """A questionnaire: the periodic NPS survey of a store, or a custom one built from questions."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=SurveyKindChoices, default=SurveyKindChoices.NPS)
    intro = models.TextField(_("说明"), max_length=1000, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = pgettext_lazy("plural", "问卷")
        ordering = ["-is_active", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("service:survey_detail", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class SurveyQuestion(models.Model):
    """One question of a survey: a 1-5 rating, a 0-10 NPS score, one choice of a list, or free text."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("问卷"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKindChoices)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选题：每行一个选项。"))
    is_required = models.BooleanField(_("必答"), default=True)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "survey__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = pgettext_lazy("plural", "问卷题目")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("service:surveyquestion_detail", args=[self.pk])

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind == QuestionKindChoices.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("单选题至少需要两个选项。")})

    def get_additional_data(self) -> dict:
        return {"company_id": self.survey.company_id}


class SurveyResponse(models.Model):
    """One customer's answers to a survey at a store (anonymous; the NPS score is kept on the row for analysis)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("问卷"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("门店"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    nps_score = models.PositiveSmallIntegerField(_("推荐度"), null=True, blank=True,
                                                 validators=[MaxValueValidator(10)])
    nps_reason = models.TextField(_("推荐理由"), max_length=2000, blank=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("问卷答复")
        verbose_name_plural = pgettext_lazy("plural", "问卷答复")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["store", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.survey} · {self.store} · {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("service:response_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return _store_audit(self.store)


class SurveyAnswer(models.Model):
    """The answer to one question of a response."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("答复"))
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="+", verbose_name=_("题目"))
    number = models.PositiveSmallIntegerField(_("分值"), null=True, blank=True)
    text = models.TextField(_("文本"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = pgettext_lazy("plural", "答案")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_unique")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number if self.number is not None else self.text}"
