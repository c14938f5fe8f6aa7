"""Forms of customer service's public pages: the store feedback form, the CSAT rating and a survey's answers."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsdesk.service import selectors
from opsdesk.service.choices import QuestionKindChoices, TicketTypeChoices
from opsdesk.storeops.images import process_upload

#: The name of the hidden field only bots fill in (a plausible name, so form-filling bots take the bait).
HONEYPOT_FIELD = "website"

RATING_CHOICES = [(str(value), str(value)) for value in range(1, 6)]
NPS_CHOICES = [(str(value), str(value)) for value in range(0, 11)]


class HoneypotMixin:
    """Adds the hidden honeypot field; `is_bot` tells whether it was filled."""

    def add_honeypot(self) -> None:
        self.fields[HONEYPOT_FIELD] = forms.CharField(required=False, max_length=200, widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1"}))

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())


class FeedbackForm(HoneypotMixin, forms.Form):
    """A customer's ticket from a store's public page (anonymous allowed; the photo is re-encoded on upload)."""

    type = forms.ChoiceField(label=_("类型"), choices=TicketTypeChoices.choices, initial=TicketTypeChoices.COMPLAINT,
                             widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    category = forms.ModelChoiceField(label=_("类别"), queryset=None, required=False, empty_label=_("（不确定）"),
                                      widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("标题"), max_length=200,
                            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    description = forms.CharField(label=_("详细说明"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}))
    rating = forms.TypedChoiceField(label=_("总体评分"), choices=RATING_CHOICES, coerce=int, required=False,
                                    empty_value=None, widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    customer_name = forms.CharField(label=_("称呼"), max_length=100, required=False,
                                    widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}))
    customer_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False, widget=forms.TextInput(
        attrs={"class": "form-control", "autocomplete": "tel", "inputmode": "tel"}))
    customer_email = forms.EmailField(label=_("电子邮件"), required=False, widget=forms.EmailInput(
        attrs={"class": "form-control", "autocomplete": "email"}))
    # A FileField, not an ImageField: the storeops validator decodes the bytes itself and re-encodes them.
    photo = forms.FileField(label=_("照片"), required=False, widget=forms.ClearableFileInput(
        attrs={"class": "form-control", "accept": "image/*"}))

    def __init__(self, *args, company_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.category_choices(company_id=company_id)
        self.add_honeypot()

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return process_upload(upload)

    def ticket_data(self) -> dict:
        """The cleaned values `services.public_ticket_create` takes (the photo goes separately)."""
        names = ("type", "category", "title", "description", "rating", "customer_name", "customer_phone",
                 "customer_email")
        return {name: self.cleaned_data[name] for name in names}


class CsatForm(forms.Form):
    """The customer's 1-5 rating of a handled ticket, with an optional comment."""

    score = forms.TypedChoiceField(label=_("满意度"), choices=RATING_CHOICES, coerce=int,
                                   widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    comment = forms.CharField(label=_("意见（选填）"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class SurveyForm(HoneypotMixin, forms.Form):
    """The answers to one survey: a field `q<question id>` per question, by the question's kind."""

    def __init__(self, *args, survey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _question_field(question)
        self.add_honeypot()

    def rows(self) -> list[tuple]:
        """(question, bound field) pairs in the survey's order, for the template."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict[int, str]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's per-question errors (keys `q<id>`) on their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _question_field(question) -> forms.Field:
    label, required = question.text, question.is_required
    if question.kind == QuestionKindChoices.RATING:
        return forms.ChoiceField(label=label, required=required, choices=RATING_CHOICES,
                                 widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    if question.kind == QuestionKindChoices.NPS:
        return forms.ChoiceField(label=label, required=required, choices=NPS_CHOICES,
                                 widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    if question.kind == QuestionKindChoices.CHOICE:
        return forms.ChoiceField(label=label, required=required,
                                 choices=[(choice, choice) for choice in question.choice_list],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
