"""Skills and the career ladder: skill families and skills (levels 1-5), required skills per position, assessed
skills per employee (history kept, the newest counts), development plans and their actions.

Scope: families, skills and position requirements are company master data (area "skills"); employee skills,
plans and actions follow their employee's scope (store employees by store, head office only for company-wide
users) in area "development".
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet

__all__ = ["DevelopmentAction", "DevelopmentPlan", "EmployeeSkill", "PositionSkill", "Skill", "SkillFamily"]

#: Permission areas: the catalogue and position requirements, and what concerns a person.
SKILLS_AREA = "skills"
DEVELOPMENT_AREA = "development"
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _employee_scoped(queryset: ScopedQuerySet, user, path: str) -> ScopedQuerySet:
    """Rows whose employee (at `path`) lies in the user's employee scope (Employee.scope_queryset)."""
    from opsdesk.people.models.employees import Employee

    return queryset.filter(**{f"{path}__in": Employee.scope_queryset(Employee.objects.all(), user).values("pk")})


def _employee_context(employee) -> dict:
    return employee.get_additional_data()


class SkillFamily(models.Model):
    """A family of skills (运营管理, 数据分析, ...)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="skill_families",
                                verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    permission_area = SKILLS_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("技能类别")
        verbose_name_plural = pgettext_lazy("plural", "技能类别")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="skillfamily_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:skillfamily_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Skill(models.Model):
    """A skill assessed on levels 1-5, each level optionally described."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="skills", verbose_name=_("公司"))
    family = models.ForeignKey(SkillFamily, on_delete=models.PROTECT, related_name="skills",
                               verbose_name=_("技能类别"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    level_1 = models.CharField(_("1 级：入门"), max_length=200, blank=True)
    level_2 = models.CharField(_("2 级：基础"), max_length=200, blank=True)
    level_3 = models.CharField(_("3 级：熟练"), max_length=200, blank=True)
    level_4 = models.CharField(_("4 级：精通"), max_length=200, blank=True)
    level_5 = models.CharField(_("5 级：专家"), max_length=200, blank=True)

    permission_area = SKILLS_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("技能")
        verbose_name_plural = pgettext_lazy("plural", "技能")
        ordering = ["family__code", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="skill_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:skill_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.family_id and self.company_id and self.family.company_id != self.company_id:
            raise ValidationError({"family": _("技能类别属于另一家公司。")})

    def level_descriptions(self) -> list[tuple[int, str]]:
        """(level, description) for levels 1-5 (empty text where none is given)."""
        return [(level, getattr(self, f"level_{level}")) for level in range(1, 6)]


class PositionSkill(models.Model):
    """A skill a position requires, at a level 1-5 (weighted in the readiness score)."""

    position = models.ForeignKey("people.Position", on_delete=models.CASCADE, related_name="required_skills",
                                 verbose_name=_("职位"))
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="position_requirements",
                              verbose_name=_("技能"))
    required_level = models.PositiveSmallIntegerField(_("要求等级"), validators=LEVEL_VALIDATORS)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1, validators=[MinValueValidator(1),
                                                                              MaxValueValidator(10)],
                                              help_text=_("就绪度中该技能的权重（1-10）"))

    permission_area = SKILLS_AREA
    scope_kind = "company"
    scope_field = "position__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("岗位技能要求")
        verbose_name_plural = pgettext_lazy("plural", "岗位技能要求")
        ordering = ["position__level", "position__code", "skill__code"]
        constraints = [models.UniqueConstraint(fields=["position", "skill"], name="positionskill_unique")]

    def __str__(self) -> str:
        return f"{self.position.name} · {self.skill.name} ≥ {self.required_level}"

    def get_absolute_url(self) -> str:
        return reverse("people:positionskill_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.position.company_id}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.position_id and self.skill_id and self.position.company_id != self.skill.company_id:
            raise ValidationError({"skill": _("技能与职位属于不同公司。")})


class EmployeeSkill(models.Model):
    """One assessment of an employee's level in a skill; history is kept and the newest assessment counts."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="skill_assessments",
                                 verbose_name=_("员工"))
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("技能"))
    level = models.PositiveSmallIntegerField(_("等级"), validators=LEVEL_VALIDATORS)
    assessed_on = models.DateField(_("评估日期"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("评估人"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    permission_area = DEVELOPMENT_AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("员工技能评估")
        verbose_name_plural = pgettext_lazy("plural", "员工技能评估")
        ordering = ["-assessed_on", "-pk"]
        indexes = [models.Index(fields=["employee", "skill", "assessed_on"], name="employeeskill_newest")]

    def __str__(self) -> str:
        return f"{self.employee.name} · {self.skill.name} L{self.level}"

    def get_absolute_url(self) -> str:
        return reverse("people:employeeskill_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """The employee's scope."""
        return _employee_scoped(queryset, user, "employee_id")

    def get_additional_data(self) -> dict:
        return _employee_context(self.employee)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.employee_id and self.skill_id and self.employee.company_id != self.skill.company_id:
            raise ValidationError({"skill": _("技能与员工属于不同公司。")})


class PlanStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ActionKindChoices(models.TextChoices):
    SKILL = "skill", _("技能提升")
    TRAINING = "training", _("培训")
    ASSIGNMENT = "assignment", _("岗位实践")
    MENTORING = "mentoring", _("导师辅导")
    OTHER = "other", _("其他")


class ActionStatusChoices(models.TextChoices):
    OPEN = "open", _("待完成")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class DevelopmentPlan(models.Model):
    """A development plan that grows an employee towards a target position."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="development_plans",
                                 verbose_name=_("员工"))
    target_position = models.ForeignKey("people.Position", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("目标职位"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    status = models.CharField(_("状态"), max_length=20, choices=PlanStatusChoices, default=PlanStatusChoices.ACTIVE)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    permission_area = DEVELOPMENT_AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("发展计划")
        verbose_name_plural = pgettext_lazy("plural", "发展计划")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        target = self.target_position.name if self.target_position_id else "—"
        return f"{self.employee.name} → {target}"

    def get_absolute_url(self) -> str:
        return reverse("people:developmentplan_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """The employee's scope."""
        return _employee_scoped(queryset, user, "employee_id")

    def get_additional_data(self) -> dict:
        return _employee_context(self.employee)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (self.employee_id and self.target_position_id
                and self.target_position.company_id != self.employee.company_id):
            raise ValidationError({"target_position": _("目标职位属于另一家公司。")})


class DevelopmentAction(models.Model):
    """One step of a development plan (a skill to build, a training, an assignment, mentoring) with a due date."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="actions",
                             verbose_name=_("发展计划"))
    kind = models.CharField(_("类型"), max_length=20, choices=ActionKindChoices, default=ActionKindChoices.SKILL)
    description = models.CharField(_("内容"), max_length=300)
    skill = models.ForeignKey(Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("技能"))
    programme = models.ForeignKey("people.TrainingProgramme", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("培训项目"))
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ActionStatusChoices, default=ActionStatusChoices.OPEN)

    permission_area = DEVELOPMENT_AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("发展行动")
        verbose_name_plural = pgettext_lazy("plural", "发展行动")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("people:developmentaction_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """The plan's employee's scope."""
        return _employee_scoped(queryset, user, "plan__employee_id")

    def get_additional_data(self) -> dict:
        return _employee_context(self.plan.employee)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.status == ActionStatusChoices.DONE and self.done_on is None:
            raise ValidationError({"done_on": _("已完成的行动需填写完成日期。")})
        if self.skill_id and self.plan_id and self.skill.company_id != self.plan.employee.company_id:
            raise ValidationError({"skill": _("技能属于另一家公司。")})
        if self.programme_id and self.plan_id and self.programme.company_id != self.plan.employee.company_id:
            raise ValidationError({"programme": _("培训项目属于另一家公司。")})
