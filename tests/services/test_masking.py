"""Personal data is masked before anyone else sees it; the author is told what was removed."""

import pytest

from crowd.services.masking import mask_personal_data, valid_nhs_number


@pytest.mark.parametrize("written", ["943 476 5919", "9434765919", "943-476-5919"])
def test_nhs_number_with_a_valid_check_digit_is_masked(written):
    result = mask_personal_data(f"My NHS number is {written}, please call me.")
    assert written not in result.text
    assert "[NHS number removed]" in result.text
    assert result.kinds == ("nhs_number",)
    assert "an NHS number" in result.message


def test_ten_digits_with_a_wrong_check_digit_are_not_taken_for_an_nhs_number():
    assert not valid_nhs_number("9434765918")
    result = mask_personal_data("Reference 943 476 5918 from the leaflet")
    assert result.text == "Reference 943 476 5918 from the leaflet"
    assert result.kinds == ()
    assert result.message == ""


@pytest.mark.parametrize(
    "phone",
    [
        "020 7946 0958",
        "(020) 7946 0958",
        "0207-946-0958",
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+44 (0)20 7946 0958",
    ],
)
def test_uk_phone_numbers_in_the_ways_people_write_them_are_masked(phone):
    result = mask_personal_data(f"Ring me on {phone} after six")
    assert result.text == "Ring me on [phone number removed] after six"
    assert "a phone number" in result.message


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "E1 6AN", "e1 6an", "N19 5NF"])
def test_postcodes_are_masked(postcode):
    result = mask_personal_data(f"I live at {postcode} near the clinic")
    assert result.text == "I live at [postcode removed] near the clinic"
    assert result.kinds == ("postcode",)


def test_email_addresses_are_masked_and_every_kind_found_is_reported():
    result = mask_personal_data("Write to ann.b+nhs@example.org or call 07700 900123 (I'm in SW1A 1AA)")
    assert "example.org" not in result.text
    assert set(result.kinds) == {"email", "phone", "postcode"}
    assert "an email address" in result.message and "a phone number" in result.message


def test_ordinary_numbers_and_dates_are_left_alone():
    text = "I waited 18 weeks in 2024 and saw 3 different GPs; the 111 line took 45 minutes."
    assert mask_personal_data(text).text == text
