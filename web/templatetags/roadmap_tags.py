import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "sup", "sub",
}


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    """Render curator Markdown, keeping only harmless tags (no scripts, no raw HTML tricks)."""
    html = md.markdown(text or "", extensions=["fenced_code"])
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener nofollow")
    return mark_safe(clean)  # noqa: S308  (sanitised by nh3 just above)


@register.filter(name="markdown_inline")
def render_markdown_inline(text: str) -> str:
    """Markdown for one line (a quiz prompt or choice): `code` and emphasis, no paragraphs."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308  (already sanitised by render_markdown)


@register.filter(name="get_item")
def get_item(mapping: dict, key):
    """``mapping[key]`` in a template (state labels by state)."""
    return mapping.get(key, "")


#: The one date format of the pages: "7 Dec 2026".
DAY_FORMAT = "j M Y"


@register.filter(name="day")
def day(value) -> str:
    """A date (or an ISO date string) in the pages' one format, "7 Dec 2026"."""
    from datetime import date

    from django.utils.dateformat import format as date_format

    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return date_format(value, DAY_FORMAT)


@register.filter(name="chips")
def chips(bound_field) -> list[tuple[str, str]]:
    """The goals a bound ``web.goals.GoalsField`` holds, as ``(slug, label)`` chips."""
    return bound_field.field.picked(bound_field.value() or [])


@register.filter
def unpicked(bound_field) -> str:
    """What was typed into a ``web.goals.GoalsField`` that is not a goal: shown back in its
    text box beside the error naming it, for the learner or mentor to correct."""
    return ", ".join(bound_field.field.unknown(bound_field.value() or []))
