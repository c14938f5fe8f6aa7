"""Demo data of customer service: categories and SLA targets, business hours, feedback links, the NPS survey, a
year of tickets in Chinese (more complaints where inspections score low), their contact logs, CSAT answers and
monthly NPS responses. Deterministic for a seed (a NumPy Generator; link and CSAT tokens stay random on purpose:
they must not be guessable from a public seed); bulk writes keep it to a few seconds.

SLA times are drawn as fractions of each target in business time and placed on the store's own calendar with the
engine's `add_business_seconds`, so the breach flags agree with what the ticket page computes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Avg

from opsdesk.core.bulk import bulk_insert
from opsdesk.core.choices import RoleChoices, StoreFormatChoices
from opsdesk.core.models import Store, User
from opsdesk.engine.sla import BusinessCalendar, SlaStatus, add_business_seconds, sla_status
from opsdesk.service import services
from opsdesk.service.choices import (
    CompensationChoices,
    EventKindChoices,
    QuestionKindChoices,
    TicketChannelChoices,
    TicketPriorityChoices,
    TicketStatusChoices,
    TicketTypeChoices,
)
from opsdesk.service.models import (
    BusinessHours,
    CsatRequest,
    FeedbackLink,
    SlaTarget,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Ticket,
    TicketCategory,
    TicketEvent,
    TicketPause,
)

S = TicketStatusChoices
MONTHS = 12
#: Inspection score of a store without completed runs.
DEFAULT_SCORE = 85.0
#: Per category: (title, description) pairs a customer might write.
COMPLAINTS = {
    "product_quality": [
        ("商品过期", "在货架上买到的酸奶已经过期两天，回家才发现。"),
        ("面包发霉", "昨天买的吐司今天打开就有霉点，保质期还没到。"),
        ("水果不新鲜", "称好的苹果回家发现里面烂了好几个。"),
        ("冷冻食品化冻", "冷冻水饺买回家已经粘在一起，怀疑冷柜温度不够。"),
        ("包装破损", "买的大米包装袋破了，撒了一路。"),
        ("牛奶变质", "纯牛奶打开有结块，味道发酸。"),
    ],
    "service_attitude": [
        ("店员态度冷淡", "询问商品位置时店员头也不抬，只说自己找。"),
        ("收银员不耐烦", "付款时多问了一句优惠，收银员语气很冲。"),
        ("保安态度粗鲁", "出门时被保安大声要求检查小票，感觉很不被尊重。"),
        ("退货被推诿", "按规定可以退货，但店员一直推给别人处理。"),
    ],
    "hygiene": [
        ("地面湿滑", "生鲜区地面有水没有警示牌，差点滑倒。"),
        ("熟食区卫生差", "熟食柜台有苍蝇，工作人员没有戴手套。"),
        ("卫生间脏乱", "顾客卫生间很久没人打扫，气味很大。"),
        ("购物车脏", "购物车把手黏糊糊的，没有消毒。"),
    ],
    "price": [
        ("价签与结算不符", "货架标价 12.9 元，结账却收了 15.9 元。"),
        ("促销价未生效", "海报写着第二件半价，结账时没有优惠。"),
        ("会员价没有打折", "出示了会员码，但商品没有按会员价结算。"),
    ],
    "waiting_time": [
        ("收银排队太久", "晚上只开了两个收银台，排队等了二十多分钟。"),
        ("生鲜称重排队", "称重台只有一个人，排队很久。"),
        ("配送超时", "线上下单说一小时送达，结果等了三个小时。"),
    ],
    "other": [
        ("停车不便", "停车场指示不清楚，找车位花了很久。"),
        ("广播声音太大", "店内广播音量太大，很吵。"),
        ("缺货", "常买的那款酱油已经缺货一周了。"),
    ],
}
PRAISES = [("店员服务热情", "店员主动帮我把东西搬到车上，非常感谢！"),
           ("收银员很细心", "收银员发现我多拿了一件，主动提醒，很诚信。"),
           ("环境干净整洁", "店里很干净，商品摆放整齐，购物很舒服。"),
           ("帮忙找到失物", "钱包落在购物车里，店员帮我找回来了。")]
SUGGESTIONS = [("建议增加自助收银", "高峰期排队多，希望多几台自助收银机。"),
               ("希望延长营业时间", "下班比较晚，希望能营业到十一点。"),
               ("建议增加有机蔬菜", "希望能多一些有机蔬菜的品种。")]
INQUIRIES = [("会员积分怎么兑换", "想问一下会员积分可以兑换哪些礼品。"),
             ("是否提供送货上门", "买得比较多，请问能否送货上门？"),
             ("发票怎么开", "请问购物后怎样开具电子发票？")]
RESOLUTIONS = {
    "product_quality": "已为顾客全额退款并致歉，下架同批次商品并通知供应商。",
    "service_attitude": "已向顾客致歉，对当班员工进行服务培训。",
    "hygiene": "已安排保洁整改并放置警示牌，店长每日复查。",
    "price": "已退还差价，核对并更新全店价签。",
    "waiting_time": "已调整高峰时段收银排班，增开收银台。",
    "other": "已记录并回复顾客，相关部门跟进处理。",
}
NPS_REASONS = {
    "promoter": ["商品新鲜，店员热情", "离家近，购物方便", "环境干净，价格实惠", "会员活动多，很划算"],
    "passive": ["总体还可以", "价格一般，品种还行", "偶尔缺货", "排队有点久"],
    "detractor": ["排队太久", "店员态度不好", "生鲜不新鲜", "价格偏贵", "卫生需要改进"],
}
CSAT_COMMENTS = {5: "处理很及时，谢谢！", 4: "满意", 3: "还行", 2: "处理太慢了", 1: "问题没有真正解决"}
COMPLAINT_MIX = np.array([0.30, 0.22, 0.15, 0.10, 0.16, 0.07])  # by COMPLAINTS order
CHANNELS = [TicketChannelChoices.QR, TicketChannelChoices.HOTLINE, TicketChannelChoices.COUNTER,
            TicketChannelChoices.ONLINE_REVIEW, TicketChannelChoices.EMAIL]
CHANNEL_MIX = np.array([0.35, 0.25, 0.25, 0.10, 0.05])
PRIORITIES = [TicketPriorityChoices.LOW, TicketPriorityChoices.MEDIUM, TicketPriorityChoices.HIGH,
              TicketPriorityChoices.URGENT]
PRIORITY_MIX = np.array([0.20, 0.55, 0.20, 0.05])
COMPENSATIONS = [CompensationChoices.REFUND, CompensationChoices.VOUCHER, CompensationChoices.GIFT,
                 CompensationChoices.REPLACEMENT]


@dataclass
class _StoreContext:
    store: Store
    calendar: BusinessCalendar
    score: float
    owner_id: int | None


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The customer-service part of the demo company (registered with core.demo.extensions)."""
    rng = np.random.default_rng([seed, 7041])  # its own stream: other builders' draws do not shift it
    tz = ZoneInfo(settings.TIME_ZONE)
    with transaction.atomic():
        services.company_defaults_ensure(company.pk)
        stores = list(Store.objects.filter(company=company, status="open").select_related("region").order_by("code"))
        hours = _business_hours(stores)
        contexts = _contexts(company, stores, tz)
        links = FeedbackLink.objects.bulk_create(
            [FeedbackLink(store=store, token=secrets.token_urlsafe(24)) for store in stores
             if not FeedbackLink.objects.filter(store=store).exists()])
        survey, questions = _survey(company, end_date)
        tickets = _tickets(rng, company, contexts, end_date, tz)
        events, csat = _logs_and_csat(rng, tickets)
        responses, answers = _nps(rng, survey, questions, contexts, end_date, tz)
    return {"business_hours": len(hours), "feedback_links": len(links), "surveys": 1, "tickets": len(tickets),
            "complaints": sum(ticket.type == TicketTypeChoices.COMPLAINT for ticket in tickets),
            "events": events, "csat_answers": csat, "survey_responses": responses, "survey_answers": answers}


