from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from quizzes.models import Question


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["key", "topic", "kind", "is_active"]
    list_filter = ["kind", "is_active", "topic__track"]
    search_fields = ["key", "prompt", "topic__slug"]
    autocomplete_fields = ["topic", "source"]
