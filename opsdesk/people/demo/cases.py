"""Demo HR cases (Chinese): eight staff issues and disputes across the stores in the last months, with their
parties, steps and outcomes, owned by an HR user (else the administrator or the COO); some have the store's
manager added as a reader. Deterministic per company and day; no documents (files) are stored.

Called by `opsdesk.people.demo.demo_builder` as `build(company, end_date)`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

#: (type, title, description, days ago opened, status, steps (days after opening, text), outcome, add manager)
CASES = (
    ("dispute", "排班与加班费争议", "两名收银员对国庆期间的排班和加班费计算有异议，认为加班时长未足额计算。",
     75, "closed",
     ((1, "与两名员工分别面谈，收集排班表和打卡记录。"), (6, "与店长核对考勤，确认漏记 6 小时加班。"),
      (9, "财务补发加班费，向员工书面说明计算方法。")), "补发加班费，门店排班表改为提前两周公示。", True),
    ("grievance", "对绩效评分不公的申诉", "员工认为第三季度绩效评分未考虑其承担的额外盘点工作。", 40, "resolved",
     ((2, "调阅盘点记录和评分依据。"), (10, "组织员工、店长和督导三方沟通。")),
     "评分由 2 分调整为 3 分，评分依据补充盘点工作量。", True),
    ("misconduct", "收银差错与违规退款", "系统发现同一收银台一个月内 5 笔无小票退款，金额合计 1,860 元。",
     30, "investigating",
     ((1, "冻结相关收银账号的退款权限。"), (4, "调取监控并与当事人面谈，当事人承认未按流程操作。")), "", False),
    ("harassment", "同事间言语骚扰投诉", "一名理货员投诉同组同事多次在工作中发表不当言论。", 21, "investigating",
     ((1, "与投诉人面谈，记录事实经过，告知保密和不报复原则。"), (5, "与被投诉人面谈。")), "", False),
    ("safety", "仓库搬运受伤", "夜班理货员在仓库搬运饮料时扭伤腰部，送医检查后休息一周。", 55, "closed",
     ((0, "送医并通知家属，填写工伤报告。"), (3, "检查仓库搬运工具，发现推车轮损坏。"),
      (12, "更换推车，组织搬运安全培训。")),
     "按工伤处理，仓库增加两台液压搬运车。", True),
    ("performance", "新任主管试用期表现", "新任营运主管试用期内三次巡检得分低于 70 分。", 18, "open",
     ((2, "制定为期 30 天的改进计划，明确每周巡检目标。"),), "", True),
    ("dispute", "离职交接纠纷", "离职员工与门店对最后一个月工资和工服押金退还存在争议。", 95, "closed",
     ((3, "核对工资条与押金收据。"), (8, "退还押金并结清工资。")), "双方确认结清，签署离职交接确认书。", False),
    ("other", "员工家庭困难补助申请", "一名店员家人重病，申请困难补助并调整为白班。", 10, "open", (), "", False),
)


def _owner(company):
    from opsdesk.core.models import User

    for role in ("hr", "admin", "coo"):
        user = User.objects.filter(company=company, role=role, is_active=True).order_by("pk").first()
        if user is not None:
            return user
    return None


def build(company, today: date) -> dict[str, int]:
    """Create the demo cases once (a company that already has cases keeps them)."""
    from opsdesk.core.models import Store, User
    from opsdesk.people.models import Employee
    from opsdesk.people.models.cases import HrCase, HrCaseStep

    owner = _owner(company)
    stores = list(Store.objects.filter(company=company).order_by("code"))
    if owner is None or not stores or HrCase._base_manager.filter(company=company).exists():
        return {"cases": 0}
    rng = random.Random(f"{company.code}:cases:{today.isoformat()}")
    made = 0
    with transaction.atomic():
        for number, (kind, title, description, ago, status, steps, outcome, add_manager) in enumerate(CASES, 1):
            store = stores[rng.randrange(len(stores))]
            opened = today - timedelta(days=ago)
            staff = list(Employee.objects.filter(store=store, status="active").order_by("employee_no")[:20])
            case = HrCase.objects.create(
                company=company, store=store, number=f"HR{opened.year}-{number:04d}", case_type=kind, title=title,
                description=description, owner=owner, status=status, opened_on=opened, outcome=outcome,
                closed_on=opened + timedelta(days=steps[-1][0] + 1) if status in ("resolved", "closed") and steps
                else None, created_by=owner)
            if staff:
                case.parties.set(rng.sample(staff, k=min(len(staff), 2 if kind in ("dispute", "harassment") else 1)))
            HrCaseStep.objects.bulk_create([HrCaseStep(case=case, date=opened + timedelta(days=offset),
                                                       description=text, author=owner) for offset, text in steps])
            if add_manager:
                manager = User.objects.filter(company=company, role="store_manager", scope_stores=store).first()
                if manager is not None:
                    case.members.add(manager)
            made += 1
    return {"cases": made}
