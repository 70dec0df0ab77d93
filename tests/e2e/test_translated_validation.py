"""The site's forms answer in the page's language: the browser's own checks (its English
"Please enter a URL." tooltip) must not stop a form before the site's translated errors."""

from django.core.validators import URLValidator
from django.forms import Field
from django.utils import translation


def test_a_kyrgyz_sign_up_with_a_bad_website_shows_the_sites_kyrgyz_errors(new_page):
    page = new_page(language="ky")
    page.goto("/accounts/signup/employer/")
    page.locator("#id_website").fill("not a url")
    assert page.locator("#id_website").get_attribute("type") == "url"  # a phone's URL keyboard

    page.locator("#submit-id-submit").click()
    page.wait_for_load_state()

    with translation.override("ky"):
        bad_url = str(URLValidator.message)
        required = str(Field.default_error_messages["required"])
    assert bad_url != "Enter a valid URL."
    assert (
        page.locator("#id_website ~ .invalid-feedback, #error_1_id_website").first.inner_text()
        == bad_url
    )
    assert page.get_by_text(required).first.is_visible()
    assert page.evaluate("document.getElementById('id_website').form.noValidate")
