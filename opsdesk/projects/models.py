"""Operations projects (store openings, remodels, process improvements, promotions): tasks with finish-to-start
dependencies and a baseline, status updates, cost budgets by category, cost entries (by hand or imported),
purchase orders tagged to a project, and the templates a project is created from.

Scope rule (stated once, used by every model here): a store project is seen by whoever sees its store; a region
project by the users who hold the whole region (a region assignment) and company-wide users; a company project by
company-wide users only. A store manager therefore sees only their store's projects.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, visible_store_ids
from opsdesk.projects.choices import (
    CostCategoryChoices,
    CostSourceChoices,
    HealthChoices,
    ProjectKindChoices,
    ProjectStatusChoices,
    ScopeLevelChoices,
    TaskStatusChoices,
)

AREA = "projects"
TEMPLATE_AREA = "projects_templates"


def scope_condition(user, prefix: str = "") -> Q:
    """Rows of the user's scope (see the module docstring); `prefix` is the lookup path to the project."""
    if not getattr(user, "company_id", None):
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    regions = user.scope_regions.values("pk")
    return company & (Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
                      | Q(**{f"{prefix}store__isnull": True, f"{prefix}region_id__in": regions}))


class ProjectTemplate(models.Model):
    """A company's project template: tasks with durations and dependencies, scheduled from a start date."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="project_templates",
                                verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKindChoices)
    description = models.TextField(_("说明"), blank=True)

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目模板")
        verbose_name_plural = pgettext_lazy("plural", "项目模板")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="project_template_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:projecttemplate_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class TemplateTask(models.Model):
    """One task of a template: its duration in calendar days (0 = milestone) and its predecessors, written as
    codes with an optional lag in days ("LEASE, LIC+2")."""

    template = models.ForeignKey(ProjectTemplate, on_delete=models.CASCADE, related_name="tasks",
                                 verbose_name=_("模板"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("任务"), max_length=200)
    duration_days = models.PositiveSmallIntegerField(_("工期（天）"), default=1)
    predecessors = models.CharField(_("前置任务"), max_length=200, blank=True,
                                    help_text=_("前置任务编码，逗号分隔；“+2”表示间隔 2 天"))
    estimate_hours = models.DecimalField(_("估计工时"), max_digits=8, decimal_places=1, default=0)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "template__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("模板任务")
        verbose_name_plural = pgettext_lazy("plural", "模板任务")
        ordering = ["template", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_task_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:templatetask_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.template.company_id}

    def parsed_predecessors(self) -> list[tuple[str, int]]:
        """[(code, lag days)] from the predecessors text."""
        found = []
        for part in self.predecessors.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            code, sign, lag = part.partition("+") if "+" in part else part.partition("-")
            try:
                days = int(lag) if lag else 0
            except ValueError as error:
                raise ValidationError({"predecessors": _("无法识别的前置任务：%(part)s") % {"part": part}}) from error
            found.append((code.strip(), -days if sign == "-" else days))
        return found


class Project(models.Model):
    """An operations project: where it lives (store, region or company), who runs it, when, and how it stands."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="projects", verbose_name=_("公司"))
    code = models.CharField(_("编号"), max_length=32)
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProjectKindChoices,
                            default=ProjectKindChoices.PROCESS)
    scope_level = models.CharField(_("范围"), max_length=10, choices=ScopeLevelChoices, editable=False,
                                   default=ScopeLevelChoices.COMPANY)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="projects",
                              verbose_name=_("门店"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("项目成员"))
    start_date = models.DateField(_("开始日期"))
    target_date = models.DateField(_("目标完成日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ProjectStatusChoices,
                              default=ProjectStatusChoices.PLANNED)
    health = models.CharField(_("健康度"), max_length=10, choices=HealthChoices, default=HealthChoices.ON_TRACK)
    health_reason = models.CharField(_("健康度说明"), max_length=300, blank=True)
    # Goals do not exist yet: objectives are free text until they can be linked to goals.
    objectives = models.TextField(_("项目目标"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    template = models.ForeignKey(ProjectTemplate, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="projects", verbose_name=_("模板"), editable=False)
    baseline_taken_at = models.DateTimeField(_("基线时间"), null=True, blank=True, editable=False)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = pgettext_lazy("plural", "项目")
        ordering = ["-start_date", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="project_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.scope_level = (ScopeLevelChoices.STORE if self.store_id else ScopeLevelChoices.REGION if self.region_id
                            else ScopeLevelChoices.COMPANY)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(scope_condition(user))

    def clean(self) -> None:
        if self.store_id:
            self.region_id = self.store.region_id
        if self.health != HealthChoices.ON_TRACK and not self.health_reason.strip():
            raise ValidationError({"health_reason": _("健康度为“有风险”或“偏离”时须说明原因。")})
        if self.target_date and self.start_date and self.target_date < self.start_date:
            raise ValidationError({"target_date": _("目标完成日期不能早于开始日期。")})

    @property
    def scope_label(self) -> str:
        return str(self.store or self.region or _("全公司"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class _ProjectChild(models.Model):
    """Rows that belong to a project: scoped through it."""

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        abstract = True

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(scope_condition(user, "project__"))

    def get_additional_data(self) -> dict:
        return self.project.get_additional_data()


class Task(_ProjectChild):
    """A task of a project: assignee, planned dates (last day included), estimate, progress, its baseline dates,
    and where it came from when raised from a corrective action, a risk response or a meeting decision."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("项目"))
    name = models.CharField(_("任务"), max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("执行人"))
    start_date = models.DateField(_("开始日期"))
    finish_date = models.DateField(_("完成日期"), help_text=_("最后一天（含）；里程碑与开始日期相同"))
    is_milestone = models.BooleanField(_("里程碑"), default=False)
    estimate_hours = models.DecimalField(_("估计工时"), max_digits=8, decimal_places=1, default=0)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatusChoices, default=TaskStatusChoices.TODO)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    baseline_start = models.DateField(_("基线开始"), null=True, blank=True, editable=False)
    baseline_finish = models.DateField(_("基线完成"), null=True, blank=True, editable=False)
    source = models.CharField(_("来源"), max_length=200, blank=True, editable=False)
    template_code = models.CharField(_("模板编码"), max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("项目任务")
        verbose_name_plural = pgettext_lazy("plural", "项目任务")
        ordering = ["project", "start_date", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:task_detail", args=[self.pk])

    def clean(self) -> None:
        if self.is_milestone and self.start_date:
            self.finish_date = self.start_date
        if self.start_date and self.finish_date and self.finish_date < self.start_date:
            raise ValidationError({"finish_date": _("完成日期不能早于开始日期。")})
        if self.status == TaskStatusChoices.DONE:
            self.progress = 100

    @property
    def duration_days(self) -> int:
        """Calendar days the task occupies (0 for a milestone)."""
        return 0 if self.is_milestone else (self.finish_date - self.start_date).days + 1

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatusChoices.DONE

    def slippage_days(self) -> int | None:
        """Days the planned finish lies after the baseline finish (negative: ahead); None without a baseline."""
        if self.baseline_finish is None:
            return None
        return (self.finish_date - self.baseline_finish).days


class Dependency(models.Model):
    """Finish-to-start: `successor` starts at least `lag_days` days after `predecessor`'s last day."""

    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links",
                                    verbose_name=_("前置任务"))
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links",
                                  verbose_name=_("后续任务"))
    lag_days = models.SmallIntegerField(_("间隔（天）"), default=0)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("任务依赖")
        verbose_name_plural = pgettext_lazy("plural", "任务依赖")
        ordering = ["successor", "pk"]
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique")]

    def __str__(self) -> str:
        lag = f" +{self.lag_days}" if self.lag_days > 0 else f" {self.lag_days}" if self.lag_days else ""
        return f"{self.predecessor} → {self.successor}{lag}"

    def get_absolute_url(self) -> str:
        return reverse("projects:dependency_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(scope_condition(user, "successor__project__"))

    def clean(self) -> None:
        if self.predecessor_id and self.successor_id:
            if self.predecessor_id == self.successor_id:
                raise ValidationError({"successor": _("任务不能依赖自身。")})
            if self.predecessor.project_id != self.successor.project_id:
                raise ValidationError({"successor": _("依赖的两个任务须属于同一项目。")})

    def get_additional_data(self) -> dict:
        return self.successor.project.get_additional_data()


class StatusUpdate(_ProjectChild):
    """A weekly status note with the project's health at that time (the history feeds the report pack)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_updates",
                                verbose_name=_("项目"))
    week_of = models.DateField(_("周"))
    health = models.CharField(_("健康度"), max_length=10, choices=HealthChoices, default=HealthChoices.ON_TRACK)
    reason = models.CharField(_("健康度说明"), max_length=300, blank=True)
    note = models.TextField(_("本周进展"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=pgettext_lazy("status update", "填写人"),
                               editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目周报")
        verbose_name_plural = pgettext_lazy("plural", "项目周报")
        ordering = ["-week_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.week_of.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:statusupdate_detail", args=[self.pk])

    def clean(self) -> None:
        if self.health != HealthChoices.ON_TRACK and not self.reason.strip():
            raise ValidationError({"reason": _("健康度为“有风险”或“偏离”时须说明原因。")})


class BudgetLine(_ProjectChild):
    """The project's budget for one cost category, with an optional estimate to complete set by hand."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines",
                                verbose_name=_("项目"))
    category = models.CharField(_("费用类别"), max_length=20, choices=CostCategoryChoices)
    amount = models.DecimalField(_("预算金额"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    estimate_to_complete = models.DecimalField(
        _("尚需投入估计"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text=_("留空时按 预算 − 实际 − 已承诺（不小于 0）估计"))

    class Meta:
        verbose_name = _("项目预算")
        verbose_name_plural = pgettext_lazy("plural", "项目预算")
        ordering = ["project", "category"]
        constraints = [models.UniqueConstraint(fields=["project", "category"], name="project_budget_unique")]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:budgetline_detail", args=[self.pk])


class CostEntry(_ProjectChild):
    """An actual cost booked to the project by hand or from an import (not a purchase order: those are tagged)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_entries",
                                verbose_name=_("项目"))
    category = models.CharField(_("费用类别"), max_length=20, choices=CostCategoryChoices)
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    reference = models.CharField(_("凭证号"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=CostSourceChoices, default=CostSourceChoices.MANUAL,
                              editable=False)

    class Meta:
        verbose_name = _("项目费用")
        verbose_name_plural = pgettext_lazy("plural", "项目费用")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["project", "reference"], condition=~Q(reference=""),
                                               name="project_cost_unique_reference")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.date.isoformat()} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("projects:costentry_detail", args=[self.pk])


class ProjectPurchaseOrder(_ProjectChild):
    """A purchase order tagged to a project under a cost category (an order belongs to at most one project, so its
    value is counted once)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="purchase_order_links",
                                verbose_name=_("项目"))
    purchase_order = models.OneToOneField("purchasing.PurchaseOrder", on_delete=models.CASCADE,
                                          related_name="project_link", verbose_name=_("采购单"))
    category = models.CharField(_("费用类别"), max_length=20, choices=CostCategoryChoices,
                                default=CostCategoryChoices.EQUIPMENT)

    class Meta:
        verbose_name = _("项目采购单")
        verbose_name_plural = pgettext_lazy("plural", "项目采购单")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.purchase_order}"

    def get_absolute_url(self) -> str:
        return reverse("projects:projectpurchaseorder_detail", args=[self.pk])

    def clean(self) -> None:
        if self.project_id and self.purchase_order_id:
            order = self.purchase_order
            if order.company_id != self.project.company_id:
                raise ValidationError({"purchase_order": _("采购单不属于本公司。")})
            if self.project.store_id and order.store_id != self.project.store_id:
                raise ValidationError({"purchase_order": _("采购单的门店与项目门店不一致。")})
