"""`manage.py report_pack --kind weekly --scope company [--send]`: build (store) and optionally send a pack."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from opsdesk.core.models import Company


class Command(BaseCommand):
    help = "Build the weekly or monthly report pack of a scope (stored; Markdown to stdout), optionally send it"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--company", help="company code (needed when there are several)")
        parser.add_argument("--kind", default="weekly", choices=["weekly", "monthly"])
        parser.add_argument("--scope", default="company", help="company, region:<code> or store:<code>")
        parser.add_argument("--period", help="2026-W48 or 2026-11 (default: the period just ended)")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--send", action="store_true",
                            help="send to the company's brief channels (e-mail and robots)")

    def handle(self, *args, **options) -> None:
        from django.utils import timezone

        from opsdesk.core.documents import render_markdown
        from opsdesk.core.notify import channels
        from opsdesk.reports import selectors, services

        companies = Company.objects.filter(code=options["company"]) if options["company"] else Company.objects.all()
        if companies.count() != 1:
            raise CommandError("name the company with --company")
        company = companies.get()
        try:
            scope = selectors.scope_parse(company, options["scope"])
            period = selectors.period_choice(options["kind"], options["period"], timezone.localdate())
        except (LookupError, ValueError) as error:
            raise CommandError(f"unknown scope or period: {error}") from error
        pack = services.pack_generate(scope=scope, kind=options["kind"], period=period,
                                      language=options["language"])
        self.stdout.write(render_markdown(pack.document()))
        if options["send"]:
            deliveries = services.pack_deliver(pack, **channels(company))
            for delivery in deliveries:
                self.stdout.write(f"{delivery.channel}: {'ok' if delivery.is_ok else 'failed: ' + delivery.reason}")
            if any(not delivery.is_ok for delivery in deliveries):
                raise CommandError("a channel failed")
