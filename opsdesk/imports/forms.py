"""Forms of the imports app: upload, and the column mapping a user can correct."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsdesk.core.forms import bootstrap_widgets
from opsdesk.imports.kinds import CREATE_MISSING, DATE_FORMAT, KINDS, RETURN_PREFIX, KindSpec, creates_missing
from opsdesk.imports.models import MappingProfile
from opsdesk.imports.services import can_import

MAX_UPLOAD_BYTES = 500 * 1024 * 1024
ENCODINGS = [
    ("", _("自动识别")),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 (BOM)"),
    ("gb18030", "GBK / GB18030"),
    ("big5", "Big5"),
    ("latin-1", "Latin-1"),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"))
    file = forms.FileField(label=_("文件"), help_text=_("CSV、TSV、gzip 压缩的 CSV 或 Excel（xlsx）"))
    profile = forms.ModelChoiceField(
        label=_("映射方案"), queryset=MappingProfile.objects.none(), required=False, empty_label=_("按表头自动识别")
    )
    encoding = forms.ChoiceField(label=_("编码"), choices=ENCODINGS, required=False)
    dry_run = forms.BooleanField(label=_("试运行（只校验，不写入）"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(code, spec.label) for code, spec in KINDS.items() if can_import(user, code)]
        self.fields["profile"].queryset = MappingProfile.objects.for_user(user)
        bootstrap_widgets(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（上限 500 MiB）。"))
        return upload

    def clean(self):
        data = super().clean()
        profile = data.get("profile")
        if profile is not None and profile.kind != data.get("kind"):
            self.add_error("profile", _("该映射方案属于另一种导入类型。"))
        return data


class MappingForm(forms.Form):
    """One select per field (the file's columns) and one fixed value per field; optionally saved as a profile."""

    save_as = forms.CharField(
        label=_("另存为映射方案"), max_length=100, required=False, help_text=_("填写名称即可保存此映射，下次选择它即可")
    )
    source = forms.CharField(label=_("数据来源"), max_length=100, required=False)

    def __init__(self, *args, spec: KindSpec, header: list[str], mapping: dict, defaults: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        choices = [("", "—")] + [(column, column) for column in header]
        for field in spec.fields:
            self.fields[f"column_{field.name}"] = forms.ChoiceField(
                label=f"{field.label}{' *' if field.required else ''}",
                choices=choices,
                required=False,
                initial=mapping.get(field.name, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"default_{field.name}"] = forms.CharField(
                label=_("固定值"),
                required=False,
                initial=defaults.get(field.name, ""),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
        if RETURN_PREFIX in spec.options:
            self.fields["return_prefix"] = forms.CharField(
                label=_("退货发票前缀"), max_length=10, required=False, initial=defaults.get(RETURN_PREFIX, ""),
                help_text=_("发票号以此开头的行记为退货（如 Online Retail 的 C）；留空则只按退货列或负数量判断"))
        if any(field.parser in ("date", "datetime") for field in spec.fields):
            self.fields["date_format"] = forms.ChoiceField(
                label=_("日期格式"), required=False, initial=defaults.get(DATE_FORMAT, "auto"), choices=[
                    ("auto", _("自动识别（有歧义时会询问）")), ("ymd", _("年-月-日（2024-03-25、2024/3/25）")),
                    ("dmy", _("日/月/年（25/03/2024）")), ("mdy", _("月/日/年（03/25/2024）"))],
                help_text=_("文件中的日期写法；自动识别只在日期无歧义时成立"))
            self.fields["date_format"].widget.attrs["class"] = "form-select"
        if can_create_missing(spec):
            self.fields["create_missing"] = forms.BooleanField(
                label=_("创建缺失的主数据"), required=False, initial=creates_missing(defaults),
                help_text=_("文件中出现但尚未建档的门店、商品、区域、品类、供应商：按编码创建（试运行只列出）"))
            self.fields["create_missing"].widget.attrs["class"] = "form-check-input"
        for name in ("save_as", "source", "return_prefix"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control"

    def rows(self):
        """(spec field, column bound field, default bound field) for the template."""
        return [(field, self[f"column_{field.name}"], self[f"default_{field.name}"]) for field in self.spec.fields]

    def mapping(self) -> dict:
        return {
            f.name: self.cleaned_data[f"column_{f.name}"]
            for f in self.spec.fields
            if self.cleaned_data[f"column_{f.name}"]
        }

    def defaults(self) -> dict:
        values = {
            f.name: self.cleaned_data[f"default_{f.name}"].strip()
            for f in self.spec.fields
            if self.cleaned_data[f"default_{f.name}"].strip()
        }
        if self.cleaned_data.get("date_format") not in (None, "", "auto"):
            values[DATE_FORMAT] = self.cleaned_data["date_format"]
        if self.cleaned_data.get("return_prefix", "").strip():
            values[RETURN_PREFIX] = self.cleaned_data["return_prefix"].strip()
        if self.cleaned_data.get("create_missing"):
            values[CREATE_MISSING] = "1"
        return values


def can_create_missing(spec: KindSpec) -> bool:
    """Kinds whose files may name masters that can be created: stores (regions), products (categories, suppliers),
    and the table-written fact kinds with a store or product column."""
    if spec.code in ("stores", "products"):
        return True
    return spec.writer is None and not spec.is_master and any(f.parser in ("store", "sku") for f in spec.fields)
