"""Forms of work plans: a measure (quarters as check boxes; project, training plan, risk and response chosen from
what the user sees), a resource (budget line likewise) and the approver's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.kit.builders import KitModelForm
from opsdesk.goals.choices import QUARTER_CHOICES
from opsdesk.goals.models import PLAN_AREA, PlanMeasure, PlanResource
from opsdesk.goals.services import MEASURE_FIELDS, RESOURCE_FIELDS


class PlanMeasureForm(KitModelForm):
    kit_area = PLAN_AREA
    quarters = forms.MultipleChoiceField(label=_("季度"), choices=QUARTER_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = PlanMeasure
        fields = list(MEASURE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["quarters"] = [str(number) for number in self.instance.quarter_list]

    def clean_quarters(self) -> str:
        return ",".join(sorted(self.cleaned_data["quarters"]))


class PlanResourceForm(KitModelForm):
    kit_area = PLAN_AREA

    class Meta:
        model = PlanResource
        fields = list(RESOURCE_FIELDS)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
