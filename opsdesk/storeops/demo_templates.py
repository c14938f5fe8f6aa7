"""The demo checklist templates (Chinese and English), as specs for `services.template_build`."""

from decimal import Decimal

PASS = "pass_fail"


def _i(code, text, kind=PASS, topic="general", weight=1, **extra):
    return {"code": code, "text": text, "kind": kind, "topic": topic, "weight": Decimal(str(weight)), **extra}


DAILY_PATROL = {
    "code": "PATROL", "name": "门店日常巡检表", "pass_threshold": 85,
    "description": "营运主管巡店用：卫生、陈列、价签、库存、设备、仪容仪表与服务。",
    "sections": [
        {"title": "卫生清洁", "items": [
            _i("CLN-FLOOR", "地面干净无水渍、无垃圾", topic="cleanliness"),
            _i("CLN-SHELF", "货架与冷柜内壁清洁", topic="cleanliness"),
            _i("CLN-TOILET", "卫生间整洁、有洗手液与纸巾", kind="score", topic="cleanliness", pass_score=3),
        ]},
        {"title": "陈列与价签", "items": [
            _i("DSP-FACE", "商品陈列饱满、排面整齐", kind="score", topic="display", weight=2),
            _i("DSP-PROMO", "促销堆头与海报符合当期方案", topic="display"),
            _i("PRC-TAG", "价签齐全、与系统价格一致", topic="price_tags", weight=2, is_critical=True),
        ]},
        {"title": "货架与库存", "items": [
            _i("STK-GAP", "主力商品货架无空缺（无明显缺货）", topic="stock_on_shelf", weight=2),
            _i("STK-EXP", "临期商品已按规定处理", topic="food_safety", weight=2, is_critical=True),
        ]},
        {"title": "设备", "items": [
            _i("EQP-FRIDGE", "冷藏柜温度", kind="number", topic="equipment", min_value=Decimal("0"),
               max_value=Decimal("5"), unit="°C"),
            _i("EQP-POS", "收银设备运行正常", topic="equipment"),
        ]},
        {"title": "员工与服务", "items": [
            _i("GRM-UNIFORM", "员工仪容仪表（工服、工牌、发型）符合标准", topic="grooming"),
            _i("SVC-GREET", "员工主动问候、礼貌服务", kind="score", topic="service", weight=2, pass_score=3),
            _i("SVC-QUEUE", "收银排队情况", kind="choice", topic="service", options=[
                {"label": "无排队", "passes": True}, {"label": "少于 3 人", "passes": True},
                {"label": "超过 3 人未开新收银台", "passes": False}]),
        ]},
        {"title": "记录", "items": [
            _i("PHO-FRONT", "门头与入口照片", kind="photo", weight=0),
            _i("NOTE", "其他情况说明", kind="note", weight=0),
        ]},
    ],
}

FOOD_SAFETY = {
    "code": "FOOD", "name": "食品安全检查", "pass_threshold": 90,
    "sections": [
        {"title": "储存与温度", "items": [
            _i("FS-COLD", "冷藏区温度", kind="number", topic="food_safety", weight=2, is_critical=True,
               min_value=Decimal("0"), max_value=Decimal("4"), unit="°C"),
            _i("FS-FREEZE", "冷冻区温度", kind="number", topic="food_safety", weight=2, max_value=Decimal("-18"),
               unit="°C"),
            _i("FS-EXPIRED", "货架无过期食品", topic="food_safety", weight=3, is_critical=True),
        ]},
        {"title": "操作规范", "items": [
            _i("FS-RAWCOOK", "生熟分开存放、分区标识清楚", topic="food_safety", weight=2),
            _i("FS-HEALTH", "在岗员工健康证齐全有效", topic="food_safety", weight=2),
            _i("FS-PEST", "虫害情况", kind="choice", topic="food_safety", weight=2, options=[
                {"label": "未发现", "passes": True}, {"label": "发现少量痕迹", "passes": False},
                {"label": "发现活体", "passes": False}]),
        ]},
    ],
}

FIRE_SAFETY = {
    "code": "FIRE", "name": "消防安全月检", "pass_threshold": 90,
    "sections": [
        {"title": "消防设施", "items": [
            _i("FIRE-EXT", "灭火器压力正常、在检验有效期内", topic="fire_safety", weight=2, is_critical=True,
               is_photo_required=False),
            _i("FIRE-LIGHT", "应急照明与疏散指示灯完好", topic="fire_safety"),
            _i("FIRE-HYDRANT", "消火栓箱完好、无遮挡", topic="fire_safety"),
        ]},
        {"title": "通道与管理", "items": [
            _i("FIRE-EXIT", "安全出口与疏散通道畅通", topic="fire_safety", weight=3, is_critical=True),
            _i("FIRE-ELEC", "无私拉乱接电线", topic="fire_safety", weight=2),
            _i("FIRE-DRILL", "本季度消防培训/演练记录", kind="choice", topic="fire_safety", options=[
                {"label": "已完成并有记录", "passes": True}, {"label": "已完成无记录", "passes": False},
                {"label": "未完成", "passes": False}]),
        ]},
    ],
}

OPENING = {
    "code": "OPEN", "name": "Opening checklist", "language": "en", "pass_threshold": 80,
    "sections": [{"title": "Before doors open", "items": [
        _i("OPN-LIGHTS", "Lights, music and air conditioning on", topic="equipment"),
        _i("OPN-FLOAT", "Till float counted", kind="number", min_value=Decimal("500"), max_value=Decimal("500"),
           unit="CNY"),
        _i("OPN-FRESH", "Fresh produce displayed and culled", kind="score", topic="display", weight=2),
        _i("OPN-BRIEF", "Morning briefing held with the team", topic="service"),
        _i("OPN-DOORS", "Doors opened on time", weight=2, is_critical=True),
    ]}],
}

CLOSING = {
    "code": "CLOSE", "name": "Closing checklist", "language": "en", "pass_threshold": 80,
    "sections": [{"title": "After closing", "items": [
        _i("CLS-CASH", "Cash counted and locked in the safe", weight=2, is_critical=True),
        _i("CLS-FRIDGE", "Fridge and freezer doors closed, blinds down", topic="equipment"),
        _i("CLS-WASTE", "Waste removed and bins cleaned", topic="cleanliness"),
        _i("CLS-ALARM", "Alarm set and doors locked", weight=2, is_critical=True),
        _i("CLS-NOTE", "Handover notes for the morning shift", kind="note", weight=0),
    ]}],
}

DEMO_TEMPLATES = [DAILY_PATROL, FOOD_SAFETY, FIRE_SAFETY, OPENING, CLOSING]
