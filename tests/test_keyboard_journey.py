"""A participant who uses only the keyboard: from the list of workshops to registering,
opening their link again and cancelling after confirming in the modal. Every element that
takes the focus on the way shows it, with an outline of at least 3:1 against the page
(WCAG 2.4.7 and 1.4.11). Headless Chromium as in tests/test_browser.py."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_workshop
from tests.test_browser import TIMEOUT_MS, chromium, live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

MAX_TABS = 120

# The focused element's outline and the colour behind it (first opaque background up the
# tree), as the browser computes them.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  // The DSFR draws the ring of an enlarged link (cards, the header's brand) on its ::before.
  let style = getComputedStyle(el);
  if (parseFloat(style.outlineWidth) === 0) style = getComputedStyle(el, "::before");
  let node = el, background = "rgb(255, 255, 255)";
  while (node && node.nodeType === 1) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && !colour.startsWith("rgba(0, 0, 0, 0)") && colour !== "transparent") {
      background = colour; break;
    }
    node = node.parentElement;
  }
  return {tag: el.tagName, text: (el.innerText || el.value || "").trim().slice(0, 60),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          outlineColor: style.outlineColor, background: background};
}"""


def _channels(colour: str) -> tuple[float, float, float]:
    red, green, blue = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return red / 255, green / 255, blue / 255


def luminance(colour: str) -> float:
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_focus_visible(page: Page) -> dict:
    focus = page.evaluate(FOCUS_STYLE)
    where = f"{focus['tag']} « {focus['text']} »"
    assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, f"no outline on {where}"
    ratio = contrast(focus["outlineColor"], focus["background"])
    assert ratio >= 3, f"outline of {where} at {ratio:.2f}:1 against its background"
    return focus


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching selector has the focus, checking on the way that
    each focused element shows it."""
    target = page.locator(selector)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement !== document.body"):
            assert_focus_visible(page)
        if target.evaluate_all("(els) => els.includes(document.activeElement)"):
            return
    pytest.fail(f"{selector} is not reachable with Tab in {MAX_TABS} presses")


def test_register_find_again_and_cancel_with_the_keyboard_alone(app, world, chromium, live_server):  # noqa: F811
    workshop_id = make_workshop(app, world, title="Atelier clavier seul")
    context = chromium.browser().new_context(
        base_url=live_server, locale="fr-FR", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/workshops/")
        # The first Tab reaches the skip link, which takes the focus to the content.
        page.keyboard.press("Tab")
        assert "contenu" in page.evaluate("() => document.activeElement.textContent").lower()
        assert_focus_visible(page)
        page.keyboard.press("Enter")
        tab_to(page, f'a[href="/workshops/{workshop_id}"]')
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"/workshops/{workshop_id}$"))

        tab_to(page, "#name")
        page.keyboard.type("Camille Clavier")
        tab_to(page, "#email")
        page.keyboard.type("camille.clavier@example.org")
        tab_to(page, "#consent")
        page.keyboard.press("Space")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Mon inscription")
        expect(page.locator(".status-line")).to_contain_text("Confirmée")

        # Their link, as the page gives it to copy, opens the registration again.
        link = page.locator("#lien-inscription").input_value()
        page.goto(link)
        expect(page.locator(".status-line")).to_contain_text("Confirmée")

        tab_to(page, '[data-confirm-dialog="annuler-inscription"]')
        page.keyboard.press("Enter")
        dialog = page.locator("dialog#annuler-inscription")
        expect(dialog).to_be_visible()
        tab_to(page, "dialog#annuler-inscription button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator(".status-line")).to_contain_text("Annulée")
        expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    finally:
        context.close()


def test_escape_closes_the_confirmation_and_nothing_is_cancelled(app, world, chromium, live_server):  # noqa: F811
    workshop_id = make_workshop(app, world, title="Atelier clavier seul")
    context = chromium.browser().new_context(base_url=live_server, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"/workshops/{workshop_id}")
        page.get_by_label("Nom et prénom").fill("Camille Clavier")
        page.get_by_label("Adresse e-mail").fill("camille.clavier@example.org")
        page.locator("label[for=consent]").click()
        page.get_by_role("button", name="Je m’inscris").click()
        tab_to(page, '[data-confirm-dialog="annuler-inscription"]')
        page.keyboard.press("Enter")
        expect(page.locator("dialog#annuler-inscription")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("dialog#annuler-inscription")).to_be_hidden()
        page.reload()
        expect(page.locator(".status-line")).to_contain_text("Confirmée")
    finally:
        context.close()
