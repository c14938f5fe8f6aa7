"""Views of the people app, one module per area (see areas.py)."""
