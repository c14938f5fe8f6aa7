"""URLs of the core app."""

from django.contrib.auth import views as auth_views
from django.urls import path

from opsdesk.core import specs
from opsdesk.core.views import core as views
from opsdesk.core.views import setup

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", setup.LoginView.as_view(), name="login"),
    path("setup/", setup.first_run, name="first_run"),
    path("settings/company/", setup.company_settings, name="company_settings"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(success_url="/password/done/"), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("language/", views.set_language, name="set_language"),
    # stores and regions (kit specs)
    *specs.store.urls(),
    *specs.region.urls(),
    path("admin/users/", views.UserListView.as_view(), name="user_list"),
    path("admin/users/add/", views.UserEditView.as_view(), name="user_add"),
    path("admin/users/<int:pk>/", views.UserEditView.as_view(), name="user_edit"),
    path("admin/roles/", views.roles_matrix, name="roles"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
