"""The plan policy's defaults: what a plan run uses for a company without replenishment settings.

Its own module so that models, selectors and services can all read it without an import cycle. The policy is
the one `opsdesk simulate` and bench/replenish.py replay as "opsdesk" (simulation.PLAN_PARAMS; a test keeps
them equal).
"""

DEFAULT_PARAMS = {"review_days": 7.0, "check_interval_days": 1.0, "service_levels": [0.98, 0.95, 0.90],
                  "service_measure": "cycle", "min_pair_fill_rate": None,
                  "risk_days": 7, "overstock_days": 90.0, "dead_days": 60}
