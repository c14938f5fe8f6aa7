"""The seeded project templates (per company): a new store opening (40 tasks, about ten weeks on its critical path),
a store remodel and a promotion campaign. Rows: (code, name, duration in calendar days (0 = milestone),
predecessors "CODE" or "CODE+lag", estimate hours)."""

from __future__ import annotations

STORE_OPENING = (
    ("SITE", "选址评估与商圈调研", 5, "", 24),
    ("LEASE_NEG", "租约谈判", 7, "SITE", 16),
    ("LEASE", "签订租约", 0, "LEASE_NEG", 2),
    ("DESIGN", "门店设计与平面布局", 8, "LEASE", 40),
    ("BIZ_LIC", "办理营业执照", 7, "LEASE", 8),
    ("FOOD_LIC", "办理食品经营许可证", 20, "BIZ_LIC", 12),
    ("FIRE_REVIEW", "消防设计审查", 8, "DESIGN", 8),
    ("SIGN_PERMIT", "招牌与户外广告审批", 10, "DESIGN", 4),
    ("FIT_TENDER", "装修招标与定标", 5, "DESIGN", 16),
    ("FIT_OUT", "装修施工", 18, "FIT_TENDER+2, FIRE_REVIEW", 40),
    ("FIT_DONE", "装修完工", 0, "FIT_OUT", 0),
    ("FIRE_ACCEPT", "消防验收", 3, "FIT_DONE", 6),
    ("SIGNAGE", "招牌制作与安装", 6, "SIGN_PERMIT, FIT_OUT", 6),
    ("CLEAN", "开荒保洁", 2, "FIT_DONE", 16),
    ("EQUIP_SPEC", "确定设备清单", 3, "DESIGN", 8),
    ("EQUIP_PO", "设备采购下单", 2, "EQUIP_SPEC", 4),
    ("EQUIP_DELIVERY", "设备到货", 14, "EQUIP_PO", 2),
    ("EQUIP_INSTALL", "设备安装调试", 4, "EQUIP_DELIVERY, FIT_DONE", 24),
    ("POS", "收银系统与网络开通", 3, "FIT_DONE", 8),
    ("IT_SETUP", "门店系统账户配置", 1, "POS", 4),
    ("ORG", "确定人员编制与岗位", 3, "LEASE", 8),
    ("HIRE_MGR", "店长到岗", 14, "ORG", 16),
    ("HIRE_STAFF", "招聘店员", 21, "HIRE_MGR", 40),
    ("CONTRACTS", "签订劳动合同与入职", 2, "HIRE_STAFF", 8),
    ("HEALTH_CERT", "员工健康证办理", 7, "CONTRACTS", 4),
    ("TRAIN", "岗前培训", 7, "CONTRACTS", 56),
    ("TRAIN_POS", "收银与系统培训", 2, "TRAIN, IT_SETUP", 16),
    ("ASSORT", "商品规划与陈列图", 7, "DESIGN", 24),
    ("SUPPLIERS", "供应商建档与配送线路", 7, "ASSORT", 16),
    ("FIRST_ORDER", "首批订货", 2, "SUPPLIERS, EQUIP_INSTALL", 8),
    ("STOCK_IN", "首批商品到货验收", 3, "FIRST_ORDER+2", 24),
    ("MERCH", "陈列上架", 3, "STOCK_IN, TRAIN", 40),
    ("MKT_PLAN", "开业营销方案", 5, "LEASE+14", 16),
    ("MKT_MATERIALS", "宣传物料制作", 7, "MKT_PLAN", 8),
    ("MKT_LAUNCH", "开业预热推广", 7, "MKT_MATERIALS+21", 16),
    ("FOOD_CHECK", "开业前食品安全检查", 1, "MERCH, FOOD_LIC, HEALTH_CERT", 4),
    ("SOFT_OPEN", "试营业", 5, "FOOD_CHECK, FIRE_ACCEPT, TRAIN_POS, CLEAN, SIGNAGE", 80),
    ("SOFT_REVIEW", "试营业复盘与整改", 2, "SOFT_OPEN", 8),
    ("GRAND_OPEN", "正式开业", 0, "SOFT_REVIEW, MKT_LAUNCH", 0),
    ("HANDOVER", "移交日常运营", 3, "GRAND_OPEN", 8),
)

REMODEL = (
    ("SURVEY", "现状勘查与改造需求", 3, "", 16),
    ("DESIGN", "改造方案设计", 7, "SURVEY", 24),
    ("APPROVE", "方案审批", 0, "DESIGN", 2),
    ("TENDER", "施工招标", 5, "APPROVE", 8),
    ("NOTICE", "顾客公告与临时布局", 2, "APPROVE+3", 4),
    ("CLEAR", "清场与商品转移", 2, "TENDER, NOTICE", 16),
    ("WORKS", "改造施工", 14, "CLEAR", 40),
    ("EQUIP", "新设备安装", 3, "WORKS", 16),
    ("INSPECT", "消防与安全检查", 1, "EQUIP", 4),
    ("RESTOCK", "重新陈列上架", 2, "INSPECT", 24),
    ("REOPEN", "重新开业", 0, "RESTOCK", 0),
    ("REVIEW", "改造效果复盘", 2, "REOPEN+14", 8),
)

PROMOTION = (
    ("BRIEF", "活动目标与预算", 2, "", 8),
    ("ASSORT", "选品与价格方案", 5, "BRIEF", 16),
    ("SUPPLIER", "供应商费用与备货确认", 5, "ASSORT", 8),
    ("ORDER", "促销备货下单", 1, "SUPPLIER", 4),
    ("MATERIALS", "宣传物料设计制作", 7, "ASSORT", 16),
    ("PRICE_SETUP", "系统调价与促销设置", 1, "ORDER+5", 4),
    ("BRIEFING", "门店执行培训", 1, "MATERIALS, PRICE_SETUP", 8),
    ("LAUNCH", "活动上线", 0, "BRIEFING", 0),
    ("RUN", "活动执行", 14, "LAUNCH", 40),
    ("REVIEW", "活动效果复盘", 3, "RUN", 8),
)

#: (code, name, kind, description, rows)
TEMPLATES = (
    ("STORE_OPENING", "新店开业", "store_opening",
     "从选址、租约、证照、装修、设备、招聘培训、首批订货到试营业与正式开业。", STORE_OPENING),
    ("REMODEL", "门店改造", "remodel", "现有门店的改造：方案、施工、重新陈列与重新开业。", REMODEL),
    ("PROMOTION", "促销活动", "promotion", "一次促销活动：选品、备货、物料、系统设置、执行与复盘。", PROMOTION),
)
