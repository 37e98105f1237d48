"""Which jurisdiction a law belongs to when no manifest says: a flag, or the ISO 3166-1 code
that starts its file name (`MX_Ley_Federal_del_Trabajo.pdf`)."""

from __future__ import annotations

import re

# ISO 3166-1 alpha-2, the officially assigned codes. User-assigned codes (AA, QM-QZ, XA-XZ, ZZ),
# such as the sample corpus's XN, XS and XF, are not guessed from names: a manifest gives them.
ISO_3166_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
# Capitals, then a separator: "my_law.pdf" is not Malaysia's, "ILO_C177" is not Israel's.
_LEADING_CODE = re.compile(r"([A-Z]{2})(?:[_\-. ]|$)")


def jurisdiction_from_name(file_name: str) -> str:
    """The ISO 3166 code that starts a file name, or "" if it starts with none."""
    found = _LEADING_CODE.match(file_name)
    return found.group(1) if found and found.group(1) in ISO_3166_CODES else ""
