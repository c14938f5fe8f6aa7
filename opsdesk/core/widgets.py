"""Form widgets of the core app: selects that static/opsdesk/searchable.js turns into tom-select search boxes."""

from django import forms

SEARCHABLE_ATTRIBUTE = "data-searchable"


def mark_searchable(widget: forms.Widget) -> None:
    """Flag a select widget for searchable.js, keeping any class or flag the form already set.

    A form opts a select out with `attrs={"data-searchable": False}` (Django omits false attributes).
    """
    widget.attrs.setdefault("class", "form-select")
    widget.attrs.setdefault(SEARCHABLE_ATTRIBUTE, "1")


class SearchableSelect(forms.Select):
    """A single select with a type-to-filter search box (tom-select)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        mark_searchable(self)


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multiple select with a type-to-filter search box and a remove button on each chosen item (tom-select)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        mark_searchable(self)
