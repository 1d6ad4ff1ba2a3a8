"""In Chromium: a member of the Roubaix team comments on the stop and mentions the lead
through the completion list; the lead sees the unread counter and the mention."""

import re

import pytest
from playwright.sync_api import expect

from tests.collaboration.conftest import Team
from tests.test_browser import chromium, live_server, log_in, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_member_mentions_the_lead_who_sees_the_counter(new_page, team: Team):  # noqa: F811
    member = new_page()
    log_in(member, team.member)
    member.goto(f"/board/stops/{team.stop_id}/programme")
    field = member.get_by_label("Votre commentaire")
    field.click()
    field.press_sequentially("Salle réservée, merci @Rém")
    suggestion = member.locator(".fi-mention-list button", has_text="@Rémi Roubaix")
    expect(suggestion).to_be_visible()
    field.press("ArrowDown")
    expect(suggestion).to_be_focused()
    suggestion.press("Enter")
    expect(field).to_have_value("Salle réservée, merci @[Rémi Roubaix] ")
    field.press_sequentially("pour la confirmation.")
    member.get_by_role("button", name="Publier le commentaire").click()
    expect(member.locator(".fi-comment").first).to_contain_text("@Rémi Roubaix")
    expect(member.locator("#compteur-notifications .fi-unread")).to_have_count(0)

    lead = new_page()
    log_in(lead, team.lead)
    counter = lead.locator("#compteur-notifications")
    expect(counter).to_contain_text("1 non lue")
    counter.click()
    expect(lead.locator(".notification--unread")).to_contain_text("vous a mentionné")
    lead.locator(".notification--unread a").first.click()
    expect(lead).to_have_url(re.compile(r"#commentaire-\d+$"))
