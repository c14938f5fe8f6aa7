"""The risk part of the demo company: the company defaults, a register of 30 risks across the five seed categories
(company, region and store risks) with controls, response actions and a review history, store-level KRIs, and
the indicators measured on the demo's own data at its last day. All in Chinese."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db import transaction

from opsdesk.core.models import Store, User
from opsdesk.risks import services
from opsdesk.risks.models import KeyRiskIndicator, Risk, RiskAction, RiskCategory, RiskControl, RiskReview

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
        measured = services.kris_measure_all(today=end_date, company_id=company.pk)
    return {"risks": len(risks), "controls": controls, "actions": actions, "reviews": reviews,
            "store_indicators": len(store_indicators), "indicators_measured": measured}
