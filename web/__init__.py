"""The HTMX web pages: the interface layer beside ``api/``, over the same services and selectors.

One subpackage per area, each with its views, forms and URLs: ``accounts`` (sign-up, login,
settings), ``roadmap`` (tracks and the topic page), ``tracking`` (the dashboard and the topic
page's forms), ``mentoring`` (cohorts and assignments), ``paths`` (the planner) and
``reviews`` (the review session). Templates live in the top-level ``templates/``.
"""
