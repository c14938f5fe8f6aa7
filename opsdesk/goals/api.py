"""REST API of goals (/api/v1/goals/): the KPI library (read), the kit's operations on goals and the goals'
measurements (read). Out of scope answers 404."""

from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError

from opsdesk.core.extensions import kpis
from opsdesk.core.permissions import user_can
from opsdesk.goals import specs
from opsdesk.goals.models import AREA

router = Router(tags=["goals"])


class KpiOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    aggregation: str
    description: str


@router.get("/kpis/", response=list[KpiOut])
def kpi_list(request):
    """Every registered KPI: name, unit, direction (higher or lower is better) and its formula in plain words."""
    if not user_can(request.auth, AREA, "view"):
        raise HttpError(403, "Forbidden")
    english = (get_language() or "").startswith("en")
    return [KpiOut(code=d.code, name=d.name(), name_zh=d.name_zh, name_en=d.name_en, unit=d.unit,
                   direction=d.direction, aggregation=d.aggregation,
                   description=d.description_en if english else d.description_zh) for d in kpis().values()]


for _spec in specs.ALL:
    _spec.register_api(router)
