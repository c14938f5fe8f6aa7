"""OpsDesk (营运台): operations management for multi-store chains."""

__version__ = "0.1.0"
