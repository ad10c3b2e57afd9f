"""drf-spectacular's settings: the OpenAPI document's title, servers, enums, tags and hooks.

Kept apart from config/settings.py, which reads the environment; nothing here does.
"""


def spectacular_settings() -> dict:
    """``SPECTACULAR_SETTINGS`` for config/settings.py."""
    return {
        "TITLE": "Pathwise API",
        "DESCRIPTION": (
            "Learning roadmaps, personalised paths, progress and spaced-repetition reviews. "
            "Send and receive JSON; authenticate with `Authorization: Token <key>`. Every error is "
            "JSON in one shape (the `Error` schema). The README's API section says what may change "
            "within /api/v1/."
        ),
        "VERSION": "1.0.0",
        "CONTACT": {"name": "Pathwise maintainers", "url": "https://github.com/pathwise/pathwise"},
        "LICENSE": {"name": "MIT"},
        "SERVERS": [{"url": "/", "description": "The server that serves this schema"}],
        "SERVE_INCLUDE_SCHEMA": False,
        "SCHEMA_PATH_PREFIX": r"/api/v1",
        # Swagger UI and Redoc are served from the app's own static files (drf-spectacular-sidecar):
        # the docs work offline and load nothing from a CDN.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        # Several models have a "kind" or "status" field; name each enum after its model.
        "ENUM_NAME_OVERRIDES": {
            "PrerequisiteKindEnum": "roadmap.models.PrerequisiteKind",
            "ResourceKindEnum": "roadmap.models.ResourceKind",
            "ResourceRoleEnum": "roadmap.models.ResourceRole",
            "AccessEnum": "roadmap.models.Access",
            "LevelEnum": "roadmap.models.Level",
            "QuestionKindEnum": "quizzes.models.QuestionKind",
            "CardStateEnum": "quizzes.models.CardState",
            "LinkHealthEnum": "roadmap.models.LinkHealth",
            "TopicStatusEnum": "progress.models.TopicStatus",
        },
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "api.schema.hooks.strict_nullable_references",
            "api.schema.hooks.named_parameter_enums",
            "api.schema.hooks.empty_page_parameters",
        ],
        # One tag per area of the API (api.schema.TAG_BY_AREA), in the order the docs show them.
        "TAGS": [
            {"name": "auth", "description": "Sign up, exchange a password for an API token, sign out."},
            {
                "name": "roadmap",
                "description": "The public roadmap: tracks, topics, prerequisite edges and resources. "
                "Anyone reads (with ETags); curators edit.",
            },
            {
                "name": "progress",
                "description": "Your own data: profile and settings, topic progress, finished resources, "
                "activity calendar and stats.",
            },
            {"name": "paths", "description": "Personalised learning paths, and the topics you can start today."},
            {
                "name": "reviews",
                "description": "Spaced-repetition reviews: due cards, live and offline review submission, "
                "the forecast and topic mastery.",
            },
            {"name": "questions", "description": "Quiz questions with their answers, for curators."},
            {
                "name": "mentoring",
                "description": "Cohorts, assignments and the mentor's view of a cohort's progress.",
            },
        ],
    }
