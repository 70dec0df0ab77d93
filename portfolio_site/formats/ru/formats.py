"""Russian formats: Django's, with CLDR's two-digit hours ("09:05", CLDR ``HH:mm``) and
its comma between date and time ("1 сентября 2024 г., 09:05", CLDR ``{1}, {0}``)."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y г., H:i"
SHORT_DATETIME_FORMAT = "d.m.Y, H:i"
MONTH_DAY_FORMAT = "j E"  # CLDR MMMMd: "1 сентября"
