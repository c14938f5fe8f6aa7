"""Forms of the action inbox."""

from django import forms
from django.utils.translation import gettext_lazy as _

ACTIONS = ("assign", "comment", "snooze", "done")


class InboxActionForm(forms.Form):
    provider = forms.CharField(max_length=40)
    key = forms.CharField(max_length=80)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    assignee = forms.IntegerField(required=False, label=_("负责人"))
    text = forms.CharField(required=False, max_length=2000, label=_("评论"))
    until = forms.DateTimeField(required=False, label=_("暂缓至"))
    reason = forms.CharField(required=False, max_length=300, label=_("原因"))
    next = forms.CharField(required=False, max_length=500)
