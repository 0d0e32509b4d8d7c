"""Area codes: level from prefix, validation of gemeente and wijk codes."""
from __future__ import annotations

import re

from analysis.core.errors import UnknownAreaError

NL_CODE = "NL00"
_LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_GM = re.compile(r"^GM\d{4}$")
_WK = re.compile(r"^WK\d{4}[0-9A-Z]{2}$")  # letters occur: WK0363AA (Amsterdam)


def level_of(code: str) -> str:
    """'GM0957' -> 'gemeente', 'WK095704' -> 'wijk', 'NL00' -> 'land'."""
    try:
        return _LEVELS[code[:2]]
    except (KeyError, TypeError):
        raise UnknownAreaError(f"{code!r} is geen CBS-gebiedscode (NL00, GM…, WK…, BU…)") from None


def check_gemeentecode(code: str) -> str:
    if not isinstance(code, str) or not _GM.match(code.strip()):
        raise UnknownAreaError(f"{code} is geen gemeentecode: verwacht GM0000 (GM en 4 cijfers, bijv. GM0363)")
    return code.strip()


def check_wijkcode(code: str, valid: list[str] | None = None) -> str:
    """A well-formed wijk code, and (if `valid` is given) one of those codes."""
    if not isinstance(code, str) or not _WK.match(code.strip()):
        raise UnknownAreaError(f"{code} is geen wijkcode: verwacht WK en 6 tekens (bijv. WK095704, WK0363AA)")
    code = code.strip()
    if valid is not None and code not in valid:
        raise UnknownAreaError(f"{code} is geen wijk van {gemeente_of(code)}; kies uit {span(valid)}")
    return code


def span(codes) -> str:
    """'WK095700 … WK095709' for a long sorted list of codes, all of them for a short one."""
    codes = sorted(codes)
    return ", ".join(codes) if len(codes) <= 4 else f"{codes[0]} … {codes[-1]}"


def gemeente_of(code: str) -> str:
    """The gemeente code that a wijk or buurt code belongs to."""
    return "GM" + code[2:6]


def short_name(name: str) -> str:
    """'Wijk 04 Donderberg' -> 'Donderberg' (CBS prefixes wijk names with their number)."""
    return re.sub(r"^Wijk\s+\d{2}\s+", "", str(name)).strip()
