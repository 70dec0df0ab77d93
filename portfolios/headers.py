"""Response headers of pages reached through a secret link, and of previews."""


def secret_page_headers(response):
    """Nobody keeps a copy, and the address (it holds the token) goes in a Referer to this
    site only. Not "no-referrer": the browser then sends "Origin: null" with the page's own
    forms (the language switch), and Django's CSRF check refuses them."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
