"""Mapping profiles: which source column feeds which canonical column, which source value means which code.

A profile is a JSON or TOML file a user can save, edit and reuse::

    {
      "name": "My CRM deals",
      "table": "opportunities",
      "columns": {
        "opportunity_id": "Record Id",
        "amount": ["Amount", "Deal Amount"],          # the first header present wins
        "stage": "Stage", "status": "Stage",          # one source column can feed two
        "customers.customer_id": "Account Name",      # a flat export fills other tables too
        "reps.rep_id": "Deal Owner",
        "probability": "= {Probability (%)} / 100"     # a simple derived value: + - * / and numbers
      },
      "values": {"stage": {"Qualification": "prospect", "Closed Won": "won", "*": "intent"}},
      "defaults": {"channel_id": "direct"},
      "date_order": "mdy", "decimal": ".", "encoding": null, "delimiter": null, "timezone": null
    }

Keys without a table prefix belong to ``table``. Headers and mapped values match regardless of case,
spaces, underscores and hyphens. ``"*"`` in a value map catches every other value. ``defaults`` fill blank
cells and missing columns. Built-in presets live in ``salesdash/ingest/presets/*.json``.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from salesdash import schema
from salesdash.i18n import t
from salesdash.ingest.parse import DATE_ORDERS
from salesdash.ingest.report import IngestError, Problem

__all__ = ["Profile", "norm", "load_profile", "save_profile", "preset", "preset_names", "canonical_profile",
           "Target"]

_NORM = re.compile(r"[\s_\-]+")


def norm(text: str) -> str:
    """A header or value as compared: case-folded, without spaces, underscores or hyphens."""
    return _NORM.sub("", str(text)).casefold()


@dataclass(frozen=True)
class Target:
    """A canonical column a profile fills: ``table`` and ``column``."""

    table: str
    column: str

    @property
    def key(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class Profile:
    """A mapping from a source file to canonical tables (see the module docstring for the format).

    Attributes
    ----------
    table : the main canonical table.
    columns : canonical column (``col`` or ``table.col``) -> source header, list of alternative headers, or
        ``"= expression"`` over ``{Header}`` names.
    values : canonical column -> {source value: canonical value}; ``"*"`` is the fallback.
    defaults : canonical column -> value for blank cells and missing columns.
    date_order : ``dmy`` / ``mdy`` / None (decide from the data, ask when it does not decide).
    decimal : ``.`` / ``,`` / None (decide from the data).
    encoding, delimiter, sheet : how to read the file (None: detect).
    timezone : the zone epoch-millisecond timestamps are shown in.
    """

    table: str
    columns: dict[str, str | list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    name: str = ""
    date_order: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    timezone: str | None = None

    def target(self, key: str) -> Target:
        tbl, _, col = key.rpartition(".")
        return Target(tbl or self.table, col)

    def targets(self) -> list[Target]:
        """Every canonical column the profile fills (mapped or defaulted), main table first."""
        seen: dict[str, Target] = {}
        for key in [*self.columns, *self.defaults]:
            tg = self.target(key)
            seen.setdefault(tg.key, tg)
        return sorted(seen.values(), key=lambda x: x.table != self.table)

    def tables(self) -> list[str]:
        """The main table, then every other table the profile fills, in schema order."""
        others = {tg.table for tg in self.targets()} - {self.table}
        return [self.table] + [n for n in schema.TABLES if n in others]

    def spec(self, tg: Target) -> str | list[str] | None:
        for key in (tg.key, tg.column) if tg.table == self.table else (tg.key,):
            if key in self.columns:
                return self.columns[key]
        return None

    def value_map(self, tg: Target) -> dict[str, str] | None:
        for key in (tg.key, tg.column) if tg.table == self.table else (tg.key,):
            if key in self.values:
                return self.values[key]
        return None

    def default(self, tg: Target) -> str | None:
        for key in (tg.key, tg.column) if tg.table == self.table else (tg.key,):
            if key in self.defaults:
                return self.defaults[key]
        return None

    def with_table(self, table: str) -> Profile:
        return replace(self, table=table)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "table": self.table, "columns": self.columns,
                                  "values": self.values, "defaults": self.defaults}
        for k in ("date_order", "decimal", "encoding", "delimiter", "sheet", "timezone"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict, *, source: str = "profile") -> Profile:
        """Build and check a profile; a wrong field is an :class:`IngestError` naming it."""
        def bad(what: str, value: object = None) -> IngestError:
            return IngestError(Problem("bad_profile", source, None, what, None if value is None else str(value),
                                       t(f"data.expected.profile_{what}")))

        if not isinstance(data, dict):
            raise bad("table")
        table = data.get("table")
        if table not in schema.TABLES:
            raise bad("table", table)
        columns = data.get("columns", {}) or {}
        values = data.get("values", {}) or {}
        defaults = data.get("defaults", {}) or {}
        if not isinstance(columns, dict) or not all(isinstance(v, (str, list)) for v in columns.values()):
            raise bad("columns")
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise bad("values")
        if not isinstance(defaults, dict):
            raise bad("defaults")
        prof = cls(table=table, columns=dict(columns), values={k: {str(a): str(b) for a, b in v.items()}
                                                               for k, v in values.items()},
                   defaults={k: str(v) for k, v in defaults.items()}, name=str(data.get("name", "")),
                   date_order=data.get("date_order"), decimal=data.get("decimal"),
                   encoding=data.get("encoding"), delimiter=data.get("delimiter"), sheet=data.get("sheet"),
                   timezone=data.get("timezone"))
        for key in [*prof.columns, *prof.values, *prof.defaults]:
            tg = prof.target(key)
            if tg.table not in schema.TABLES or tg.column not in schema.table(tg.table).column_names:
                raise bad("column", key)
        if prof.date_order not in (None, *DATE_ORDERS):
            raise bad("date_order", prof.date_order)
        if prof.decimal not in (None, ".", ","):
            raise bad("decimal", prof.decimal)
        return prof


def load_profile(path: str | Path) -> Profile:
    """Read a profile from a ``.json`` or ``.toml`` file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise IngestError(Problem("bad_profile", p.name, None, None, str(e).splitlines()[0][:120],
                                  t("data.expected.profile_file"))) from None
    return Profile.from_dict(data, source=p.name)


