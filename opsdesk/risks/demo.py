"""The risk part of the demo company: the company defaults, a register of 30 risks across the five seed categories
(company, region and store risks) with controls, response actions and a review history, store-level KRIs, and
the indicators measured on the demo's own data at its last day. All in Chinese."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db import transaction

from opsdesk.core.models import Store, User
from opsdesk.risks import services
from opsdesk.risks.models import (
    Drill,
    EmergencyPlan,
    KeyRiskIndicator,
    Risk,
    RiskAction,
    RiskCategory,
    RiskControl,
    RiskReview,
)

# (category, title, cause, consequence, likelihood, impact, level: company/region/store, controls, actions)
# controls: (description, kind, effectiveness); actions: titles.
REGISTER = (
    ("FIN", "门店费用超预算", "能耗和人工成本上涨", "利润率下降", 4, 3, "region",
     [("月度预算复核", "preventive", "partial")], ["节能改造方案评估"]),
    ("FIN", "应收账款逾期（团购客户）", "大客户账期延长", "现金流紧张", 3, 3, "company",
     [("信用额度审批", "preventive", "effective")], []),
    ("FIN", "促销毛利侵蚀", "促销折扣过深、缺乏事后评估", "毛利率低于目标", 4, 3, "company",
     [("促销审批阈值", "preventive", "partial")], ["建立促销事后评估"]),
    ("FIN", "现金短款与收银差错", "收银流程不规范", "资金损失", 3, 2, "store",
     [("每日收银对账", "mitigating", "effective")], []),
    ("FIN", "库存损耗偏高", "生鲜报损和盗损", "毛利下降", 4, 3, "store",
     [("生鲜订货按预测", "preventive", "partial"), ("防损巡查", "preventive", "partial")], ["损耗周报"]),
    ("FIN", "供应商涨价", "原材料价格上涨", "采购成本上升", 3, 3, "company",
     [("年度合同锁价", "mitigating", "partial")], []),
    ("LEGAL", "食品经营许可证过期", "证照到期未及时续办", "停业整顿、罚款", 2, 5, "store",
     [("证照到期提醒", "preventive", "effective")], ["证照台账季度核对"]),
    ("LEGAL", "过期食品在售", "临期商品管理不到位", "监管处罚、舆情", 3, 5, "store",
     [("每日临期检查", "preventive", "partial")], ["临期商品下架流程培训"]),
    ("LEGAL", "劳动合同与用工合规", "临时工合同不完整", "劳动仲裁", 3, 3, "company",
     [("人事合同审查", "preventive", "partial")], []),
    ("LEGAL", "消防检查不合格", "通道堆货、灭火器过期", "停业整改", 3, 4, "store",
     [("月度消防自查", "preventive", "partial")], ["消防通道专项整改"]),
    ("LEGAL", "顾客个人信息泄露", "会员数据权限过宽", "监管处罚、声誉受损", 2, 4, "company",
     [("数据权限复核", "preventive", "partial")], []),
    ("LEGAL", "价格标签与结算价不一致", "调价未同步", "价格欺诈投诉与处罚", 3, 3, "region",
     [("调价双人复核", "preventive", "effective")], []),
    ("MARKET", "竞争对手新开店", "商圈内新开大型超市", "客流与销售下降", 4, 4, "region",
     [("竞争监测与会员活动", "mitigating", "partial")], ["商圈调研"]),
    ("MARKET", "销售低于去年同期", "消费降级、客单价下降", "目标无法达成", 3, 4, "company",
     [("月度经营分析", "mitigating", "partial")], []),
    ("MARKET", "缺货导致顾客流失", "补货不及时、预测偏差", "销售损失、满意度下降", 4, 3, "company",
     [("预测驱动补货", "preventive", "effective")], []),
    ("MARKET", "线上平台分流", "外卖与电商平台价格战", "到店客流下降", 4, 3, "company",
     [("到家业务合作", "mitigating", "partial")], []),
    ("MARKET", "新品上市失败", "选品与定位不准", "滞销库存", 3, 3, "company",
     [("新品试销评估", "preventive", "partial")], ["第三季度新品复盘"]),
    ("MARKET", "顾客投诉率上升", "服务态度与排队时间", "口碑下降", 3, 3, "region",
     [("服务态度培训", "preventive", "partial")], []),
    ("TECH", "收银系统宕机", "系统老化、单点故障", "无法结账、营业损失", 2, 5, "company",
     [("备用收银机与离线模式", "mitigating", "effective")], ["收银系统升级项目"]),
    ("TECH", "数据导入中断", "门店销售数据未按时上传", "报表与预测失真", 3, 3, "company",
     [("数据新鲜度监控", "preventive", "partial")], []),
    ("TECH", "网络安全事件", "弱口令、钓鱼邮件", "数据泄露、系统停用", 2, 5, "company",
     [("口令策略与登录锁定", "preventive", "effective"), ("安全意识培训", "preventive", "partial")], []),
    ("TECH", "冷链设备故障", "设备老化、缺乏预防性维护", "生鲜报损与食品安全", 3, 4, "store",
     [("温度监控与报警", "mitigating", "effective")], ["冷柜维保计划"]),
    ("TECH", "预测模型失效", "促销与节假日模式变化", "补货偏差", 2, 3, "company",
     [("预测准确率周报", "mitigating", "partial")], []),
    ("HR", "店长流失", "薪酬竞争力不足", "门店管理断层", 3, 4, "company",
     [("继任计划", "mitigating", "partial")], ["关键岗位继任梳理"]),
    ("HR", "一线员工离职率高", "排班强度大", "服务质量下降、招聘成本上升", 4, 3, "region",
     [("弹性排班", "preventive", "partial")], []),
    ("HR", "培训不到位", "新员工上岗培训不足", "操作失误与投诉", 3, 3, "company",
     [("季度培训计划", "preventive", "partial")], ["服务态度培训全覆盖"]),
    ("HR", "关键岗位招聘困难", "人才市场紧张", "新店开业延误", 3, 3, "company",
     [("内部推荐与储备干部", "mitigating", "partial")], []),
    ("HR", "员工工伤", "搬运与刀具操作不规范", "工伤赔偿与停工", 2, 4, "store",
     [("安全操作培训", "preventive", "partial")], []),
    ("HR", "劳动纠纷", "加班与工资结算争议", "仲裁与声誉影响", 2, 3, "company",
     [("考勤与工资核对", "preventive", "effective")], []),
    ("HR", "排班不合理导致高峰缺岗", "排班依赖经验", "排队时间长、投诉增加", 3, 3, "store",
     [("按客流预测排班", "preventive", "partial")], []),
)


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The risk register of the demo company (registered with core.demo.extensions)."""
    rng = np.random.default_rng([seed, 5150])
    with transaction.atomic():
        services.risks_seed(company)
        categories = {category.code: category for category in RiskCategory.objects.filter(company=company)}
        stores = list(Store.objects.filter(company=company).select_related("region").order_by("code"))
        regions = sorted({store.region for store in stores}, key=lambda region: region.code)
        coo = User.objects.filter(company=company, role="coo").first()
        owners = {level: list(User.objects.filter(company=company, role=role).order_by("username"))
                  for level, role in (("region", "regional_manager"), ("store", "store_manager"))}
        risks, controls, actions, reviews = [], 0, 0, 0
        for number, (category, title, cause, consequence, likelihood, impact, level, control_rows, action_rows) in \
                enumerate(REGISTER, start=1):
            store = stores[int(rng.integers(len(stores)))] if level == "store" else None
            region = store.region if store else regions[int(rng.integers(len(regions)))] if level == "region" else None
            owner = (owners["store"][0] if level == "store" and owners["store"] else
                     owners["region"][0] if level == "region" and owners["region"] else coo)
            if level == "store" and owners["store"]:
                store = next((s for s in stores if s.pk in set(owners["store"][0].scope_stores.values_list(
                    "pk", flat=True))), store)
                region = store.region
            reviewed = end_date - timedelta(days=int(rng.integers(20, 200)))
            risk = Risk(company=company, code=f"R{number:03d}", title=title, category=categories[category],
                        region=region, store=store, owner=owner, cause=cause, consequence=consequence,
                        likelihood=likelihood, impact=impact, is_published_to_stores=level == "company"
                        and category in ("LEGAL", "HR"), last_reviewed_on=reviewed)
            risk.save()
            earlier = reviewed - timedelta(days=90)
            RiskReview.objects.create(risk=risk, reviewed_on=earlier, reviewer=owner,
                                      likelihood=max(1, likelihood - int(rng.integers(0, 2))), impact=impact,
                                      residual_score=max(1, risk.residual_score - int(rng.integers(0, 4))),
                                      note="季度复核")
            for description, kind, effectiveness in control_rows:
                RiskControl.objects.create(risk=risk, description=description, kind=kind,
                                           effectiveness=effectiveness, owner=owner)
                controls += 1
            risk.refresh_from_db()
            RiskReview.objects.create(risk=risk, reviewed_on=reviewed, reviewer=owner, likelihood=likelihood,
                                      impact=impact, residual_score=risk.residual_score, note="季度复核")
            reviews += 2
            for offset, action_title in enumerate(action_rows):
                due = end_date + timedelta(days=int(rng.integers(-20, 45)) + offset * 7)
                RiskAction.objects.create(risk=risk, title=action_title, owner=owner, due_date=due)
                actions += 1
            risks.append(risk)
        by_category = {}
        for risk in risks:
            by_category.setdefault(risk.category.code, risk)
        for indicator in KeyRiskIndicator.objects.filter(company=company, risk__isnull=True):
            category = next((row[0] for row in services.SEED_INDICATORS if row[1] == indicator.kpi_code), None)
            indicator.risk = by_category.get(category)
            indicator.save(update_fields=["risk"])
        stockout_risk = next(risk for risk in risks if risk.title == "缺货导致顾客流失")
        store_indicators = [KeyRiskIndicator.objects.create(
            company=company, risk=stockout_risk, name=f"{store.code} 缺货率", kpi_code="inventory_stockout_rate",
            store=store, region=store.region, amber=3.0, red=6.0, window_days=28) for store in stores[:6]]
        incidents = _incidents(rng, company, stores, risks, end_date)
        plans, drills = _plans_and_drills(company, stores, coo, end_date)
        measured = services.kris_measure_all(today=end_date, company_id=company.pk)
    return {"risks": len(risks), "controls": controls, "actions": actions, "reviews": reviews,
            "store_indicators": len(store_indicators), "indicators_measured": measured, "incidents": incidents,
            "emergency_plans": plans, "drills": drills}


