"""The national mapping of pre-2025 communes to the communes of the two-tier map, derived
from the data of the `vietnamadminunits` package (MIT licence) and checked against the
official codes of `vietnam-provinces`, which `load_units` loads.

Why derived and shipped, not installed: `vietnamadminunits` keys its old-to-new table by
folded names ("tinhdienbien_huyentuangiao_xapuxi" -> "xamuongmun"), not codes, and
pulls in shapely and geopy for the part we do not need (placing a street address inside a
split commune). Its data files hold both maps with their official codes, so the mapping
by code is derived once, here, and kept as `schools/data/communes_2025.csv`
(old_code,new_code,default). A commune split between several new ones has a row for
each, and `default` = 1 on the one its schools go to unless the operator's mapping names
another (the package's `isDefaultNewWard`).

About a hundred new communes carry another code in that data than in `vietnam-provinces`
2025.10.1 (codes reassigned after its data was taken); they are matched by name inside
their province, so every new code in the file is one `load_units` knows.
"""

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.text import fold

DATA = "vietnamadminunits/data/"


@dataclass(frozen=True)
class Row:
    old_code: str
    new_code: str
    default: bool


@dataclass
class Derived:
    rows: list[Row]
    recoded: int  # new communes matched by name because the codes differ
    unmatched: list[str]  # new communes of the package that vietnam-provinces does not have


def _key(name: str) -> str:
    """A name as both packages can be matched on: folded, without dashes, apostrophes or
    spaces ("Xã Ea H'Leo" and "Xã Ea H’ Leo", "Chân Mây - Lăng Cô" and "Chân Mây–Lăng Cô")."""
    return "".join(character for character in fold(name) if character.isalnum())


def derive(wheel: Path, current: dict[str, tuple[str, str]]) -> Derived:
    """The mapping from a `vietnamadminunits` wheel. `current`: {new commune code:
    (province code, name)} of the map `load_units` loads."""
    with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory() as scratch:
        converter = json.loads(archive.read(DATA + "converter_2025.json"))
        database = Path(scratch) / "dataset.db"
        database.write_bytes(archive.read(DATA + "dataset.db"))
        connection = sqlite3.connect(database)
        try:
            legacy = {
                f"{province}_{district}_{ward}": code.zfill(5)
                for province, district, ward, code in connection.execute(
                    "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy"
                )
                if code  # island districts without communes have none
            }
            new = {
                (province, ward): (province_code.zfill(2), code.zfill(5), name)
                for province, ward, province_code, code, name in connection.execute(
                    "SELECT provinceKey, wardKey, provinceCode, wardCode, ward FROM admin_units"
                )
                if code
            }
        finally:
            connection.close()

    by_name = {(province, _key(name)): code for code, (province, name) in current.items()}
    recoded, unmatched = set(), set()

    def official(province_key: str, ward_key: str) -> str | None:
        province, code, name = new[(province_key, ward_key)]
        if code in current and _key(current[code][1]) == _key(name):
            return code
        found = by_name.get((province, _key(name)))
        if found is None:
            unmatched.add(f"{code} {name}")
        else:
            recoded.add(code)
        return found

    rows: dict[tuple[str, str], Row] = {}
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            code = official(province_key, ward_key)
            for old in olds:
                if code and old in legacy:
                    rows[(legacy[old], code)] = Row(legacy[old], code, True)
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            for target in targets:
                code = official(province_key, target["newWardKey"])
                if code and old in legacy:
                    rows[(legacy[old], code)] = Row(legacy[old], code, bool(target["isDefaultNewWard"]))
    return Derived(sorted(rows.values(), key=lambda row: (row.old_code, row.new_code)), len(recoded), sorted(unmatched))


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["old_code", "new_code", "default"])
    writer.writerows((row.old_code, row.new_code, int(row.default)) for row in rows)
    return out.getvalue()
