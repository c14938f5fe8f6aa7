"""Demo personal data of the employees (Chinese): a mobile number, an ID number with a valid check digit, a home
address in the store's city and a salary band from the position's level. Deterministic per company and employee
no; the demo employees themselves come from the core demo (opsdesk.core.demo).

Called by `opsdesk.people.demo.demo_builder` as `build(company, end_date)`.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

#: Area codes of the ID number (first six digits) by city; others get Shanghai's.
AREA_CODES = {"上海": "310104", "杭州": "330106", "南京": "320102", "苏州": "320505", "广州": "440106",
              "深圳": "440304", "北京": "110105", "成都": "510104", "武汉": "420106"}
STREETS = ("人民路", "中山路", "解放路", "建国路", "延安路", "淮海路", "长江路", "和平路", "文化路", "新华路")
COMPOUNDS = ("阳光花园", "锦绣苑", "翠湖小区", "东方家园", "金桂园", "幸福里", "滨江名苑", "梧桐公寓")
PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "158", "186", "187", "188", "177")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits."""
    return ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _personal(rng: random.Random, city: str, level: int, today: date) -> dict[str, str]:
    birth = date(today.year - rng.randint(20, 52), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{AREA_CODES.get(city, '310104')}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    city_name = city or "上海"
    return {
        "phone": f"{rng.choice(PREFIXES)}{rng.randint(0, 99_999_999):08d}",
        "id_number": first17 + id_check_digit(first17),
        "address": f"{city_name}市{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.choice(COMPOUNDS)}"
                   f"{rng.randint(1, 30)}栋{rng.randint(101, 2802)}室",
        "salary_band": f"P{max(level, 1)}-{rng.choice('ABC')}",
    }


def build(company, today: date) -> dict[str, int]:
    """Fill the personal fields of every employee of the company that has none yet."""
    from opsdesk.people.models import Employee

    employees = list(Employee.objects.filter(company=company, id_number="").select_related("store", "position"))
    for employee in employees:
        rng = random.Random(f"{company.code}:{employee.employee_no}")
        city = employee.store.city.removesuffix("市") if employee.store_id else "上海"
        level = employee.position.level if employee.position_id else 1
        for name, value in _personal(rng, city, level, today).items():
            setattr(employee, name, value)
    with transaction.atomic():
        Employee.objects.bulk_update(employees, ["phone", "id_number", "address", "salary_band"], batch_size=500)
    return {"personal_data": len(employees)}
