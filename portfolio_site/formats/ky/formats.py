"""Kyrgyz formats after CLDR's ``ky`` locale.

Django's own Kyrgyz module has no decimal separator (so numbers showed "53.8") and writes
"1 Сентябрь 2024 ж.". CLDR writes a long date ``y-'ж'., d-MMMM`` ("2024-ж., 1-сентябрь"),
with the month in its lower-case format form: Django's ``E`` (the "alt. month" names,
lower-cased in locale_overrides/ky), while ``F`` keeps the stand-alone "Сентябрь".
"""

# The *_FORMAT strings use Django's date format syntax.
DATE_FORMAT = "Y-ж., j-E"  # CLDR long: y-'ж'., d-MMMM
TIME_FORMAT = "H:i"  # CLDR short time: HH:mm
DATETIME_FORMAT = "Y-ж., j-E H:i"  # CLDR: {1} {0}
YEAR_MONTH_FORMAT = "Y-ж., E"  # CLDR yMMMM: y-'ж'., MMMM
MONTH_DAY_FORMAT = "j-E"  # CLDR MMMMd: d-MMMM
SHORT_DATE_FORMAT = "j/n/y"  # CLDR short: d/M/yy
SHORT_DATETIME_FORMAT = "j/n/y H:i"
FIRST_DAY_OF_WEEK = 1  # Дүйшөмбү, Monday

# The *_INPUT_FORMATS strings use Python's strftime syntax; ISO dates are always accepted.
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '25.10.2006'
    "%d.%m.%y",  # '25.10.06'
    "%d/%m/%y",  # '25/10/06', CLDR's short date
    "%d/%m/%Y",  # '25/10/2006'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
