"""Permission-matrix routes of a kit spec: the five pages and the five REST operations from one object factory
and one valid payload (form data; the API gets the same values as JSON)."""

from __future__ import annotations

from opsdesk.core.testing.matrix import DataBuilder, ObjectBuilder, Route


def spec_routes(spec, make_object: ObjectBuilder, post_data: DataBuilder | None = None, *,
                api_prefix: str | None = None, api_data: DataBuilder | None = None) -> list[Route]:
    """The matrix routes of `spec`; `api_prefix` is the app's API mount ("/api/v1/<app label>")."""
    area, model = spec.area, spec.model
    prefix = api_prefix if api_prefix is not None else f"/api/v1/{spec.namespace}"
    collection, item = f"{prefix}{spec.api_path}", f"{prefix}{spec.api_path}{{object_id}}/"
    json_data = api_data or _as_json(spec, post_data)
    if spec.read_only:
        return [Route(spec.url_name("list"), "list", area=area, make_object=make_object),
                Route(spec.url_name("detail"), "detail", area=area, make_object=make_object),
                Route(f"GET {collection}", "api-list", area=area, make_object=make_object),
                Route(f"GET {item}", "api-detail", area=area, make_object=make_object)]
    return [
        Route(spec.url_name("list"), "list", area=area, make_object=make_object),
        Route(spec.url_name("add"), "add", area=area, post_data=post_data, model=model),
        Route(spec.url_name("detail"), "detail", area=area, make_object=make_object),
        Route(spec.url_name("edit"), "edit", area=area, make_object=make_object, post_data=post_data),
        Route(spec.url_name("delete"), "delete", area=area, make_object=make_object),
        Route(f"GET {collection}", "api-list", area=area, make_object=make_object),
        Route(f"POST {collection}", "api-write", area=area, action="add", post_data=json_data, model=model,
              post_status=201),
        Route(f"GET {item}", "api-detail", area=area, make_object=make_object),
        Route(f"PATCH {item}", "api-write", area=area, action="change", make_object=make_object,
              post_data=json_data),
        Route(f"DELETE {item}", "api-write", area=area, action="delete", make_object=make_object, post_status=204),
    ]


def _as_json(spec, post_data: DataBuilder) -> DataBuilder:
    """The form payload as the API's JSON body: relations as `<name>_id`, blanks left out, check boxes true."""

    def build(org, user, obj):
        body = {}
        for name, value in post_data(org, user, obj).items():
            if value == "":
                continue
            field = spec.model._meta.get_field(name)
            key = f"{name}_id" if field.many_to_one else name
            body[key] = True if value == "on" else value
        return body

    return build
