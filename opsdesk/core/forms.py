"""Forms of the core app; choice fields list only what the acting user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.models import Region, Store, User
from opsdesk.core.widgets import mark_searchable


def bootstrap_widgets(form: forms.BaseForm) -> None:
    """Bootstrap classes on a form's widgets (check boxes, selects, everything else); model choices searchable."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        widget.attrs.setdefault("class", css)
        if _is_model_select(field):
            mark_searchable(widget)


def _is_model_select(field: forms.Field) -> bool:
    """A model choice shown as a drop-down list (not radio buttons, check boxes or a hidden input)."""
    widget = field.widget
    return (
        isinstance(field, forms.ModelChoiceField)  # ModelMultipleChoiceField is a subclass
        and isinstance(widget, forms.Select | forms.SelectMultiple)
        and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput)
    )


class AttributesField(forms.Field):
    """A store's other attributes as lines of "name: value" (the first colon, either width, separates them).

    Empty lines are skipped and a line with an empty value drops its name; a line without a colon or with an empty
    name, and a name given twice, are errors that quote the line's number. The model's validator checks the
    lengths. Shown sorted by name, as the store page lists them."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "StoreType: a\nCompetitionDistance: 1270"})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # the model's JSONField passes its (de)coder
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{name}: {text}" for name, text in sorted(value.items()))
        return value

    def to_python(self, value) -> dict:
        if isinstance(value, dict):
            return value
        attributes, errors = {}, []
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, text = line.replace("：", ":").partition(":")
            name, text = name.strip(), text.strip()
            if not colon or not name:
                errors.append(forms.ValidationError(_("第 %(line)s 行“%(text)s”：应为“名称: 值”。"),
                                                    params={"line": number, "text": line.strip()[:40]}))
            elif name in attributes:
                errors.append(forms.ValidationError(
                    _("第 %(line)s 行：属性“%(name)s”重复。"), params={"line": number, "name": name[:40]}))
            elif text:
                attributes[name] = text
        if errors:
            raise forms.ValidationError(errors)
        return attributes

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (initial or {})
        except forms.ValidationError:
            return True


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows the acting user (for scoped choices)."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


class UserForm(ScopedModelForm):
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("新建用户必填；修改时留空表示不变。"),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "has_company_scope",
            "scope_regions",
            "scope_stores",
            "language",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_regions"].queryset = Region.objects.for_user(self.user)
        self.fields["scope_stores"].queryset = Store.objects.for_user(self.user)
        self.fields["language"].widget = forms.Select(
            choices=[("", "—"), ("zh-hans", "简体中文"), ("en", "English")], attrs={"class": "form-select"}
        )
        self.fields["role"].required = True

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("password"):
            self.add_error("password", _("新建用户必须设置初始密码。"))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    expires_at = forms.DateTimeField(
        label=_("过期时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )
