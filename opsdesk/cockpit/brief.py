"""The daily brief (placeholder until the brief lands)."""


def brief_deliver_all() -> int:
    return 0
