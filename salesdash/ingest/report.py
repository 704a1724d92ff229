"""What an import found and did: problems, the validation report, and the error type.

Every problem names the file, the row, the column, the value and what was expected, in words that go
through :func:`salesdash.i18n.t`. Row numbers are the ones a person sees in a spreadsheet or an editor: the
header is row 1 and the first record is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from salesdash.i18n import t

__all__ = ["Problem", "ProblemCount", "TableLoad", "ImportReport", "IngestError", "ERROR", "WARNING"]

ERROR = "error"
WARNING = "warning"

#: How many examples of one kind of problem (in one column) a report keeps; the count is always exact.
EXAMPLES_PER_KIND = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a file.

    Parameters
    ----------
    kind : what is wrong: ``missing_column``, ``missing_value``, ``bad_date``, ``bad_number``,
        ``negative``, ``out_of_range``, ``duplicate_key``, ``existing_key``, ``unknown_value``,
        ``unknown_reference``, ``near_miss``, ``ambiguous_dates``, ``not_loaded_column``,
        ``unreadable``, ``too_big``, ``empty``, ``bad_profile``.
    file : the file's name.
    row : spreadsheet row number (header = 1), or None for a problem of the whole file or column.
    column : the source column (or the canonical column when no source column is involved).
    value : the offending value as written in the file.
    expected : what was expected, in words (already translated).
    severity : ``error`` (the row, or the file, cannot load) or ``warning`` (it loads; have a look).
    """

    kind: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: str = ERROR

    def message(self) -> str:
        """One line a person reads: where, what was found, what was expected."""
        where = t("data.where.row", file=self.file, row=self.row) if self.row is not None else \
            t("data.where.file", file=self.file)
        if self.column:
            where += t("data.where.column", column=self.column)
        found = t("data.found", value=self.value) if self.value is not None else ""
        return t("data.problem_line", where=where, what=t(f"data.kind.{self.kind}"), found=found,
                 expected=self.expected)


@dataclass(frozen=True)
class ProblemCount:
    """How many rows have one kind of problem in one column (examples are capped, counts are not)."""

    kind: str
    column: str | None
    severity: str
    rows: int


@dataclass(frozen=True)
class TableLoad:
    """Rows an import puts (or would put) into one table and how."""

    table: str
    rows: int
    mode: str


@dataclass
class ImportReport:
    """The validation report of one file, and what the import did.

    Attributes
    ----------
    file, table : the file and the canonical table asked for.
    rows_read : records read from the file.
    rows_loadable : records that pass every check (would load, or loaded).
    problems : examples of every problem (up to 20 per kind and column), in file order.
    counts : exact number of rows per kind of problem and column.
    tables : rows per table (a flat export fills several).
    loaded : True only when the data is in the store.
    import_id : the id in the import history when loaded.
    notes : what the import decided and a person should know (date order, decimal mark, encoding...).
    """

    file: str
    table: str
    mode: str = "append"
    dry_run: bool = False
    rows_read: int = 0
    rows_loadable: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: list[ProblemCount] = field(default_factory=list)
    tables: list[TableLoad] = field(default_factory=list)
    loaded: bool = False
    import_id: int | None = None
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    date_order: str | None = None
    fast_path: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """No errors: every row read would load."""
        return not self.errors

    def add(self, problem: Problem, *, rows: int = 1) -> None:
        """Record a problem (kept as an example while under the cap) and count it."""
        for i, c in enumerate(self.counts):
            if c.kind == problem.kind and c.column == problem.column and c.severity == problem.severity:
                self.counts[i] = ProblemCount(c.kind, c.column, c.severity, c.rows + rows)
                shown = sum(1 for p in self.problems if p.kind == problem.kind and p.column == problem.column)
                if shown < EXAMPLES_PER_KIND:
                    self.problems.append(problem)
                return
        self.counts.append(ProblemCount(problem.kind, problem.column, problem.severity, rows))
        self.problems.append(problem)

    def summary(self) -> str:
        """The headline: rows read, rows that load, errors and warnings."""
        key = "data.summary.loaded" if self.loaded else ("data.summary.dry_run" if self.dry_run and self.ok
                                                         else "data.summary.not_loaded")
        return t(key, file=self.file, table=self.table, read=self.rows_read, loadable=self.rows_loadable,
                 errors=self.rows_read - self.rows_loadable if self.rows_read else len(self.errors),
                 warnings=sum(c.rows for c in self.counts if c.severity == WARNING))

    def lines(self) -> list[str]:
        """The whole report as text lines (what the CLI prints)."""
        out = [self.summary()]
        out += [t("data.table_line", table=x.table, rows=x.rows, mode=x.mode) for x in self.tables]
        out += [t("data.note_line", note=n) for n in self.notes]
        for c in self.counts:
            out.append(t("data.count_line", severity=t(f"data.severity.{c.severity}"),
                         what=t(f"data.kind.{c.kind}"), column=c.column or "-", rows=c.rows))
        out += ["  " + p.message() for p in self.problems]
        return out


class IngestError(Exception):
    """One problem that stops an import before it starts (unreadable file, file too big, bad profile)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message())
        self.problem = problem