def _business_hours(stores) -> list[BusinessHours]:
    """Convenience stores around the clock, the others 08:00-22:00 every day (22:30 at the weekend)."""
    rows = []
    for store in stores:
        for weekday in range(7):
            if store.format == StoreFormatChoices.CONVENIENCE:
                opens, closes = time(0), time(0)
            else:
                opens, closes = time(8), time(22, 30) if weekday >= 5 else time(22)
            rows.append(BusinessHours(store=store, weekday=weekday, opens=opens, closes=closes))
    BusinessHours.objects.filter(store__in=stores).delete()
    return BusinessHours.objects.bulk_create(rows)


def _contexts(company, stores, tz) -> list[_StoreContext]:
    """Per store: its calendar (from the hours just written), its inspection score and its ticket owner."""
    from opsdesk.sales.models import StoreCalendarDay
    from opsdesk.storeops.models import InspectionRun

    scores = dict(InspectionRun.objects.filter(store__in=stores, status="completed", score__isnull=False)
                  .values("store_id").annotate(average=Avg("score")).values_list("store_id", "average"))
    closed = {}
    for store_id, day in StoreCalendarDay.objects.filter(store__in=stores, is_open=False).values_list("store_id",
                                                                                                     "date"):
        closed.setdefault(store_id, set()).add(day)
    weekly = {}
    for row in BusinessHours.objects.filter(store__in=stores).order_by("weekday", "opens"):
        weekly.setdefault(row.store_id, [[] for _ in range(7)])[row.weekday].append((row.opens, row.closes))
    owners = _owners(company, stores)
    return [_StoreContext(store=store,
                          calendar=BusinessCalendar(weekly=tuple(tuple(day) for day in weekly[store.pk]), tz=tz,
                                                    closed_dates=frozenset(closed.get(store.pk, ()))),
                          score=float(scores.get(store.pk, DEFAULT_SCORE)), owner_id=owners.get(store.pk))
            for store in stores]


