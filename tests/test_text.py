"""Slugs for download names: accents folded, not dropped."""

from services.text import slugify


def test_slug_folds_accents_and_ligatures():
    assert slugify("Hélène Dupré") == "helene-dupre"
    assert slugify("Œuvre commune à Mayotte") == "oeuvre-commune-a-mayotte"
    assert slugify("Réemploi & économie circulaire") == "reemploi-economie-circulaire"


def test_slug_has_single_dashes_and_none_at_either_end():
    assert slugify("  -- Table ronde : « Mobilités » ! --  ") == "table-ronde-mobilites"
    assert slugify("L’ESS, 2019/2020") == "l-ess-2019-2020"


def test_slug_leaves_out_what_has_no_ascii_form():
    assert slugify("Søren") == "sren"
    assert slugify("…") == ""


def test_slug_is_cut_to_max_length_without_a_trailing_dash():
    assert slugify("abc def ghi", max_length=4) == "abc"
    assert slugify("abc def ghi", max_length=7) == "abc-def"
    assert len(slugify("é" * 100, max_length=60)) == 60


def test_french_typography_puts_no_break_spaces_where_french_wants_them():
    from services.text import french_typography

    assert french_typography("Attention : « Mobilités » ; prêt ? Oui !") == (
        "Attention\u00a0: «\u00a0Mobilités\u00a0»\u202f; prêt\u202f? Oui\u202f!"
    )
    # Only spaces already typed are replaced: times and addresses are left as they are.
    assert french_typography("10:30 https://a.example/?q=1!") == "10:30 https://a.example/?q=1!"
    assert french_typography("Attention : oui", "en") == "Attention : oui"


def test_french_typography_leaves_html_tags_and_attributes_alone():
    from markupsafe import Markup

    from services.text import french_typography

    html = Markup('<a title="a : b" href="/x">Voir : ici</a>')
    result = french_typography(html)
    assert isinstance(result, Markup)
    assert str(result) == '<a title="a : b" href="/x">Voir\u00a0: ici</a>'
