"""Read a file into a table of text: CSV/TSV (any delimiter, any common encoding), Excel, Parquet.

Everything comes back as text (``None`` for a blank cell) so that numbers with decimal commas, dates in
any order and codes are parsed later, in one place, where a bad value can be named with its row. Excel
and Parquet cells that are already dates or numbers are written as ISO dates and plain numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from salesdash.i18n import t
from salesdash.ingest.report import IngestError, Problem

__all__ = ["RawTable", "read_table", "detect_encoding", "detect_delimiter", "file_kind", "check_size"]

_SAMPLE = 1 << 20  # bytes looked at to decide the encoding and the delimiter
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class RawTable:
    """A file read as text.

    Attributes
    ----------
    frame : one column per header, values are ``str`` or ``None``; the index is 0..n-1 in file order.
    file : the file's name (for messages).
    kind : ``csv``, ``excel`` or ``parquet``.
    encoding, delimiter : what was used to read a text file (None otherwise).
    """

    frame: pd.DataFrame
    file: str
    kind: str
    encoding: str | None = None
    delimiter: str | None = None


def _fail(file: str, kind: str, expected: str, *, row: int | None = None, value: str | None = None) -> IngestError:
    return IngestError(Problem(kind, file, row, None, value, expected))


def file_kind(path: str | Path) -> str:
    """``excel``, ``parquet`` or ``csv`` (anything else is read as delimited text)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "excel"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


def check_size(path: str | Path, *, max_mb: float | None = None) -> None:
    """Refuse a file larger than `max_mb` megabytes (default: the configured SALESDASH_MAX_IMPORT_MB)."""
    from salesdash.config import settings

    limit = settings().max_import_mb if max_mb is None else max_mb
    p = Path(path)
    if not p.is_file():
        raise _fail(p.name, "unreadable", t("data.expected.file_exists", path=str(p)))
    size_mb = p.stat().st_size / 1e6
    if size_mb > limit:
        raise _fail(p.name, "too_big", t("data.expected.max_size", limit=limit), value=f"{size_mb:,.1f} MB")


def detect_encoding(data: bytes) -> str:
    """The encoding of text `data`: a BOM decides; else UTF-8 if it decodes; else GB18030 or what fits.

    Returns a Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-8``, ``gb18030``, or the best guess of
    charset-normalizer (``cp1252`` when nothing fits better).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if head and head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    try:
        data.decode("utf-8") if len(data) < _SAMPLE else _decode_prefix(data, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        _decode_prefix(data, "gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SAMPLE]).best()
    return best.encoding if best is not None else "cp1252"


def _decode_prefix(data: bytes, encoding: str) -> str:
    """Decode `data` (maybe cut in the middle of a character at the end) strictly."""
    import codecs

    return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=False)


def detect_delimiter(text: str, *, suffix: str = "") -> str:
    """The field delimiter of delimited `text`: the candidate that splits the first lines most evenly."""
    if suffix == ".tsv":
        return "\t"
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for d in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=d)]
        if counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = consistent * 1000 + counts[0]
        if score > best_score:
            best, best_score = d, score
    return best


def read_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None,
               sheet: str | int | None = None, max_mb: float | None = None) -> RawTable:
    """Read `path` as text.

    Parameters
    ----------
    path : a .csv/.tsv/.txt, .xlsx or .parquet file.
    encoding : override the detected encoding (text files).
    delimiter : override the detected delimiter (text files).
    sheet : Excel sheet name or index (default: the first).
    max_mb : refuse larger files (default: the configured limit).

    Raises
    ------
    IngestError : the file is missing, too big, not readable as the kind its name says, or ragged.
    """
    p = Path(path)
    check_size(p, max_mb=max_mb)
    kind = file_kind(p)
    if kind == "excel":
        return RawTable(_read_excel(p, sheet), p.name, kind)
    if kind == "parquet":
        return RawTable(_read_parquet(p), p.name, kind)
    data = p.read_bytes()
    enc = encoding or detect_encoding(data[:_SAMPLE] if len(data) > _SAMPLE else data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError) as e:
        raise _fail(p.name, "unreadable", t("data.expected.encoding", encoding=enc), value=str(e)[:80]) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _fail(p.name, "empty", t("data.expected.header"))
    delim = delimiter or detect_delimiter(text[:_SAMPLE], suffix=p.suffix.lower())
    frame = _parse_delimited(text, delim, p.name)
    return RawTable(frame, p.name, "csv", enc, delim)


def _parse_delimited(text: str, delimiter: str, file: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=[""], quotechar='"', skipinitialspace=False, engine="c")
    except pd.errors.ParserError as e:
        msg = str(e)
        row = None
        import re

        m = re.search(r"line (\d+)", msg)
        if m:
            row = int(m.group(1))
        raise _fail(file, "unreadable", t("data.expected.same_fields"), row=row, value=msg[:120]) from None
    except (pd.errors.EmptyDataError, ValueError) as e:
        raise _fail(file, "empty", t("data.expected.header"), value=str(e)[:80]) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # Rows with more fields than the header: pandas would quietly turn the extra fields into an index.
        row, fields, expected = _first_ragged_row(text, delimiter)
        raise _fail(file, "unreadable", t("data.expected.same_fields"), row=row,
                    value=f"{fields} fields, header has {expected}")
    return _normalise(frame, file)


def _first_ragged_row(text: str, delimiter: str) -> tuple[int | None, int, int]:
    """(file row number, its field count, the header's) of the first row whose field count differs."""
    import csv

    rows = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    header = next(rows, [])
    for number, fields in enumerate(rows, start=2):
        if fields and len(fields) != len(header):
            return number, len(fields), len(header)
    return None, 0, len(header)


def _normalise(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Headers as stripped text; blank cells as None; every value as text."""
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    out = {}
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.StringDtype):
            col = col.str.strip()
            col = col.astype(object).where(col.notna() & (col != ""), None)
        else:
            col = col.astype(object).map(_cell_text)
        out[c] = col
    result = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    if len(result.columns) == 0:
        raise _fail(file, "empty", t("data.expected.header"))
    return result


def _cell_text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return v.strip() or None
    return str(v)


def _read_excel(p: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        frame = pd.read_excel(p, sheet_name=sheet if sheet is not None else 0, dtype=object, engine="openpyxl")
    except Exception as e:  # openpyxl raises many kinds for a broken or non-Excel file
        raise _fail(p.name, "unreadable", t("data.expected.excel"), value=str(e).splitlines()[0][:120]) from None
    return _normalise(frame, p.name)


def _read_parquet(p: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(p)
    except Exception as e:  # pyarrow.ArrowInvalid and friends
        raise _fail(p.name, "unreadable", t("data.expected.parquet"), value=str(e).splitlines()[0][:120]) from None
    return _normalise(frame, p.name)
