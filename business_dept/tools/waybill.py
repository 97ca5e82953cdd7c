"""One normalisation of waybill numbers (运单号), for import, matching and duplicates.

Carriers and our warehouse write the same waybill in many ways: ``sf1302000001``,
``SF 1302 0000 01``, ``SF-1302-000001``, full-width ``ＳＦ１３０２...`` typed with a
Chinese input method, with or without the carrier's prefix (``SF``). They are compared
by the key this module gives; the waybill itself is kept and shown as written.
"""

import re
import unicodedata

# spaces (also the ideographic space, once NFKC made it a plain one), hyphens and
# dashes, zero-width characters pasted from web pages
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\ufeff]+")


def normalize_waybill(text, prefixes=()):
    """The comparable form of a waybill: full-width characters as ASCII (NFKC), upper
    case, without spaces, hyphens or dashes, and without the first of ``prefixes`` (the
    carrier's prefixes, already keys themselves) it starts with, when something follows
    it. ``False`` for a waybill without characters."""
    key = SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or "")).upper())
    for prefix in prefixes:
        if prefix and key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    return key or False


def normalize_prefixes(prefixes):
    """The carriers' prefixes as keys, longest first (``SFE`` before ``SF``)."""
    keys = {normalize_waybill(prefix) for prefix in prefixes if prefix}
    return tuple(sorted(filter(None, keys), key=lambda key: (-len(key), key)))