def save_profile(profile: Profile, path: str | Path) -> Path:
    """Write `profile` as JSON (or TOML when the name ends in .toml)."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        p.write_text(_to_toml(profile.to_dict()), encoding="utf-8")
    else:
        p.write_text(profile.to_json() + "\n", encoding="utf-8")
    return p


def _to_toml(data: dict) -> str:
    def val(v: object) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    lines = [f"{k} = {val(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section in ("columns", "defaults"):
        lines += ["", f"[{section}]"] + [f"{val(k)} = {val(v)}" for k, v in data.get(section, {}).items()]
    for col, mapping in data.get("values", {}).items():
        lines += ["", f"[values.{val(col)}]"] + [f"{val(k)} = {val(v)}" for k, v in mapping.items()]
    return "\n".join(lines) + "\n"


def preset_names() -> list[str]:
    """Names of the built-in presets (``zoho_deals``, ``fxiaoke_opportunities``, ...)."""
    folder = resources.files("salesdash.ingest") / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def preset(name: str) -> Profile:
    """A built-in preset by name; an unknown name is an :class:`IngestError` listing the known ones."""
    folder = resources.files("salesdash.ingest") / "presets"
    path = folder / f"{name}.json"
    if not path.is_file():
        raise IngestError(Problem("bad_profile", name, None, None, name,
                                  t("data.expected.preset", names=", ".join(preset_names()))))
    return Profile.from_dict(json.loads(path.read_text(encoding="utf-8")), source=f"{name}.json")


def canonical_profile(table: str, headers: list[str]) -> Profile:
    """The profile of a file already in the canonical format: headers that are canonical names map to
    themselves (compared regardless of case, spaces and underscores)."""
    names = {norm(c): c for c in schema.table(table).column_names}
    columns = {names[norm(h)]: h for h in headers if norm(h) in names}
    return Profile(table=table, columns=columns, name="canonical")
