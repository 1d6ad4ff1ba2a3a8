"""Biographies: plain text or a small subset of Markdown, turned into safe HTML.

Markdown is rendered first (inline HTML included), then everything goes through nh3 (the Rust
ammonia sanitiser) with a short allow-list: whatever an organiser types, no script, no
event handler, no javascript: link reaches a page."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "table", "code_block", "fence", "hr"], ignoreInvalid=True
)


def render_markdown(source: str) -> Markup:
    html = _markdown.render(source or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)
