"""The registrants' CSV: no cell a spreadsheet runs as a formula, a file name from the title."""

import pytest

from models import Workshop
from services.registration.export import cell, registrants_filename


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_kept_as_text(start):
    assert cell(f"{start}1+1") == f"'{start}1+1"


def test_other_cells_are_left_as_they_are():
    assert cell("Hélène = Éluard") == "Hélène = Éluard"
    assert cell(3) == "3"
    assert cell(None) == ""
    assert cell("") == ""


def test_file_name_is_the_titles_slug_or_the_workshops_id():
    assert registrants_filename(Workshop(id=7, title="Réemploi & économie circulaire")) == (
        "inscrits-reemploi-economie-circulaire.csv"
    )
    assert registrants_filename(Workshop(id=7, title="« … »")) == "inscrits-7.csv"
    long_title = "Atelier " + "très long " * 20
    assert len(registrants_filename(Workshop(id=7, title=long_title))) == len("inscrits-.csv") + 60
