"""Text typed by organisers: biographies turned into safe HTML, names turned into slugs,
one-line values checked for control characters.

Markdown is rendered first (inline HTML included), then everything goes through nh3 (the Rust
ammonia sanitiser) with a short allow-list: whatever an organiser types, no script, no
event handler, no javascript: link reaches a page."""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from models.speaker import search_key

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


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int | None = None) -> str:
    """e.g. "Hélène Dupré" → "helene-dupre": accents folded the way search_key folds them
    (é → e, œ → oe), letters with no ASCII form left out (ø), lower case, every run of
    other characters (’ included) one "-", none at either end; cut to max_length
    characters. Empty when no ASCII letter or digit is left."""
    folded = "".join(c for c in search_key(text) if c.isascii() or not c.isalnum())
    slug = _NOT_SLUG.sub("-", folded).strip("-")
    if max_length is not None:
        slug = slug[:max_length].strip("-")
    return slug


# Control characters (line breaks, tabs, NUL…) and the Unicode line and paragraph
# separators: nothing a name needs, and a line break in a name would break the mail header
# it is written into.
_CONTROL_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(text: str) -> bool:
    """True when a one-line value (a name, an organisation) holds a control character or a
    line break anywhere but at either end (the ends are stripped before it is stored)."""
    return any(unicodedata.category(c) in _CONTROL_CATEGORIES for c in text.strip())


# French typography: a no-break space inside « » and before ":", a narrow one before "; ! ?"
# (Imprimerie nationale). Only spaces already typed are replaced: "10:30" or "https://" have
# none, and adding spaces to user text would change what was meant.
_SPACE_BEFORE_COLON = re.compile(r"[ \t]+(?=:)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+(?=[;!?])")
_SPACE_AFTER_OPENING_QUOTE = re.compile(r"«[ \t]+")
_SPACE_BEFORE_CLOSING_QUOTE = re.compile(r"[ \t]+»")
_TAG = re.compile(r"(<[^>]*>)")

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"


def _french_spaces(text: str) -> str:
    text = _SPACE_BEFORE_COLON.sub(NO_BREAK_SPACE, text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(NARROW_NO_BREAK_SPACE, text)
    text = _SPACE_AFTER_OPENING_QUOTE.sub("«" + NO_BREAK_SPACE, text)
    return _SPACE_BEFORE_CLOSING_QUOTE.sub(NO_BREAK_SPACE + "»", text)


def french_typography(text, locale: str = "fr"):
    """Text with French spacing when the locale is French, unchanged otherwise. Markup stays
    Markup, and only its text between tags is touched (never an attribute)."""
    if text is None or not str(locale).startswith("fr"):
        return text
    if isinstance(text, Markup):
        parts = _TAG.split(str(text))
        return Markup("".join(p if p.startswith("<") else _french_spaces(p) for p in parts))
    return _french_spaces(str(text))
