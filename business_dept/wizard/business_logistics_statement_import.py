import base64
import csv
import io
import re
from datetime import date, datetime

import openpyxl
from openpyxl.utils.datetime import from_excel

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools.waybill import normalize_waybill

MAX_FILE_SIZE = 10 * 1024 * 1024
# The header is looked for among the first rows: carriers put a title, their company
# and the period above it (顺丰 / 中通 / 德邦 month-end statements).
HEADER_SEARCH_ROWS = 20
# Header names accepted for each column, compared after ``_header_key``: without
# spaces, case, punctuation or a unit in brackets (运费(元) = 运费, 计费重量(kg) = 计费重量).
COLUMN_ALIASES = {
    "waybill": {
        "waybill",
        "waybillno",
        "waybillnumber",
        "trackingreference",
        "trackingnumber",
        "trackingno",
        "运单号",
        "运单号码",
        "运单编号",
        "快递单号",
        "快递单号码",
        "物流单号",
        "邮件号",
        "面单号",
        "单号",
    },
    "amount": {
        "amount",
        "freight",
        "cost",
        "charge",
        "金额",
        "运费",
        "费用",
        "运费金额",
        "应付金额",
        "应付运费",
        "总运费",
        "总费用",
        "结算金额",
    },
    "date": {
        "date",
        "shipdate",
        "shippingdate",
        "日期",
        "发货日期",
        "寄件日期",
        "寄件时间",
        "发件日期",
        "发运日期",
        "揽收日期",
        "揽收时间",
        "开单日期",
    },
}
# A unit written after a header without brackets (运费元, 重量kg).
HEADER_UNITS = ("元", "rmb", "cny", "kg", "公斤")
# First words of a carrier's total rows, skipped (合计 / 小计 / 总计).
TOTAL_WORDS = ("合计", "小计", "总计", "总合计", "共", "total", "subtotal", "grandtotal")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# A waybill that Excel has shown in scientific notation and saved so: its last digits
# are lost (7.73123E+11, 7,73123E+11 in a decimal-comma locale).
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
# Excel keeps 15 significant digits: a number with more has lost its last ones.
EXCEL_DIGITS = 15


