from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from roadmap import editing, retirement
from roadmap.links import store
from roadmap.models import GraphVersion, LinkCheck, LinkCheckRun, Prerequisite, Resource, Topic, TopicResource, Track
from roadmap.services import ensure_acyclic, lock_roadmap

# "Check now" runs while the curator's browser waits: a few dozen links, half a minute.
CHECK_NOW_LIMIT = 50
CHECK_NOW_BUDGET = 30.0


class PrerequisiteInlineFormSet(forms.BaseInlineFormSet):
    """Checks the topic's prerequisites as a whole, so two new edges that only close a
    cycle together are refused too."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        topic = self.instance
        target = Topic.objects.filter(pk=topic.pk).values_list("slug", flat=True).first() or topic.slug
        add, remove = [], []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            original = form.instance.pk and Prerequisite.objects.filter(pk=form.instance.pk).values_list(
                "from_topic__slug", flat=True
            ).first()
            if original:
                remove.append((original, target))
            source = form.cleaned_data.get("from_topic")
            if source is not None and not form.cleaned_data.get("DELETE"):
                if source.slug == target:
                    raise ValidationError(f"{target} cannot be its own prerequisite")
                add.append((source.slug, target))
        lock_roadmap()
        ensure_acyclic(add=add, remove=remove)


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fk_name = "to_topic"
    formset = PrerequisiteInlineFormSet
    autocomplete_fields = ["from_topic"]
    fields = ["from_topic", "kind", "reason", "weight"]
    extra = 0
    verbose_name = "prerequisite"
    verbose_name_plural = "prerequisites (learn these first)"


class TopicResourceInline(admin.TabularInline):
    model = TopicResource
    autocomplete_fields = ["resource"]
    fields = ["resource", "role", "locator", "position"]
    extra = 0


@admin.register(Track)
class TrackAdmin(SimpleHistoryAdmin):
    list_display = ["position", "title", "slug", "topic_count"]
    list_display_links = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_topics=Count("topics"))

    @admin.display(description="topics", ordering="n_topics")
    def topic_count(self, obj):
        return obj.n_topics


class RetiredFilter(admin.SimpleListFilter):
    title = "on the roadmap"
    parameter_name = "retired"

    def lookups(self, request, model_admin):
        return [("no", "On the roadmap"), ("yes", "Retired")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(retired_at=None)
        if self.value() == "yes":
            return queryset.exclude(retired_at=None)
        return queryset


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "track", "level", "hours", "prerequisite_count", "retired_at"]
    list_filter = [RetiredFilter, "track", "level"]
    actions = ["retire", "restore"]
    readonly_fields = ["retired_at"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PrerequisiteInline, TopicResourceInline]
    list_select_related = ["track"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_prereqs=Count("prerequisite_edges"))

    @admin.display(description="prerequisites", ordering="n_prereqs")
    def prerequisite_count(self, obj):
        return obj.n_prereqs

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete destroys; a topic holding learners' progress, notes
        or cards may only be deleted by a superuser; everyone else is told to retire it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not request.user.is_superuser:
            for topic in objs:
                data = retirement.learner_data_on(topic=topic)
                if data:
                    perms_needed.add(
                        f"{data.sentence(topic)}: only a superuser may destroy them — "
                        "use the “Retire” action instead"
                    )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        editing.topic_delete(topic=obj, force=request.user.is_superuser)

    def delete_queryset(self, request, queryset):
        for topic in queryset:
            self.delete_model(request, topic)

    @admin.action(description="Retire (off the roadmap; learners keep their progress)", permissions=["change"])
    def retire(self, request, queryset):
        for topic in queryset:
            retirement.topic_retire(topic=topic)
        self.message_user(request, f"Retired {len(queryset)} topic{pluralize(len(queryset))}.", messages.SUCCESS)

    @admin.action(description="Put back on the roadmap", permissions=["change"])
    def restore(self, request, queryset):
        for topic in queryset:
            retirement.topic_restore(topic=topic)
        self.message_user(request, f"Restored {len(queryset)} topic{pluralize(len(queryset))}.", messages.SUCCESS)


class PrerequisiteForm(forms.ModelForm):
    class Meta:
        model = Prerequisite
        fields = ["from_topic", "to_topic", "kind", "reason"]

    def clean(self):
        data = super().clean()
        source, target = data.get("from_topic"), data.get("to_topic")
        if source and target:
            if source == target:
                raise ValidationError("a topic cannot be its own prerequisite")
            remove = []
            if self.instance.pk:
                old = Prerequisite.objects.select_related("from_topic", "to_topic").get(pk=self.instance.pk)
                remove = [(old.from_topic.slug, old.to_topic.slug)]
            lock_roadmap()
            ensure_acyclic(add=[(source.slug, target.slug)], remove=remove)
        return data


@admin.register(Prerequisite)
class PrerequisiteAdmin(SimpleHistoryAdmin):
    form = PrerequisiteForm
    list_display = ["from_topic", "to_topic", "kind", "reason"]
    list_filter = ["kind", "to_topic__track", "from_topic__track"]
    search_fields = ["from_topic__slug", "from_topic__title", "to_topic__slug", "to_topic__title", "reason"]
    autocomplete_fields = ["from_topic", "to_topic"]
    list_select_related = ["from_topic", "to_topic"]


class LinkCheckInline(admin.TabularInline):
    model = LinkCheck
    fields = [
        "checked_at", "status", "http_status", "final_url", "latency_ms", "attempts", "error", "run",
    ]  # fmt: skip
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-checked_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("run").order_by("-checked_at")


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "access", "year", "health", "health_checked_at"]
    list_filter = ["kind", "access", "health", "topic_resources__topic__track"]
    search_fields = ["title", "slug", "authors", "url"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["health", "health_checked_at", "consecutive_failures", "first_failure_at", "suggested_url"]
    inlines = [LinkCheckInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "authors", "kind", "access", "url", "year"]}),
        ("Link health", {"fields": readonly_fields}),
    ]
    actions = ["check_now", "adopt_new_url"]
    # Django 6 makes https the default scheme of a typed URL; say so now, and quietly.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    @admin.action(description="Check the links now", permissions=["change"])
    def check_now(self, request, queryset):
        ids = list(queryset.exclude(url="").values_list("id", flat=True)[: CHECK_NOW_LIMIT + 1])
        if len(ids) > CHECK_NOW_LIMIT:
            self.message_user(
                request,
                f"Select at most {CHECK_NOW_LIMIT} resources to check at once, or run "
                "`manage.py check_links --all` for them all.",
                messages.ERROR,
            )
            return
        # Bounded, since the curator's browser waits on it: what is left stays due.
        run = store.check_resources(ids=ids, trigger="admin", time_budget=CHECK_NOW_BUDGET)
        if run is None:
            self.message_user(
                request,
                "Nothing to check: the selected resources have no URL or are being checked "
                "right now.",
                messages.WARNING,
            )
            return
        level = messages.WARNING if run.inconclusive or run.reason else messages.SUCCESS
        self.message_user(request, store.run_summary(run=run).sentence(), level)

    @admin.action(description="Adopt the new URL (permanently moved)", permissions=["change"])
    def adopt_new_url(self, request, queryset):
        movable = list(queryset.exclude(suggested_url=""))
        unmoved, adopted = queryset.count() - len(movable), 0
        for resource in movable:
            try:
                store.adopt_suggested_url(resource=resource)
            except ValidationError as error:
                message = f"{resource}: {' '.join(error.messages)}"
                self.message_user(request, message, messages.ERROR)
            else:
                adopted += 1
        if adopted:
            message = f"Adopted the new URL of {adopted} resource{pluralize(adopted)}."
            self.message_user(request, message, messages.SUCCESS)
        if unmoved:
            self.message_user(
                request,
                f"{unmoved} selected resource{pluralize(unmoved)} {pluralize(unmoved, 'has,have')} "
                "not moved permanently: nothing to adopt.",
                messages.WARNING,
            )


@admin.register(GraphVersion)
class GraphVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "updated_at"]
    readonly_fields = ["version", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LinkCheckRun)
class LinkCheckRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at", "finished_at", "checked_links", "inconclusive", "reason", "trigger",
    ]  # fmt: skip
    list_filter = ["inconclusive", "trigger"]
    readonly_fields = ["started_at", "finished_at", "checked", "inconclusive", "reason", "trigger"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="checked", ordering="checked")
    def checked_links(self, run):
        url = reverse("admin:roadmap_linkcheck_changelist")
        return format_html('<a href="{}?run={}">{}</a>', url, run.pk, run.checked)


class RunFilter(admin.SimpleListFilter):
    """The latest runs to pick from; any run's checks open from its ``checked`` link."""

    title = "run"
    parameter_name = "run"

    def lookups(self, request, model_admin):
        latest = LinkCheckRun.objects.order_by("-started_at")[:10]
        return [(str(run.pk), f"{run} ({run.trigger})") for run in latest]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(run_id=value) if value and value.isdigit() else queryset


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """The history of every check, read-only: the checker writes it."""

    list_display = [
        "checked_at", "resource", "status", "http_status", "latency_ms", "url", "error", "run",
    ]  # fmt: skip
    list_filter = ["status", RunFilter]
    list_select_related = ["resource", "run"]
    search_fields = ["url", "resource__title", "error"]
    date_hierarchy = "checked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
