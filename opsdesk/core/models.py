"""Organisation (company, regions, stores), users with roles and scopes, and personal API tokens.

Departments, positions and employees live in the people app (opsdesk.people.models)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices, StoreFormatChoices, StoreStatusChoices
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids, visible_stores


class Company(models.Model):
    """A chain: the top of the organisation tree."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    country = models.CharField(_("国家/地区"), max_length=2, default="CN", help_text=_("ISO 3166 代码，用于节假日日历"))
    currency = models.CharField(_("币种"), max_length=3, default="CNY", help_text=_("ISO 4217 代码，如 CNY、USD、EUR"))
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai",
                                 help_text=_("IANA 时区，如 Asia/Shanghai"))
    language = models.CharField(_("默认界面语言"), max_length=10, default="zh-hans",
                                help_text=_("未自选语言的用户使用此语言"))

    permission_area = "org"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = pgettext_lazy("plural", "公司")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Country known to the holiday calendars, an ISO currency code, a real time zone, a UI language."""
        import zoneinfo

        import holidays
        from django.core.exceptions import ValidationError

        errors = {}
        self.country = (self.country or "").strip().upper()
        self.currency = (self.currency or "").strip().upper()
        if self.country not in holidays.list_supported_countries():
            errors["country"] = _("“%(value)s”不是支持的国家/地区代码（ISO 3166，如 CN、US、GB、DE）。") % {
                "value": self.country}
        if len(self.currency) != 3 or not self.currency.isalpha():
            errors["currency"] = _("币种应为三个字母的 ISO 4217 代码，如 CNY、USD。")
        if self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = _("“%(value)s”不是有效的时区（如 Asia/Shanghai、Europe/London）。") % {
                "value": self.time_zone}
        if self.language not in {code for code, _name in settings.LANGUAGES}:
            errors["language"] = _("不支持的界面语言。")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        if not visible_store_ids(user) and not user.has_company_scope:
            return queryset.none()
        return queryset.filter(pk=user.company_id)


class Region(models.Model):
    """A region of the company (华东区, 华南区, ...)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="regions", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)

    permission_area = "org"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = pgettext_lazy("plural", "区域")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="region_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:region_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """A region is visible when the user sees at least one of its stores or holds the region itself."""
        if not user.company_id:
            return queryset.none()
        if user.has_company_scope:
            return queryset.filter(company_id=user.company_id)
        return queryset.filter(
            Q(pk__in=visible_stores(user).values("region_id")) | Q(pk__in=user.scope_regions.values("pk")),
            company_id=user.company_id,
        )

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.pk}


#: Limits of a store's other attributes (``Store.attributes``): characters of a name and of a value (the stores
#: import refuses a longer cell by its row and column), and names per store.
STORE_ATTRIBUTE_MAX_LENGTH = 200
STORE_ATTRIBUTE_MAX_COUNT = 100


def validate_store_attributes(value) -> None:
    """A store's other attributes are names and texts: a JSON object of up to ``STORE_ATTRIBUTE_MAX_COUNT`` names
    (non-empty, no surrounding spaces) each with a non-empty text value, both up to ``STORE_ATTRIBUTE_MAX_LENGTH``
    characters. The error names the attribute."""
    from django.core.exceptions import ValidationError

    if not isinstance(value, dict):
        raise ValidationError(_("应为“名称: 值”的集合（JSON 对象）。"), code="not_an_object")
    if len(value) > STORE_ATTRIBUTE_MAX_COUNT:
        raise ValidationError(_("最多 %(n)s 个属性。") % {"n": STORE_ATTRIBUTE_MAX_COUNT}, code="too_many")
    for name, text in value.items():
        label = name[:40] if isinstance(name, str) else repr(name)
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise ValidationError(_("属性名“%(name)s”：不能为空，也不能以空格开头或结尾。") % {"name": label},
                                  code="invalid_name")
        if len(name) > STORE_ATTRIBUTE_MAX_LENGTH:
            raise ValidationError(_("属性名“%(name)s…”：超过 %(n)s 个字符。")
                                  % {"name": label, "n": STORE_ATTRIBUTE_MAX_LENGTH}, code="name_too_long")
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(_("属性“%(name)s”：值应为非空文本。") % {"name": label}, code="invalid_value")
        if len(text) > STORE_ATTRIBUTE_MAX_LENGTH:
            raise ValidationError(_("属性“%(name)s”：值超过 %(n)s 个字符。")
                                  % {"name": label, "n": STORE_ATTRIBUTE_MAX_LENGTH}, code="value_too_long")


class Store(models.Model):
    """A store (门店): the unit every operational record belongs to."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="stores", verbose_name=_("公司"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stores", verbose_name=_("区域"))
    code = models.CharField(_("门店编号"), max_length=32)
    name = models.CharField(_("门店名称"), max_length=200)
    city = models.CharField(_("城市"), max_length=100)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    opening_date = models.DateField(_("开业日期"), null=True, blank=True)
    format = models.CharField(
        _("业态"), max_length=20, choices=StoreFormatChoices, default=StoreFormatChoices.SUPERMARKET
    )
    floor_area = models.DecimalField(_("面积（㎡）"), max_digits=9, decimal_places=1, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=StoreStatusChoices, default=StoreStatusChoices.OPEN)
    holiday_subdivision = models.CharField(
        _("节假日地区"), max_length=10, blank=True,
        help_text=_("公司所在国家/地区内的省、州代码（如德国 BY、英国 SCT），留空则只用全国节假日"),
    )
    # Whatever else the stores file says about a store (its other columns, by header: a store type, an assortment
    # grade, the distance to a competitor): shown on the store page and read by the forecast as store features.
    attributes = models.JSONField(
        _("其他属性"), default=dict, blank=True, validators=[validate_store_attributes],
        help_text=_("每行一个“名称: 值”，如 StoreType: a；"
                    "门店文件中未对应到字段的列会导入到这里，销售预测把它们作为门店特征"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    permission_area = "org"
    scope_kind = "store"
    scope_field = "pk"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("门店")
        verbose_name_plural = pgettext_lazy("plural", "门店")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="store_unique_code")]
        indexes = [models.Index(fields=["region", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("core:store_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        code = (self.holiday_subdivision or "").strip()
        self.holiday_subdivision = code
        if code and self.company_id:
            import holidays
            from django.core.exceptions import ValidationError

            known = holidays.list_supported_countries().get(self.company.country, [])
            if code not in known:
                raise ValidationError({"holiday_subdivision": _("“%(value)s”不是该国家/地区的节假日地区代码。") % {
                    "value": code}})

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.pk}


class OpsDeskUserManager(UserManager):
    """Users are reached through `for_user` like every other model."""

    def get_queryset(self):
        return ScopedQuerySet(self.model, using=self._db)

    def for_user(self, user, action: str = "view"):
        return self.get_queryset().for_user(user, action)


class User(AbstractUser):
    """A person who signs in: one role, and a scope of the whole company, some regions or some stores."""

    role = models.CharField(_("角色"), max_length=32, choices=RoleChoices, blank=True)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("公司")
    )
    has_company_scope = models.BooleanField(_("全公司范围"), default=False)
    scope_regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("负责区域"))
    scope_stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("负责门店"))
    language = models.CharField(_("界面语言"), max_length=10, blank=True)
    # Only for the supplier role: the supplier whose purchase orders the account sees (string: no import cycle).
    supplier = models.ForeignKey(
        "purchasing.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("供应商"),
    )

    permission_area = "users"
    scope_kind = "custom"
    objects = OpsDeskUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        ordering = ["username"]

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        if not user.company_id or not user.has_company_scope:
            return queryset.none()
        return queryset.filter(company_id=user.company_id)

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def get_absolute_url(self) -> str:
        return reverse("core:user_edit", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The person's name as they write it: Chinese names family name first with no space, others "first last";
        the login when no name is recorded."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u2e80" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part) or self.username


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "odk_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ScheduledRun(models.Model):
    """Marks that a periodic job was enqueued for a day, so restarts and several workers never run it twice."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="scheduledrun_unique_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class BackgroundRun(models.Model):
    """Bookkeeping shared by a company's background runs (forecast runs, replenishment plans): what kind, who asked,
    how far it got, how long it took and what failed. Subclasses add the company, their status and their results."""

    kind = models.CharField(_("类型"), max_length=20, default="manual", help_text=_("nightly 或 manual"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("阶段"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The worker's lease: written whenever the run reports progress. A running run whose heartbeat is older than
    # settings.RUN_HEARTBEAT_TIMEOUT lost its worker (kill -9, power cut) and is failed and retried once.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("重试自"),
    )

    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    @property
    def is_active(self) -> bool:
        """Queued or running (both run kinds use these two status values)."""
        return self.status in {"queued", "running"}

    @staticmethod
    def heartbeat_timeout() -> timedelta:
        """How long a running run may go without a heartbeat before it counts as dead (default 10 minutes)."""
        return timedelta(seconds=float(getattr(settings, "RUN_HEARTBEAT_TIMEOUT", 600)))

    @property
    def last_sign_of_life(self) -> datetime:
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not written a heartbeat within the timeout."""
        return self.status == "running" and self.last_sign_of_life < timezone.now() - self.heartbeat_timeout()

    @classmethod
    def stale_runs(cls, *, company=None) -> models.QuerySet:
        """Running runs whose heartbeat (or start, before the first one) is older than the timeout."""
        limit = timezone.now() - cls.heartbeat_timeout()
        runs = cls._default_manager.filter(status="running").filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
            | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=limit)
        )
        return runs.filter(company=company) if company is not None else runs

    def mark_dead(self) -> bool:
        """Fail this run as abandoned by its worker; False when another process got there first (or it lived)."""
        since = timezone.localtime(self.last_sign_of_life)
        error = _("工作进程已停止（自 %(since)s 起无心跳）") % {"since": f"{since:%Y-%m-%d %H:%M:%S %Z}"}
        now = timezone.now()
        # Conditional on the heartbeat we judged: a worker that beat meanwhile, or a sweeper that already failed
        # the run, makes this a no-op, so two sweepers never both retry it.
        changed = type(self)._default_manager.filter(
            pk=self.pk, status="running", heartbeat_at=self.heartbeat_at,
        ).update(status="failed", error=str(error), finished_at=now)
        if changed:
            self.status, self.error, self.finished_at = "failed", str(error), now
        return bool(changed)

    @classmethod
    def recover_dead(cls, *, retry, company=None) -> list:
        """Fail the running runs whose worker stopped (no heartbeat within the timeout) and start one retry of each
        through `retry(dead_run)` (a retry that dies too is only failed); returns the retries."""
        import logging

        from django.db import transaction

        retries = []
        with transaction.atomic():
            for dead in cls.stale_runs(company=company).select_related("company"):
                if not dead.mark_dead():
                    continue  # it beat meanwhile, or another sweeper failed it first
                logging.getLogger(cls.__module__).warning("%s %s: %s", cls.__name__, dead.pk, dead.error)
                if dead.retry_of_id is None:
                    retries.append(retry(dead))
        return retries