# (kind, severity, title, description, immediate actions, root cause or "" while open)
INCIDENTS = (
    ("customer_injury", "serious", "顾客在生鲜区滑倒", "拖地后未放置警示牌，顾客滑倒扭伤脚踝", "送医并联系家属",
     "清洁流程缺少警示牌步骤"),
    ("food_safety", "critical", "熟食检出过期原料", "顾客投诉熟食异味，排查发现过期调料", "下架同批次商品并封存", ""),
    ("theft", "moderate", "化妆品货架被盗", "监控发现两名可疑人员", "报警并调取监控", "高价商品未上防盗扣"),
    ("outage", "moderate", "冷柜停电两小时", "配电箱跳闸", "转移冷冻商品", "线路老化"),
    ("safety", "minor", "员工切伤手指", "分切肉类时未戴防割手套", "现场包扎", "防护用品未发放到位"),
    ("data", "moderate", "收银系统离线", "网络中断导致无法刷卡", "启用离线收银", ""),
    ("customer_injury", "minor", "购物车夹伤顾客手指", "购物车扶手破损", "现场处理", "购物车巡检不到位"),
    ("theft", "minor", "员工内盗嫌疑", "盘点差异异常", "调取监控", ""),
    ("safety", "serious", "消防通道被堆货阻塞", "消防检查发现通道堆放纸箱", "立即清理", "收货区空间不足"),
    ("outage", "minor", "电子价签批量失联", "基站故障", "人工核价", "设备固件缺陷"),
    ("food_safety", "moderate", "顾客投诉面包发霉", "保质期内出现霉点", "退款并下架", ""),
    ("other", "minor", "暴雨导致门口积水", "排水不畅", "放置防滑垫", "排水沟堵塞"),
)


