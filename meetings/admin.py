from django.contrib import admin
from django.db import models

from .models import (
    AgendaItem,
    AgendaTemplateItem,
    ApiToken,
    BacklogReport,
    Committee,
    FailedTask,
    Meeting,
    RoadmapEntry,
    Team,
)


class AgendaTemplateInline(admin.TabularInline):
    model = AgendaTemplateItem
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["chairs"]
    inlines = [AgendaTemplateInline]
    # As the settings page does: a link typed without a scheme is https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "status", "group", "lead_names", "position"]
    list_filter = ["committee", "status", "group"]
    search_fields = ["name", "lead_names"]
    filter_horizontal = ["leads"]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "date", "status", "published_at"]
    list_filter = ["committee", "status"]
    date_hierarchy = "date"
    search_fields = ["title"]
    inlines = [AgendaItemInline]


@admin.register(BacklogReport)
class BacklogReportAdmin(admin.ModelAdmin):
    list_display = ["team_name", "meeting", "leads", "status_label", "updated_at", "updated_by"]
    list_filter = ["meeting__committee", "meeting__status"]
    search_fields = ["team_name", "leads", "body"]
    list_select_related = ["meeting", "updated_by"]
    raw_id_fields = ["meeting", "team"]


@admin.register(RoadmapEntry)
class RoadmapEntryAdmin(admin.ModelAdmin):
    list_display = ["text", "horizon", "meeting", "is_heading"]
    list_filter = ["horizon", "meeting__committee"]
    list_select_related = ["meeting"]
    filter_horizontal = ["teams"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (their secret is shown to them once); the back office sees and revokes them."""

    list_display = ["name", "user", "scope", "hint", "created_at", "last_used_at"]
    list_filter = ["scope"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "scope", "digest", "hint", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Every committee's dead letters, and the site-wide ones: read here, retried from the committee's page."""

    list_display = ["description", "committee", "attempts", "failed_at", "retried_at"]
    list_filter = ["committee", "task_path"]
    readonly_fields = [field.name for field in FailedTask._meta.fields]
