"""The preloaded operations ladder and skill families: exact structure, and a second run changes nothing."""

import pytest

from opsdesk.people.models import Position
from opsdesk.people.models.skills import PositionSkill, Skill, SkillFamily
from opsdesk.people.services.skills import ladder_seed

pytestmark = pytest.mark.django_db


def test_ladder_seed_creates_the_seed_ladder(org):
    # when
    created = ladder_seed(company=org.company)
    # then
    assert created == {"families": 9, "skills": 28, "positions": 5, "requirements": 16}
    assert list(SkillFamily.objects.filter(company=org.company).order_by("pk").values_list("name", flat=True)) == [
        "运营管理", "数据分析", "团队管理", "客户关系", "财务知识", "风险防控", "应变能力", "行业知识", "项目管理"]
    chain, position = [], Position.objects.get(company=org.company, code="OPS-ASSISTANT")
    while position is not None:
        chain.append(position.name)
        position = position.next_position
    assert chain == ["运营助理", "运营主管", "运营经理", "运营总监", "首席运营官"]
    requirements = {
        name: sorted((row.skill.name, row.required_level)
                     for row in PositionSkill.objects.filter(position__company=org.company, position__name=name))
        for name in chain}
    assert requirements == {
        "运营助理": [("数据报表", 2), ("运营执行", 2)],
        "运营主管": [("团队管理", 3), ("流程优化", 3)],
        "运营经理": [("团队管理", 4), ("战略规划", 3), ("流程优化", 4), ("财务分析", 3)],
        "运营总监": [("业务发展", 3), ("战略规划", 4), ("组织领导", 3), ("财务分析", 4)],
        "首席运营官": [("业务发展", 4), ("市场洞察", 4), ("组织领导", 4), ("高级决策制定", 4)],
    }
    families = dict(Skill.objects.filter(company=org.company, name__in=[
        "团队管理", "流程优化", "战略规划", "财务分析", "组织领导", "业务发展", "高级决策制定", "市场洞察"])
        .values_list("name", "family__name"))
    assert families == {"团队管理": "团队管理", "流程优化": "运营管理", "战略规划": "运营管理", "财务分析": "财务知识",
                        "组织领导": "团队管理", "业务发展": "行业知识", "高级决策制定": "应变能力",
                        "市场洞察": "数据分析"}
    assert list(Position.objects.filter(company=org.company, track="ops_management", is_key=True)
                .order_by("level").values_list("name", flat=True)) == ["运营经理", "运营总监", "首席运营官"]


def test_ladder_seed_is_idempotent_and_keeps_edits(org):
    # given
    ladder_seed(company=org.company)
    Position.objects.filter(company=org.company, code="OPS-MANAGER").update(name="运营经理（改）")
    counts = (SkillFamily.objects.count(), Skill.objects.count(), Position.objects.count(),
              PositionSkill.objects.count())
    # when
    created = ladder_seed(company=org.company)
    # then
    assert created == {"families": 0, "skills": 0, "positions": 0, "requirements": 0}
    assert (SkillFamily.objects.count(), Skill.objects.count(), Position.objects.count(),
            PositionSkill.objects.count()) == counts
    assert Position.objects.get(company=org.company, code="OPS-MANAGER").name == "运营经理（改）"


def test_ladder_seed_per_company(org):
    # when
    ladder_seed(company=org.company)
    ladder_seed(company=org.other_company)
    # then
    assert Skill.objects.filter(company=org.other_company).count() == 28
    assert PositionSkill.objects.filter(position__company=org.other_company).count() == 16


def test_a_new_company_gets_the_ladder():
    from opsdesk.core.services import company_setup

    # when: `opsdesk init` / the first-run page create a company
    company, _admin = company_setup(name="新公司", code="NEWCO", country="CN", currency="CNY",
                                    time_zone="Asia/Shanghai", language="zh-hans", admin_username="newco-admin",
                                    admin_password="a-Long-pass-2026!")
    # then
    assert Position.objects.filter(company=company, code__startswith="OPS-").count() == 5
    assert Skill.objects.filter(company=company).count() == 28
