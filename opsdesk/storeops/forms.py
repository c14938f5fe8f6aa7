"""Forms of store operations; choice fields list only what the acting user may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import ScopedModelForm
from opsdesk.core.models import Region, Store, User
from opsdesk.storeops.choices import ActionStatusChoices, ItemKindChoices
from opsdesk.storeops.models import (
    ChecklistTemplate,
    CorrectiveAction,
    InspectionSchedule,
    TemplateItem,
    TemplateSection,
)
from opsdesk.storeops.services.actions import OWNER_ACTION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _assignable(user, *, action: str, store_id=None):
    """People the user may pick as owner/assignee: the one assignable-people selector of the core."""
    from opsdesk.core.selectors import assignable_people

    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    return assignable_people(company_id=user.company_id, area="storeops", action=action, store_id=store_id,
                             visible_to=user)


class ChecklistTemplateForm(ScopedModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["code", "name", "description", "language", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateSectionForm(ScopedModelForm):
    class Meta:
        model = TemplateSection
        fields = ["title"]


class TemplateItemForm(ScopedModelForm):
    """An item of a draft; choice options are typed one per line, a leading "!" marks a failing option."""

    options_text = forms.CharField(
        label=_("选项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选题每行一个选项；以 ! 开头的选项视为不合格"),
    )

    class Meta:
        model = TemplateItem
        fields = ["section", "code", "text", "guidance", "kind", "topic", "weight", "is_critical", "is_photo_required",
                  "pass_score", "min_value", "max_value", "unit"]

    def __init__(self, *args, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = TemplateSection.objects.filter(version=draft) if draft else \
            TemplateSection.objects.none()
        if self.instance.pk and self.instance.options:
            self.initial["options_text"] = "\n".join(
                ("" if option.get("passes", True) else "!") + str(option.get("label", ""))
                for option in self.instance.options
            )
        self.fields["options_text"].widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        options = []
        for line in (data.get("options_text") or "").splitlines():
            line = line.strip()
            if line:
                options.append({"label": line.lstrip("!").strip(), "passes": not line.startswith("!")})
        data["options"] = options if data.get("kind") == ItemKindChoices.CHOICE else []
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["options"] = self.cleaned_data["options"]
        return data


class VersionForm(forms.Form):
    pass_threshold = forms.DecimalField(label=_("合格线（分）"), min_value=0, max_value=100, decimal_places=1,
                                        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    change_note = forms.CharField(label=_("修改说明"), required=False, max_length=300,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))


class InspectionScheduleForm(ScopedModelForm):
    class Meta:
        model = InspectionSchedule
        fields = ["template", "store", "region", "frequency", "weekday", "day_of_month", "assignee_role", "assignee",
                  "start_date", "is_active"]
        widgets = {"start_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChecklistTemplate.objects.for_user(self.user).filter(is_active=True)
        self.fields["store"].queryset = Store.objects.for_user(self.user)
        self.fields["region"].queryset = Region.objects.for_user(self.user)
        # the assignee performs the runs (the `add` grant)
        self.fields["assignee"].queryset = _assignable(self.user, action="add", store_id=self.instance.store_id)


class RunStartForm(forms.Form):
    store = forms.ModelChoiceField(label=_("门店"), queryset=Store.objects.none(), empty_label=_("选择门店…"),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    template = forms.ModelChoiceField(label=_("检查表"), queryset=ChecklistTemplate.objects.none(),
                                      empty_label=_("选择检查表…"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.for_user(user).filter(status="open")
        self.fields["template"].queryset = ChecklistTemplate.objects.for_user(user).filter(
            is_active=True, current_version__isnull=False
        )
        for name in ("store", "template"):  # a single choice is chosen already (a store manager's own store)
            only = list(self.fields[name].queryset[:2])
            if len(only) == 1:
                self.fields[name].initial = only[0].pk


class SignOffForm(forms.Form):
    signed_by_name = forms.CharField(label=_("签名（姓名）"), max_length=100,
                                     widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}))
    note = forms.CharField(label=_("总结"), required=False, widget=forms.Textarea(attrs={"class": "form-control",
                                                                                       "rows": 2}))


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片"))


class CorrectiveActionForm(ScopedModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["store", "title", "description", "owner", "due_date", "priority"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.for_user(self.user)
        self.fields["owner"].queryset = _assignable(self.user, action=OWNER_ACTION, store_id=self.instance.store_id)
        if self.instance.pk:
            self.fields["store"].disabled = True


class ActionProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=[
        (ActionStatusChoices.IN_PROGRESS, ActionStatusChoices.IN_PROGRESS.label),
        (ActionStatusChoices.DONE, ActionStatusChoices.DONE.label),
    ], widget=forms.Select(attrs={"class": "form-select"}))
    resolution_note = forms.CharField(label=_("整改说明"), required=False,
                                      widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    evidence = forms.FileField(label=_("整改照片"), required=False,
                               widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*",
                                                                      "capture": "environment"}))


class ActionVerifyForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("结论"), coerce=lambda v: v == "1",
                                     choices=[("1", _("验证通过")), ("0", _("退回整改"))],
                                     widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(label=_("意见"), required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