def _owners(company, stores) -> dict[int, int]:
    """The store manager of each store (else its supervisor, else its regional manager)."""
    found: dict[int, dict[str, int]] = {}
    users = User.objects.filter(company=company, is_active=True, role__in=[
        RoleChoices.STORE_MANAGER, RoleChoices.SUPERVISOR, RoleChoices.REGIONAL_MANAGER]).order_by("username")
    for user in users.prefetch_related("scope_stores", "scope_regions"):
        store_ids = {store.pk for store in user.scope_stores.all()}
        region_ids = {region.pk for region in user.scope_regions.all()}
        for store in stores:
            if store.pk in store_ids or store.region_id in region_ids:
                found.setdefault(store.pk, {}).setdefault(user.role, user.pk)
    order = (RoleChoices.STORE_MANAGER, RoleChoices.SUPERVISOR, RoleChoices.REGIONAL_MANAGER)
    return {store_id: next(roles[role] for role in order if role in roles) for store_id, roles in found.items()}


def _survey(company, end_date: date) -> tuple[Survey, list[SurveyQuestion]]:
    survey = Survey.objects.create(company=company, name="门店顾客推荐度调查", kind="nps", is_active=True,
                                   intro="感谢您的光临！请花一分钟告诉我们您的感受。",
                                   starts_on=_month_start(end_date, MONTHS - 1))
    questions = SurveyQuestion.objects.bulk_create([
        SurveyQuestion(survey=survey, order=1, kind=QuestionKindChoices.NPS, text="您有多大可能向亲友推荐本店？"),
        SurveyQuestion(survey=survey, order=2, kind=QuestionKindChoices.TEXT, text="请说说您打分的主要原因",
                       is_required=False),
        SurveyQuestion(survey=survey, order=3, kind=QuestionKindChoices.RATING, text="您对本次购物体验的整体评分"),
    ])
    return survey, questions


