"""The first-run page (create the company and its administrator when the database has no company) and the company
settings page (name, country for holidays, currency, time zone, default language)."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core import services
from opsdesk.core.models import Company
from opsdesk.core.permissions import user_can

# The countries most chains start with come first; every country the holiday calendars know follows.
_FIRST_COUNTRIES = ("CN", "HK", "TW", "SG", "US", "GB", "DE", "FR", "JP", "KR", "AU")


def _country_choices() -> list[tuple[str, str]]:
    import holidays

    known = holidays.list_supported_countries()
    codes = [code for code in _FIRST_COUNTRIES if code in known] + sorted(set(known) - set(_FIRST_COUNTRIES))
    return [(code, code) for code in codes]


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class CompanySettingsForm(forms.Form):
    """The company's own settings (the code never changes: imports and URLs use it)."""

    name = forms.CharField(label=gettext_lazy("公司名称"), max_length=200)
    country = forms.ChoiceField(label=gettext_lazy("国家/地区"), choices=_country_choices,
                                help_text=gettext_lazy("ISO 3166 代码；预测使用该国的法定节假日"))
    currency = forms.CharField(label=gettext_lazy("币种"), max_length=3, initial="CNY",
                               help_text=gettext_lazy("ISO 4217 代码，如 CNY、USD、EUR"))
    time_zone = forms.ChoiceField(label=gettext_lazy("时区"), choices=_time_zone_choices, initial="Asia/Shanghai")
    language = forms.ChoiceField(label=gettext_lazy("默认界面语言"), choices=settings.LANGUAGES)


class FirstRunForm(CompanySettingsForm):
    """The company plus its first administrator."""

    code = forms.CharField(label=gettext_lazy("公司编码"), max_length=32,
                           help_text=gettext_lazy("简短的英文或拼音，如 HL"))
    admin_username = forms.CharField(label=gettext_lazy("管理员用户名"), max_length=150, initial="admin")
    admin_email = forms.EmailField(label=gettext_lazy("管理员邮箱"), required=False)
    password1 = forms.CharField(label=gettext_lazy("密码"), widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=gettext_lazy("再次输入密码"), widget=forms.PasswordInput(render_value=False))

    field_order = ["name", "code", "country", "currency", "time_zone", "language", "admin_username", "admin_email",
                   "password1", "password2"]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        target = {"password": "password1", "username": "admin_username", "email": "admin_email"}.get(field, field)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)


def first_run(request):
    """Create the company and its administrator; only while the database holds no company at all."""
    if Company.objects.exists():
        raise Http404
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _company, admin = services.company_setup(
                name=data["name"], code=data["code"], country=data["country"], currency=data["currency"],
                time_zone=data["time_zone"], language=data["language"], admin_username=data["admin_username"],
                admin_password=data["password1"], admin_email=data["admin_email"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            login(request, admin, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("公司已创建。下一步：导入门店、商品和销售数据。"))
            return redirect("imports:batch_list")
    return render(request, "core/first_run.html", {"form": form})


@login_required
def company_settings(request):
    """Edit the company's settings: company-wide users who may change organisation data."""
    user = request.user
    if not (user_can(user, "company_settings", "change") and user.has_company_scope and user.company_id):
        raise PermissionDenied
    company = Company.objects.get(pk=user.company_id)
    initial = {name: getattr(company, name) for name in services.COMPANY_FIELDS}
    form = CompanySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(actor=user, company=company, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("公司设置已保存。"))
            return redirect("core:company_settings")
    return render(request, "core/company_settings.html", {"form": form, "company": company})


class LoginView(auth_views.LoginView):
    """The sign-in page; on an empty database it leads to the first-run page instead."""

    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        if not Company.objects.exists():
            return redirect("core:first_run")
        return super().dispatch(request, *args, **kwargs)
