from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from progress.models import Activity, Assignment, Cohort, LearnerProfile, TopicProgress, User


class LearnerProfileInline(admin.StackedInline):
    model = LearnerProfile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [LearnerProfileInline]
    list_filter = [*BaseUserAdmin.list_filter, "groups"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["mentors", "learners"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["id", "learner", "cohort", "due_date", "created_by"]
    list_filter = ["due_date"]
    filter_horizontal = ["goals"]
    raw_id_fields = ["learner", "cohort", "created_by"]


@admin.register(TopicProgress)
class TopicProgressAdmin(admin.ModelAdmin):
    list_display = ["learner", "topic", "status", "updated_at"]
    list_filter = ["status", "topic__track"]
    search_fields = ["learner__username", "topic__slug"]
    raw_id_fields = ["learner", "topic"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["learner", "kind", "topic", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["learner__username"]
    raw_id_fields = ["learner", "topic", "resource"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only