def _month_start(end_date: date, months_back: int) -> date:
    index = end_date.year * 12 + end_date.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _moment(rng, day: date, tz) -> datetime:
    """A time of day when customers write (mostly shopping hours)."""
    minute = int(rng.integers(8 * 60, 22 * 60))
    return datetime.combine(day, time(minute // 60, minute % 60), tz)


def _tickets(rng, company, contexts, end_date: date, tz) -> list[Ticket]:
    """Twelve months of tickets per store; complaints rise as the store's inspection score falls."""
    categories = {row.code: row for row in TicketCategory.objects.filter(company=company)}
    targets = {row.priority: (row.first_response_minutes * 60.0, row.resolution_minutes * 60.0)
               for row in SlaTarget.objects.filter(company=company)}
    from opsdesk.catalog.models import Product

    products = list(Product.objects.filter(company=company, supplier__isnull=False, is_active=True)
                    .order_by("pk").values_list("pk", "supplier_id")[:300])
    start = _month_start(end_date, MONTHS - 1)
    days = (end_date - start).days + 1
    now = datetime.combine(end_date, time(20), tz)
    tickets = []
    for context in contexts:
        complaint_rate = (3.0 + 0.45 * max(0.0, 95.0 - context.score)) * days / 30.4
        other_rate = (2.0 + 0.04 * max(0.0, context.score - 70.0)) * days / 30.4
        for ticket_type, rate in ((TicketTypeChoices.COMPLAINT, complaint_rate), (None, other_rate)):
            for offset in np.sort(rng.integers(0, days, size=int(rng.poisson(rate)))):
                received = _moment(rng, start + timedelta(days=int(offset)), tz)
                kind = ticket_type or rng.choice([TicketTypeChoices.PRAISE, TicketTypeChoices.SUGGESTION,
                                                  TicketTypeChoices.INQUIRY], p=[0.45, 0.3, 0.25])
                tickets.append(_ticket(rng, company, context, str(kind), received, categories, targets, products,
                                       now))
    tickets.sort(key=lambda ticket: (ticket.received_at, ticket.store.code))
    counters: dict[int, int] = {}
    for ticket in tickets:
        year = ticket.received_at.astimezone(tz).year
        counters[year] = counters.get(year, 0) + 1
        ticket.number = f"T{year}-{counters[year]:06d}"
    return Ticket.objects.bulk_create(tickets, batch_size=1000)


def _ticket(rng, company, context, kind, received, categories, targets, products, now) -> Ticket:
    if kind == TicketTypeChoices.COMPLAINT:
        code = list(COMPLAINTS)[int(rng.choice(len(COMPLAINTS), p=COMPLAINT_MIX))]
        title, description = COMPLAINTS[code][int(rng.integers(len(COMPLAINTS[code])))]
    else:
        pool = {TicketTypeChoices.PRAISE: PRAISES, TicketTypeChoices.SUGGESTION: SUGGESTIONS}.get(kind, INQUIRIES)
        code, (title, description) = "other", pool[int(rng.integers(len(pool)))]
        if kind == TicketTypeChoices.PRAISE:
            code = "service_attitude"
    priority = PRIORITIES[int(rng.choice(4, p=PRIORITY_MIX))] if kind == TicketTypeChoices.COMPLAINT \
        else TicketPriorityChoices.LOW
    channel = CHANNELS[int(rng.choice(5, p=CHANNEL_MIX))]
    ticket = Ticket(company=company, store=context.store, type=kind, category=categories[code], priority=priority,
                    channel=channel, title=title, description=description, received_at=received,
                    owner_id=context.owner_id, status=S.NEW)
    if channel in (TicketChannelChoices.QR, TicketChannelChoices.ONLINE_REVIEW):
        ticket.rating = int(rng.integers(4, 6)) if kind == TicketTypeChoices.PRAISE else int(rng.integers(1, 3))
    if code == "product_quality" and products:
        ticket.product_id, ticket.supplier_id = products[int(rng.integers(len(products)))]
    _work(rng, ticket, context, targets[priority], now)
    return ticket


def _work(rng, ticket: Ticket, context, target: tuple[float, float], now: datetime) -> None:
    """Place the first response, resolution and closing on the store's calendar; mostly within target."""
    first_target, resolution_target = target
    # Fractions of the target: most well inside, some late; weak stores are slower.
    slowness = 1.0 + max(0.0, 85.0 - context.score) / 40.0
    first_share = float(rng.lognormal(np.log(0.35 * slowness), 0.6))
    resolution_share = max(first_share * first_target / resolution_target + 0.05,
                           float(rng.lognormal(np.log(0.4 * slowness), 0.55)))
    first_at = add_business_seconds(context.calendar, ticket.received_at, first_share * first_target)
    resolved_at = add_business_seconds(context.calendar, ticket.received_at, resolution_share * resolution_target)
    ticket.first_response_at = first_at if first_at is not None and first_at <= now else None
    ticket.status = S.NEW if ticket.first_response_at is None else S.IN_PROGRESS
    ticket.demo_resolution_share = resolution_share  # not a field: the CSAT draw uses it
    if resolved_at is not None and resolved_at <= now:
        ticket.resolved_at, ticket.status = resolved_at, S.RESOLVED
        ticket.resolution = RESOLUTIONS.get(ticket.category.code, RESOLUTIONS["other"]) \
            if ticket.type == TicketTypeChoices.COMPLAINT else "已回复顾客，感谢反馈。"
        closing = resolved_at + timedelta(hours=float(rng.uniform(2, 72)))
        if closing <= now:
            ticket.closed_at, ticket.status = closing, S.CLOSED
        if ticket.type == TicketTypeChoices.COMPLAINT and rng.random() < 0.15:
            ticket.compensation_type = COMPENSATIONS[int(rng.integers(len(COMPENSATIONS)))]
            ticket.compensation_amount = Decimal(int(rng.integers(2, 21)) * 10)
        # Both clocks stopped at a drawn share of their target: the states follow without the engine.
        first = _stopped(first_share, first_target)
        resolution = _stopped(resolution_share, resolution_target)
    else:
        if ticket.first_response_at is not None and rng.random() < 0.3:
            ticket.status = S.WAITING_CUSTOMER
            ticket.paused_at = min(now, ticket.first_response_at + timedelta(minutes=int(rng.integers(5, 120))))
        pauses = [(ticket.paused_at, None)] if ticket.status == S.WAITING_CUSTOMER else []
        first = sla_status(context.calendar, ticket.received_at, first_target, now,
                           stopped_at=ticket.first_response_at)
        resolution = sla_status(context.calendar, ticket.received_at, resolution_target, now, pauses=pauses)
    ticket.first_response_breached, ticket.resolution_breached = first.is_breached, resolution.is_breached
    ticket.escalation_level = services.escalation_target_level(first, resolution)
    if ticket.escalation_level:  # when the sweep climbed to that level (not a field)
        climbed = (first_target, 1.0) if ticket.escalation_level == 1 else \
            (resolution_target, 2.0 if ticket.escalation_level == 3 else 1.0)
        ticket.demo_escalated_at = add_business_seconds(context.calendar, ticket.received_at,
                                                        climbed[0] * climbed[1]) or now


def _stopped(share: float, target: float) -> SlaStatus:
    """The state of a clock stopped after `share` of its target (breached when past the target)."""
    elapsed = share * target
    return SlaStatus(target_seconds=target, elapsed_seconds=elapsed, remaining_seconds=target - elapsed,
                     due_at=None, is_breached=share > 1.0, is_approaching=False, is_paused=False)


EVENT_COLUMNS = ("ticket", "kind", "text", "is_customer_contact", "author", "at")


def _logs_and_csat(rng, tickets) -> tuple[int, int]:
    """The contact log of each ticket, the pauses of waiting ones, and CSAT requests (answered on most)."""
    at = connection.ops.adapt_datetimefield_value
    events, pauses, requests = [], [], []
    for ticket in tickets:
        events.append((ticket.pk, EventKindChoices.STATUS.value, f"工单已登记（{ticket.get_channel_display()}）。",
                       False, None, at(ticket.received_at)))
        if ticket.first_response_at is not None:
            events.append((ticket.pk, EventKindChoices.CALL.value, "已致电顾客，了解情况并致歉。", True,
                           ticket.owner_id, at(ticket.first_response_at)))
        if ticket.escalation_level:
            events.append((ticket.pk, EventKindChoices.ESCALATION.value,
                           f"SLA 超时，升级至第 {ticket.escalation_level} 级。", False, None,
                           at(ticket.demo_escalated_at)))
        if ticket.status == S.WAITING_CUSTOMER:
            pauses.append(TicketPause(ticket=ticket, started_at=ticket.paused_at, reason=S.WAITING_CUSTOMER))
        if ticket.resolved_at is not None:
            events.append((ticket.pk, EventKindChoices.STATUS.value, "状态：处理中 → 已解决", False, ticket.owner_id,
                           at(ticket.resolved_at)))
            pauses.append(TicketPause(ticket=ticket, started_at=ticket.resolved_at, ended_at=ticket.closed_at,
                                      reason=S.RESOLVED))
        if ticket.closed_at is not None:
            events.append((ticket.pk, EventKindChoices.STATUS.value, "状态：已解决 → 已关闭", False, ticket.owner_id,
                           at(ticket.closed_at)))
            pauses.append(TicketPause(ticket=ticket, started_at=ticket.closed_at, reason=S.CLOSED))
            request = _csat(rng, ticket)
            requests.append(request)
            if request.answered_at is not None:
                events.append((ticket.pk, EventKindChoices.NOTE.value, f"顾客评分：{request.score}/5", False, None,
                               at(request.answered_at)))
    TicketPause.objects.bulk_create(pauses, batch_size=2000)
    CsatRequest.objects.bulk_create(requests, batch_size=2000)
    written = bulk_insert(TicketEvent, EVENT_COLUMNS, events)
    return written, sum(request.answered_at is not None for request in requests)


def _csat(rng, ticket: Ticket) -> CsatRequest:
    """A CSAT link sent at closing; about three in four customers answer, happier when the fix was fast."""
    request = CsatRequest(ticket=ticket, token_hash=CsatRequest.hash_token(secrets.token_urlsafe(24)),
                          created_at=ticket.closed_at, expires_at=ticket.closed_at + timedelta(days=services.CSAT_DAYS))
    if rng.random() < 0.75:
        bonus = 0.4 if ticket.compensation_type != CompensationChoices.NONE else 0.0
        bonus += 0.5 if ticket.type == TicketTypeChoices.PRAISE else 0.0
        score = int(np.clip(np.rint(4.9 - 1.6 * ticket.demo_resolution_share + bonus + rng.normal(0, 0.6)), 1, 5))
        request.score, request.comment = score, CSAT_COMMENTS[score] if rng.random() < 0.4 else ""
        request.answered_at = ticket.closed_at + timedelta(hours=float(rng.uniform(1, 96)))
    return request


def _nps(rng, survey, questions, contexts, end_date: date, tz) -> tuple[int, int]:
    """About ten NPS responses per store and month; better-inspected stores get more promoters."""
    nps_question, reason_question, rating_question = questions
    responses, answers = [], []
    for context in contexts:
        mean = float(np.clip(2.0 + 0.07 * context.score, 5.5, 9.5))
        for months_back in range(MONTHS - 1, -1, -1):
            first = _month_start(end_date, months_back)
            last = min(end_date, _month_start(end_date, months_back - 1) - timedelta(days=1))
            for _ in range(int(rng.poisson(10))):
                day = first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))
                score = int(np.clip(np.rint(rng.normal(mean, 1.8)), 0, 10))
                band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                reason = NPS_REASONS[band][int(rng.integers(len(NPS_REASONS[band])))] if rng.random() < 0.7 else ""
                rating = int(np.clip(np.rint(score / 2.2 + rng.normal(0.6, 0.5)), 1, 5))
                response = SurveyResponse(survey=survey, store=context.store, submitted_at=_moment(rng, day, tz),
                                          nps_score=score, nps_reason=reason)
                responses.append(response)
                answers.append((response, nps_question, score, ""))
                if reason:
                    answers.append((response, reason_question, None, reason))
                answers.append((response, rating_question, rating, ""))
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    written = bulk_insert(SurveyAnswer, ("response", "question", "number", "text"),
                          [(response.pk, question.pk, number, text) for response, question, number, text in answers])
    return len(responses), written
