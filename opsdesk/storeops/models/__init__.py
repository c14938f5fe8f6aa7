"""Models of store operations: checklists, schedules, runs and answers, findings and actions, facilities."""

from opsdesk.storeops.models.actions import (
    ActionEscalation,
    CorrectiveAction,
    StockCheck,
    StockCheckLine,
    TrainingSuggestion,
)
from opsdesk.storeops.models.checklists import ChecklistTemplate, TemplateItem, TemplateSection, TemplateVersion
from opsdesk.storeops.models.facilities import ComplianceItem, MaintenanceRequest
from opsdesk.storeops.models.runs import Finding, InspectionAnswer, InspectionPhoto, InspectionRun, InspectionSchedule

__all__ = [
    "ActionEscalation",
    "ChecklistTemplate",
    "ComplianceItem",
    "CorrectiveAction",
    "Finding",
    "InspectionAnswer",
    "InspectionPhoto",
    "InspectionRun",
    "InspectionSchedule",
    "MaintenanceRequest",
    "StockCheck",
    "StockCheckLine",
    "TemplateItem",
    "TemplateSection",
    "TemplateVersion",
    "TrainingSuggestion",
]