class BusinessLogisticsStatementImport(models.TransientModel):
    """Import the carrier's own statement (物流对账单) from XLSX or CSV.

    Files as carriers send them: title rows above the header (the header is the
    first of the first rows that names a waybill and an amount column), headers in
    Chinese or English with units (运费(元)), total rows (合计 / 小计 / 总计) that are
    skipped. CSV in UTF-8 (with or without BOM), GB18030 or UTF-16 (Excel's Unicode
    text), separated by commas, semicolons or tabs. The whole file is checked first:
    any bad row refuses the import, naming row and column, and nothing is written. A
    waybill Excel turned into a number that lost digits (scientific notation, more
    than 15 digits) is such a bad row.

    A new import of the statement replaces the rows of its previous import (the
    carrier sends a corrected file): lines created by the previous import are
    removed and collected deliveries it listed wait for the new file; a resolution
    stays on a waybill whose amount did not change.
    """

    _name = "business.logistics.statement.import"
    _description = "Import Carrier Statement"

    statement_id = fields.Many2one("business.logistics.statement", required=True)
    file = fields.Binary(required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        statement = self.statement_id
        statement._check_group("business_dept.group_business_assistant")
        statement._check_state("draft", "matched")
        rows = self._parse_rows(self._read_table())
        self._write_rows(rows)
        statement._match_lines()
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------ reading
    def _read_table(self):
        """Return the file's rows (lists of cells), as they are in the file."""
        content = base64.b64decode(self.file or b"")
        if not content:
            raise UserError(self.env._("The file is empty."))
        if len(content) > MAX_FILE_SIZE:
            raise UserError(
                self.env._(
                    "The file is larger than %(size)s MB.", size=MAX_FILE_SIZE // 1024 // 1024
                )
            )
        if content[:2] == b"PK" or (self.filename or "").lower().endswith(".xlsx"):
            return self._read_xlsx(content)
        return self._read_csv(content)

    def _read_xlsx(self, content):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
        except Exception as error:
            raise UserError(
                self.env._("The file cannot be read as XLSX: %(error)s", error=error)
            ) from error
        return rows

    def _read_csv(self, content):
        if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
            encodings = ("utf-16",)  # Excel's "Unicode Text": UTF-16 with BOM, tabs
        else:
            encodings = ("utf-8-sig", "gb18030")
        for encoding in encodings:
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(self.env._("The file is neither UTF-8 nor GB18030 text."))
        try:
            sniffed = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            sniffed = ","
        # the separator is the one that shows the header (title rows fool the sniffer)
        tables = []
        for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
            try:
                table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            except csv.Error as error:
                raise UserError(
                    self.env._("The file cannot be read as CSV: %(error)s", error=error)
                ) from error
            if self._find_header(table)[0] is not None:
                return table
            tables.append(table)
        return tables[0]

    # ------------------------------------------------------------------ checking
    @classmethod
    def _header_key(cls, name):
        """Comparable form of a header: no unit in brackets, spaces, punctuation, case."""
        text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(name or ""))
        return re.sub(r"[\s._\-/:：#*]", "", text).lower()

    @classmethod
    def _column_of(cls, name):
        """The column (waybill, amount, date) a header names, or None."""
        key = cls._header_key(name)
        candidates = [key] + [key[: -len(unit)] for unit in HEADER_UNITS if key.endswith(unit)]
        for column, aliases in COLUMN_ALIASES.items():
            if any(candidate in aliases for candidate in candidates):
                return column
        return None

    @classmethod
    def _find_header(cls, table):
        """``(index of the header row, {column: cell index})`` of the first of the first
        rows naming a waybill and an amount column; ``(None, best columns seen)``."""
        best = {}
        for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
            columns = {}
            for position, cell in enumerate(row):
                column = cls._column_of(cell) if isinstance(cell, str) else None
                if column and column not in columns:
                    columns[column] = position
            if "waybill" in columns and "amount" in columns:
                return index, columns
            if len(columns) > len(best):
                best = columns
        return None, best

    @staticmethod
    def _is_blank(value):
        return value is None or (isinstance(value, str) and not value.strip())

    @classmethod
    def _is_total_row(cls, row, columns):
        """A carrier's total row: its first filled cell, or with no waybill any cell,
        starts with 合计 / 小计 / 总计 / Total."""
        texts = (cell for cell in row if isinstance(cell, str) and cell.strip())
        first = next(texts, None)
        if first is None:
            return False
        if cls._header_key(first).startswith(TOTAL_WORDS):
            return True
        waybill_index = columns["waybill"]
        waybill = row[waybill_index] if waybill_index < len(row) else None
        # the other cells only matter on a row without waybill
        return cls._is_blank(waybill) and any(
            cls._header_key(text).startswith(TOTAL_WORDS) for text in texts
        )

    def _parse_rows(self, table):
        """Check every row; return ``[(waybill, date, amount)]`` or refuse.

        Rows are numbered as in the file (row 1 is the file's first row). Blank rows,
        total rows and rows without waybill and amount (a signature under the table)
        are skipped.
        """
        if not any(any(not self._is_blank(cell) for cell in row) for row in table):
            raise UserError(self.env._("The file has no rows."))
        header_index, columns = self._find_header(table)
        labels = {
            "waybill": self.env._("Waybill"),
            "amount": self.env._("Amount"),
            "date": self.env._("Date"),
        }
        if header_index is None:
            missing = "waybill" if "waybill" not in columns else "amount"
            raise UserError(
                self.env._(
                    "The file has no %(column)s column: none of its first %(count)s rows is "
                    "a header naming a waybill and an amount column.",
                    column=labels[missing],
                    count=HEADER_SEARCH_ROWS,
                )
            )
        header = table[header_index]
        statement = self.statement_id
        # read once, not per row (20,000 rows and more)
        date_from, date_to = statement.date_from, statement.date_to
        rows = []
        for number, row in enumerate(table[header_index + 1 :], start=header_index + 2):
            if all(self._is_blank(cell) for cell in row) or self._is_total_row(row, columns):
                continue

            def cell(key, row=row):
                index = columns.get(key)
                if index is None or index >= len(row):
                    return None
                value = row[index]
                return value.strip() if isinstance(value, str) else value

            def refuse(key, message, number=number):
                raise UserError(
                    self.env._(
                        "Row %(row)s, column %(column)s: %(message)s",
                        row=number,
                        column=header[columns[key]],
                        message=message,
                    )
                )

            waybill_cell, amount_cell = cell("waybill"), cell("amount")
            if self._is_blank(waybill_cell) and self._is_blank(amount_cell):
                continue
            waybill, problem = self._to_waybill(waybill_cell)
            if problem:
                refuse("waybill", problem)
            amount = self._to_amount(amount_cell)
            if amount is None:
                refuse("amount", self.env._("%(value)s is not an amount.", value=amount_cell))
            if amount < 0:
                refuse("amount", self.env._("the amount %(value)s is negative.", value=amount))
            day = None
            date_cell = cell("date") if "date" in columns else None
            if not self._is_blank(date_cell):
                day = self._to_date(date_cell)
                if day is None:
                    refuse("date", self.env._("%(value)s is not a date.", value=date_cell))
                if not date_from <= day <= date_to:
                    refuse(
                        "date",
                        self.env._(
                            "%(date)s is outside the statement period %(date_from)s - %(date_to)s.",
                            date=format_date(self.env, day),
                            date_from=format_date(self.env, statement.date_from),
                            date_to=format_date(self.env, statement.date_to),
                        ),
                    )
            rows.append((waybill, day, amount))
        if not rows:
            raise UserError(self.env._("The file has a header but no rows."))
        return rows

    def _to_waybill(self, value):
        """``(waybill, None)`` or ``(None, problem)``.

        Excel shows a long number in scientific notation and keeps 15 digits: a
        waybill saved so has lost digits and would match nothing (or the wrong
        delivery), so it is refused rather than guessed. A number that is an exact
        integer (an XLSX number cell, 773123456789.0) is the waybill's digits.
        """
        if self._is_blank(value):
            return None, self.env._("the waybill is missing.")
        if isinstance(value, bool):
            return None, self.env._("%(value)s is not a waybill.", value=value)
        if isinstance(value, float):
            if not value.is_integer():
                return None, self.env._("%(value)s is not a waybill number.", value=value)
            value = int(value)
            if len(str(abs(value))) > EXCEL_DIGITS:
                # formatted outside the call: babel cannot extract a call holding an f-string
                shown = f"{value:.6g}"
                return None, self.env._(
                    "%(value)s has more than %(digits)s digits and was stored as a number: "
                    "its last digits are lost. Format the column as text and send the file "
                    "again.",
                    value=shown,
                    digits=EXCEL_DIGITS,
                )
        if isinstance(value, int):
            return str(value), None
        text = str(value).strip()
        if SCIENTIFIC.match(text):
            return None, self.env._(
                "%(value)s is in scientific notation: the waybill lost its last digits. "
                "Format the column as text and send the file again.",
                value=text,
            )
        if re.fullmatch(r"\d+\.0+", text):  # a number cell written as 773123456789.0
            text = text.split(".")[0]
        if not normalize_waybill(text):
            return None, self.env._("%(value)s is not a waybill.", value=text)
        return text, None

    @staticmethod
    def _to_amount(value):
        """A number from a cell: ``1,234.50``, ``1.234,50``, ``20,00``, ``¥20``, ``20元``."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        text = re.sub(r"[\s¥￥元]|RMB|CNY", "", str(value or ""), flags=re.IGNORECASE)
        if "," in text:
            if "." in text and text.rindex(".") > text.rindex(","):
                text = text.replace(",", "")  # 1,234.50
            elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
                text = text.replace(",", "")  # 1,234
            else:
                text = text.replace(".", "").replace(",", ".")  # 1.234,50 / 20,00
        try:
            return float(text)
        except ValueError:
            return None

    @staticmethod
    def _to_date(value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            # a date cell without a date format: Excel's serial day number
            try:
                return from_excel(value).date()
            except (ValueError, OverflowError, TypeError):
                return None
        text = str(value).strip().split(" ")[0].split("T")[0]
        if ISO_DATE.match(text):  # the usual case, without strptime
            try:
                return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
            except ValueError:
                return None  # 2025-02-30: no other format reads it either
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None

    # ------------------------------------------------------------------ writing
    def _write_rows(self, rows):
        """Replace the statement's previous import by ``rows`` in a few queries.

        The rows of the previous import go first: lines it created are deleted,
        collected lines it filled wait for the carrier again. Then a collected line
        (our delivery) takes the first row of its waybill, compared by key
        (``tools.waybill``), and shows the waybill as the carrier wrote it; every other
        row becomes a new line, so a waybill listed twice gives two lines and the
        second is flagged 'duplicate'. A resolution (and note) given to a previous row
        stays with the row of the same waybill and amount. One UPDATE and one INSERT, no write per
        line.
        """
        statement = self.statement_id
        currency = statement.currency_id
        Line = self.env["business.logistics.statement.line"]
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT id, waybill_key, source, amount, resolution, note
                  FROM business_logistics_statement_line
                 WHERE statement_id = %s AND carrier_file IS NOT NULL
              ORDER BY id
                """,
                statement.id,
            )
        )
        kept = {}  # (waybill key, amount): [(resolution, note)] of the previous import
        previous = []
        for line_id, waybill, source, amount, resolution, note in cr.fetchall():
            if resolution or note:
                key = (waybill, currency.round(amount or 0.0))
                kept.setdefault(key, []).append((resolution, note))
            if source == "import":
                previous.append(line_id)
        Line.browse(previous).unlink()
        cr.execute(
            SQL(
                """
                UPDATE business_logistics_statement_line
                   SET amount = 0, carrier_listed = FALSE, carrier_file = NULL,
                       resolution = NULL, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE statement_id = %(statement)s AND carrier_file IS NOT NULL
                """,
                statement=statement.id,
                uid=self.env.uid,
            )
        )
        cr.execute(
            SQL(
                """
                SELECT id, waybill_key, date
                  FROM business_logistics_statement_line
                 WHERE statement_id = %s AND source = 'collected'
              ORDER BY id
                """,
                statement.id,
            )
        )
        collected = {}
        for line_id, waybill, collected_date in cr.fetchall():
            collected.setdefault(waybill, (line_id, collected_date))
        filled = {"id": [], "waybill": [], "date": [], "amount": [], "resolution": []}
        new = {
            "waybill": [],
            "key": [],
            "date": [],
            "amount": [],
            "resolution": [],
            "note": [],
        }
        rounded = {}  # the same few amounts come back on most rows
        prefixes = statement._waybill_prefixes()
        for waybill, day, raw_amount in rows:
            amount = rounded.get(raw_amount)
            if amount is None:
                amount = rounded[raw_amount] = currency.round(raw_amount)
            key = normalize_waybill(waybill, prefixes)
            resolution, note = (kept.get((key, amount)) or [(None, None)]).pop(0)
            if key in collected:
                line_id, collected_date = collected.pop(key)
                filled["id"].append(line_id)
                filled["waybill"].append(waybill)
                filled["date"].append(day or collected_date)
                filled["amount"].append(amount)
                filled["resolution"].append(resolution)
                continue
            new["waybill"].append(waybill)
            new["key"].append(key)
            new["date"].append(day)
            new["amount"].append(amount)
            new["resolution"].append(resolution)
            new["note"].append(note)
        values = {
            "statement": statement.id,
            "company": statement.company_id.id,
            "file": self.filename or self.env._("Carrier file"),
            "uid": self.env.uid,
        }
        cr.execute(
            SQL(
                """
                UPDATE business_logistics_statement_line l
                   SET waybill = u.waybill, date = u.date, amount = u.amount,
                       resolution = u.resolution, carrier_listed = TRUE,
                       carrier_file = %(file)s, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(id)s::int[], %(waybill)s::varchar[], %(date)s::date[],
                              %(amount)s::numeric[], %(resolution)s::varchar[])
                       AS u(id, waybill, date, amount, resolution)
                 WHERE l.id = u.id
                """,
                **values,
                **filled,
            )
        )
        # one INSERT for the other rows; ``_match_lines`` then sets the computed values
        cr.execute(
            SQL(
                """
                INSERT INTO business_logistics_statement_line
                       (statement_id, company_id, source, carrier_file, waybill, waybill_key,
                        date, amount, expected_amount, agreed_amount, carrier_listed,
                        resolution, note, create_uid, write_uid, create_date, write_date)
                SELECT %(statement)s, %(company)s, 'import', %(file)s, u.waybill, u.key,
                       u.date, u.amount, 0, 0, TRUE, u.resolution, u.note, %(uid)s, %(uid)s,
                       NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(waybill)s::varchar[], %(key)s::varchar[], %(date)s::date[],
                              %(amount)s::numeric[], %(resolution)s::varchar[],
                              %(note)s::varchar[])
                       WITH ORDINALITY AS u(waybill, key, date, amount, resolution, note, seq)
              ORDER BY u.seq
                """,
                **values,
                **new,
            )
        )
        Line.invalidate_model()
        statement.invalidate_recordset(["line_ids"])
