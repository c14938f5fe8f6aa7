"""Forms of the action inbox."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.cockpit.inbox_list import DUE_CHOICES, InboxFilter

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


class InboxFilterForm(forms.Form):
    """The inbox's filters (GET; the bulk form repeats them so a selected group means what the page showed)."""

    type = forms.CharField(required=False, max_length=40, label=_("类型"))
    store = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label=_("门店"))
    owner = forms.RegexField(required=False, regex=r"^(me|[1-9][0-9]{0,9})$", label=_("负责人"))
    due = forms.ChoiceField(required=False, choices=[("", "")] + list(DUE_CHOICES), label=_("截止"))
    group = forms.RegexField(required=False, regex=r"^[a-z_]{1,40}:[1-9][0-9]{0,9}$")

    def selection(self) -> InboxFilter:
        """The filter asked for; a malformed field is ignored (a stale or hand-edited link still shows a list)."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return InboxFilter(type=data.get("type") or "", store_id=data.get("store"), owner=data.get("owner") or "",
                           due=data.get("due") or "", group=data.get("group") or "")


BULK_ACTIONS = ("assign_me", "snooze", "done")


class InboxBulkForm(InboxFilterForm):
    """Act on the selected items: "provider:key" ids, and groups ("provider:store_id") meaning all their items."""

    action = forms.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    until = forms.DateTimeField(required=False, label=_("暂缓至"))
    reason = forms.CharField(required=False, max_length=300, label=_("原因"))
    next = forms.CharField(required=False, max_length=500)

    def selected(self, data) -> tuple[list[str], list[str]]:
        """The ticked item ids and group keys (at most 500 of each)."""
        return data.getlist("items")[:500], data.getlist("groups")[:500]
