"""URLs of store operations (mounted at /storeops/)."""

from django.urls import path

from opsdesk.storeops import specs
from opsdesk.storeops.views import crud, pages, runs

app_name = "storeops"

urlpatterns = [
    path("", pages.my_work, name="my"),
    path("scorecard/", pages.scorecard, name="scorecard"),
    # checklist templates
    path("templates/", crud.ChecklistTemplateListView.as_view(), name="template_list"),
    path("templates/add/", crud.ChecklistTemplateEditView.as_view(), name="template_add"),
    path("templates/<int:pk>/", crud.ChecklistTemplateDetailView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", crud.ChecklistTemplateEditView.as_view(), name="template_edit"),
    path("templates/<int:pk>/delete/", crud.ChecklistTemplateDeleteView.as_view(), name="template_delete"),
    path("templates/<int:pk>/draft/", crud.template_draft_open, name="template_draft"),
    path("templates/<int:pk>/version/", crud.template_version_edit, name="template_version"),
    path("templates/<int:pk>/publish/", crud.template_publish, name="template_publish"),
    path("templates/<int:pk>/sections/add/", crud.template_section_add, name="template_section_add"),
    path("templates/<int:pk>/items/add/", crud.template_item_add, name="template_item_add"),
    path("template-items/<int:pk>/", crud.template_item_edit, name="template_item_edit"),
    path("template-items/<int:pk>/delete/", crud.template_item_delete, name="template_item_delete"),
    # schedules
    path("schedules/", crud.InspectionScheduleListView.as_view(), name="schedule_list"),
    path("schedules/add/", crud.InspectionScheduleEditView.as_view(), name="schedule_add"),
    path("schedules/<int:pk>/", crud.InspectionScheduleDetailView.as_view(), name="schedule_detail"),
    path("schedules/<int:pk>/edit/", crud.InspectionScheduleEditView.as_view(), name="schedule_edit"),
    path("schedules/<int:pk>/delete/", crud.InspectionScheduleDeleteView.as_view(), name="schedule_delete"),
    # runs
    path("runs/", runs.InspectionRunListView.as_view(), name="run_list"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/perform/", runs.run_perform, name="run_perform"),
    path("runs/<int:pk>/answer/", runs.run_answer, name="run_answer"),
    path("runs/<int:pk>/photo/", runs.run_photo, name="run_photo"),
    path("runs/<int:pk>/complete/", runs.run_complete, name="run_complete"),
    path("runs/<int:pk>/cancel/", runs.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/pdf/", runs.run_pdf, name="run_pdf"),
    path("runs/<int:pk>/delete/", runs.InspectionRunDeleteView.as_view(), name="run_delete"),
    path("photos/<int:pk>/", runs.photo, name="photo"),
    path("photos/<int:photo_pk>/delete/", runs.run_photo_delete, name="photo_delete"),
    # findings and corrective actions
    path("findings/", crud.FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", crud.FindingDetailView.as_view(), name="finding_detail"),
    path("actions/", crud.CorrectiveActionListView.as_view(), name="action_list"),
    path("actions/add/", crud.CorrectiveActionEditView.as_view(), name="action_add"),
    path("actions/<int:pk>/", crud.CorrectiveActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", crud.CorrectiveActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/delete/", crud.CorrectiveActionDeleteView.as_view(), name="action_delete"),
    path("actions/<int:pk>/progress/", crud.action_progress, name="action_progress"),
    path("actions/<int:pk>/verify/", crud.action_verify, name="action_verify"),
    path("actions/<int:pk>/evidence/", crud.action_evidence, name="action_evidence"),
    # maintenance and compliance (kit specs)
    *specs.maintenance.urls(),
    *specs.compliance.urls(),
    # tie-ins
    path("stock-checks/", crud.StockCheckListView.as_view(), name="stockcheck_list"),
    path("stock-checks/<int:pk>/", crud.StockCheckDetailView.as_view(), name="stockcheck_detail"),
    path("stock-checks/<int:pk>/close/", crud.stockcheck_close, name="stockcheck_close"),
    path("training-suggestions/", crud.TrainingSuggestionListView.as_view(), name="training_list"),
    path("training-suggestions/<int:pk>/", crud.TrainingSuggestionDetailView.as_view(), name="training_detail"),
    path("training-suggestions/<int:pk>/decide/", crud.training_decide, name="training_decide"),
]
