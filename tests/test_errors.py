"""The field-error collector: every problem of an input, refused at once."""

import pytest

from services.errors import FieldErrors, InvalidInput


def test_field_errors_without_error_is_false_and_lets_the_input_through():
    errors = FieldErrors()
    assert not errors
    errors.raise_if_any()  # nothing to refuse


def test_field_errors_refuses_with_every_message_in_the_order_added():
    errors = FieldErrors()
    errors.add("day", "Ce champ est obligatoire.")
    errors.add("end_time", "Ce champ est obligatoire.")
    errors.add("day", "L’étape doit avoir lieu pendant la tournée.")
    assert errors
    with pytest.raises(InvalidInput) as refused:
        errors.raise_if_any()
    assert refused.value.errors == {
        "day": ["Ce champ est obligatoire.", "L’étape doit avoir lieu pendant la tournée."],
        "end_time": ["Ce champ est obligatoire."],
    }
    assert list(refused.value.errors) == ["day", "end_time"]
    assert str(refused.value) == (
        "Ce champ est obligatoire.; L’étape doit avoir lieu pendant la tournée.; "
        "Ce champ est obligatoire."
    )


def test_field_errors_refusal_does_not_change_with_later_additions():
    errors = FieldErrors()
    errors.add("", "Refusé.")
    with pytest.raises(InvalidInput) as refused:
        errors.raise_if_any()
    errors.add("", "Encore.")
    assert refused.value.errors == {"": ["Refusé."]}