def _incidents(rng, company, stores, risks, end_date: date) -> int:
    """A dozen incidents of the last quarter; the serious ones recorded as notified."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from opsdesk.risks.models import Incident

    zone = ZoneInfo(settings.TIME_ZONE)
    by_title = {risk.title: risk for risk in risks}
    links = {"food_safety": "过期食品在售", "outage": "冷链设备故障", "data": "收银系统宕机",
             "safety": "消防检查不合格", "customer_injury": "员工工伤", "theft": "库存损耗偏高"}
    rows = []
    for number, (kind, severity, title, description, immediate, root_cause) in enumerate(INCIDENTS, start=1):
        day = end_date - timedelta(days=int(rng.integers(1, 90)))
        occurred = datetime.combine(day, time(int(rng.integers(8, 21)), int(rng.integers(0, 60))), tzinfo=zone)
        closed = bool(root_cause)
        rows.append(Incident(
            company=company, store=stores[int(rng.integers(len(stores)))], number=f"INC-{day:%Y%m%d}-{number:03d}",
            kind=kind, severity=severity, title=title, description=description, occurred_at=occurred,
            immediate_actions=immediate, root_cause=root_cause, risk=by_title.get(links.get(kind, "")),
            status="closed" if closed else "investigating",
            closed_at=occurred + timedelta(days=3) if closed else None,
            notified_at=occurred + timedelta(minutes=5) if severity in ("serious", "critical") else None,
            notified_to="店长, 营运主管, 区域经理, 运营官" if severity in ("serious", "critical") else ""))
    Incident.objects.bulk_create(rows)
    return len(rows)


PLANS = (
    ("fire", "火灾应急预案", "店长：总指挥\n值班主管：疏散引导\n收银员：保护现金与报警",
     "发现火情立即拉响警报并拨打 119\n切断非消防电源\n按疏散路线引导顾客离店\n在集合点清点人数\n"
     "配合消防并上报区域经理"),
    ("power_outage", "停电应急预案", "店长：总指挥\n设备员：检查配电",
     "启用应急照明\n暂停收银并安抚顾客\n关闭冷柜门保持低温\n联系供电公司\n超过 2 小时转移冷冻商品"),
    ("food_recall", "食品安全召回预案", "店长：总指挥\n品控：核对批次",
     "接到召回通知后 30 分钟内下架\n封存并登记数量\n张贴召回公告\n受理顾客退货\n向供应商退回并留存记录"),
    ("system_outage", "系统故障应急预案", "店长：总指挥\n信息员：联系 IT",
     "切换离线收银模式\n手工记录交易\n联系 IT 服务台\n恢复后补录并核对"),
    ("extreme_weather", "极端天气应急预案", "店长：总指挥",
     "加固门头与招牌\n门口放置防滑垫与沙袋\n检查排水\n必要时提前闭店并通知区域经理"),
    ("public_health", "公共卫生事件应急预案", "店长：总指挥\n值班主管：防疫检查",
     "员工健康监测\n加强清洁消毒频次\n设置顾客测温与引导\n按通知调整营业时间"),
)


def _plans_and_drills(company, stores, coo, end_date: date) -> tuple[int, int]:
    """Company plans for the six scenarios, every store's copy of the fire and outage plans, and drills: two
    completed through the inspection runner (each with its next one scheduled), the next quarter scheduled, a few
    overdue."""
    templates = [EmergencyPlan.objects.create(company=company, scenario=scenario, title=title,
                                              roles=roles, steps=steps,
                                              contacts="区域经理 138-0000-0001\n消防 119\n急救 120")
                 for scenario, title, roles, steps in PLANS]
    copies = services.plan_copy_to_stores(actor=coo, plan=templates[0], stores=stores)
    copies += services.plan_copy_to_stores(actor=coo, plan=templates[1], stores=stores)
    drills = []
    for index, copy in enumerate(copies):
        offset = (index * 11) % 120 - 20  # a spread from 20 days ago to 100 days ahead
        drills.append(Drill.objects.create(company=company, store=copy.store, plan=copy,
                                           scheduled_for=end_date + timedelta(days=offset)))
    for drill in drills[:2]:
        _run_drill(coo, drill)  # closing a drill schedules the store's next one
    return len(templates) + len(copies), Drill.objects.filter(company=company).count()


def _run_drill(actor, drill: Drill) -> None:
    """Start a drill, pass every step but the last, complete the run and the drill."""
    from opsdesk.storeops.services.runs import answer_save, run_complete

    drill = services.drill_start(actor=actor, drill=drill)
    run = drill.run
    items = [item for section in run.template_version.sections.all() for item in section.items.all()]
    for position, item in enumerate(items):
        answer_save(actor=actor, run=run, item=item, data={"is_pass": position < len(items) - 1})
    run_complete(actor=actor, run=run, signed_by_name=actor.display_name)
    services.drill_complete(actor=actor, drill=drill, participants=12, findings="最后一步用时超出预期")
