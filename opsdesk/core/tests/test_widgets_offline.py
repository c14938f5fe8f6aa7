"""Searchable selects (tom-select) and offline pages: every asset a signed-in page loads is served by OpsDesk."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from opsdesk.core import specs
from opsdesk.core.forms import bootstrap_widgets
from opsdesk.core.models import Region
from opsdesk.core.widgets import SearchableSelect, SearchableSelectMultiple

TOM_SELECT_DIR = Path(settings.PACKAGE_DIR) / "static" / "vendor" / "tom-select"
TOM_SELECT_JS = "vendor/tom-select/tom-select.complete.min.js"
TOM_SELECT_CSS = "vendor/tom-select/tom-select.bootstrap5.min.css"
SEARCHABLE_JS = "opsdesk/searchable.js"
API_DOCS = reverse("api-1.0.0:openapi-view")


class _AssetLinks(HTMLParser):
    """Every src= and href= value of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links.extend(value for name, value in attrs if name in {"src", "href"} and value is not None)


def _links(html: str) -> list[str]:
    parser = _AssetLinks()
    parser.feed(html)
    return parser.links


def _remote_links(html: str, host: str) -> list[str]:
    """Links that leave the server: absolute or protocol-relative URLs to another host."""
    remote = []
    for link in _links(html):
        lowered = link.strip().lower()
        if not lowered.startswith(("http://", "https://", "//")):
            continue
        if lowered.split("//", 1)[1].split("/", 1)[0] != host.lower():
            remote.append(link)
    return remote


class _RegionsForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none())
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.none())
    ticked = forms.ModelMultipleChoiceField(queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple)
    radio = forms.ModelChoiceField(queryset=Region.objects.none(), widget=forms.RadioSelect)
    hidden = forms.ModelChoiceField(queryset=Region.objects.none(), widget=forms.HiddenInput)
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


@pytest.fixture
def coo_client(client, org):
    client.force_login(org.users["coo"])
    return client


def test_bootstrap_widgets_marks_only_model_drop_downs_searchable():
    # given
    form = _RegionsForm()
    # when
    attrs = {name: field.widget.attrs for name, field in form.fields.items()}
    # then
    assert attrs == {
        "region": {"class": "form-select", "data-searchable": "1"},
        "regions": {"class": "form-select", "data-searchable": "1"},
        "ticked": {"class": "form-control"},
        "radio": {"class": "form-control"},
        "hidden": {"class": "form-control"},
        "colour": {"class": "form-select"},
    }


def test_a_model_choice_renders_a_searchable_select_and_check_boxes_do_not(org):
    # given
    store_form = specs.store.get_form_class()(user=org.users["coo"])
    regions_form = _RegionsForm()
    regions_form.fields["ticked"].queryset = Region.objects.filter(pk__in=[org.region_a.pk, org.region_b.pk])
    # when
    region_html = str(store_form["region"])
    checkbox_html = str(regions_form["ticked"])
    # then
    assert region_html.startswith('<select name="region" class="form-select" data-searchable="1"')
    assert checkbox_html.count('type="checkbox"') == 2
    assert "data-searchable" not in checkbox_html


def test_a_form_can_keep_a_model_select_plain():
    # given: the form turns the flag off on its widget
    class PlainForm(forms.Form):
        region = forms.ModelChoiceField(
            queryset=Region.objects.none(), widget=forms.Select(attrs={"data-searchable": False})
        )

    form = PlainForm()
    # when
    bootstrap_widgets(form)
    # then
    assert form.fields["region"].widget.attrs == {"data-searchable": False, "class": "form-select"}
    assert str(form["region"]).startswith('<select name="region" class="form-select" required id="id_region">')


@pytest.mark.parametrize("widget_class", [SearchableSelect, SearchableSelectMultiple])
def test_searchable_widgets_render_the_flag_and_the_bootstrap_class(widget_class):
    # given
    widget = widget_class(choices=[("1", "One")])
    # when
    html = widget.render("pick", None)
    # then
    assert widget.attrs == {"class": "form-select", "data-searchable": "1"}
    assert html.startswith('<select name="pick" class="form-select" data-searchable="1"')


def test_searchable_widgets_keep_the_attributes_they_are_given():
    # given / when
    widget = SearchableSelect(attrs={"class": "form-select form-select-sm", "id": "sku"})
    # then
    assert widget.attrs == {"class": "form-select form-select-sm", "id": "sku", "data-searchable": "1"}


def test_a_signed_in_page_loads_tom_select_and_searchable_js_from_static(coo_client):
    # given
    url = reverse("core:store_add")
    # when
    response = coo_client.get(url)
    links = _links(response.content.decode())
    # then
    assert response.status_code == 200
    assert [link for link in links if "tom-select" in link or "searchable" in link] == [
        static(TOM_SELECT_CSS),
        static(TOM_SELECT_JS),
        static(SEARCHABLE_JS),
    ]
    assert links.index(static(SEARCHABLE_JS)) == links.index(static("opsdesk/opsdesk.js")) - 1
    assert 'data-searchable="1"' in response.content.decode()


def test_tom_select_is_vendored_with_its_licence():
    # given
    expected = {
        "LICENSE",
        "README.txt",
        "tom-select.bootstrap5.min.css",
        "tom-select.bootstrap5.min.css.map",
        "tom-select.complete.min.js",
        "tom-select.complete.min.js.map",
    }
    # when
    names = {path.name for path in TOM_SELECT_DIR.iterdir()}
    licence = (TOM_SELECT_DIR / "LICENSE").read_text()
    readme = (TOM_SELECT_DIR / "README.txt").read_text()
    # then
    assert names == expected
    assert "Apache License" in licence
    assert "Version 2.0, January 2004" in licence
    assert readme.startswith("tom-select 2.6.2 ")
    assert "npm pack tom-select@2.6.2" in readme
    assert (TOM_SELECT_DIR / "tom-select.complete.min.js").read_text().startswith("/**\n* Tom Select v2.6.2\n")
    assert finders.find(TOM_SELECT_JS) == str(TOM_SELECT_DIR / "tom-select.complete.min.js")
    assert finders.find(TOM_SELECT_CSS) == str(TOM_SELECT_DIR / "tom-select.bootstrap5.min.css")
    assert finders.find(SEARCHABLE_JS) == str(Path(settings.PACKAGE_DIR) / "static" / SEARCHABLE_JS)


def test_the_api_docs_serve_swagger_ui_from_local_static_files(coo_client):
    # given: django-ninja ships Swagger UI and uses it instead of the CDN when "ninja" is an installed app
    assets = [
        "ninja/swagger-ui.css",
        "ninja/favicon.svg",
        "ninja/favicon.png",
        "ninja/swagger-ui-bundle.js",
        "ninja/swagger-ui-init.js",
    ]
    # when
    response = coo_client.get(API_DOCS)
    # then
    assert response.status_code == 200
    assert _links(response.content.decode()) == [static(asset) for asset in assets]
    assert [asset for asset in assets if finders.find(asset) is None] == []


@pytest.mark.parametrize(
    "url",
    [
        reverse("core:home"),
        API_DOCS,
        reverse("core:store_list"),
        reverse("core:store_add"),
        reverse("core:user_add"),
    ],
)
def test_no_signed_in_page_references_a_remote_asset(client, org, url):
    # given
    client.force_login(org.users["admin"])
    # when
    response = client.get(url)
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert _links(html) != []
    assert _remote_links(html, response.wsgi_request.get_host()) == []
