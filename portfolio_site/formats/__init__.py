"""The site's own date and number formats (``FORMAT_MODULE_PATH``), where Django's differ
from CLDR's. A name not set here falls back to Django's module for that language.
tests/test_language_quality.py checks them against CLDR through ``babel``."""
