import base64
import csv
import io
import re
from datetime import date, datetime

import openpyxl
from openpyxl.utils.datetime import from_excel

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

MAX_FILE_SIZE = 10 * 1024 * 1024
# Header names accepted for each column, compared without spaces, case or punctuation.
COLUMN_ALIASES = {
    "waybill": {
        "waybill",
        "waybillno",
        "waybillnumber",
        "trackingreference",
        "trackingnumber",
        "trackingno",
        "运单号",
        "运单编号",
        "快递单号",
        "物流单号",
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
    },
    "date": {"date", "shipdate", "shippingdate", "日期", "发货日期", "寄件日期", "发运日期"},
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


class BusinessLogisticsStatementImport(models.TransientModel):
    """Import the carrier's own statement (物流对账单) from XLSX or CSV.

    Columns are found by header name, in Chinese or English. The whole file is
    checked first: any bad row refuses the import, naming row and column, and
    nothing is written.
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
        """Return the file's rows (lists of cells), header first."""
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
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(self.env._("The file is neither UTF-8 nor GB18030 text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            return list(csv.reader(io.StringIO(text), dialect))
        except csv.Error as error:
            raise UserError(
                self.env._("The file cannot be read as CSV: %(error)s", error=error)
            ) from error

    # ------------------------------------------------------------------ checking
    def _parse_rows(self, table):
        """Check every row; return ``[(waybill, date, amount)]`` or refuse."""
        _ = self.env._
        table = [row for row in table if any(cell not in (None, "") for cell in row)]
        if not table:
            raise UserError(_("The file has no rows."))
        header = [self._normalize(cell) for cell in table[0]]
        columns = {}
        for key, aliases in COLUMN_ALIASES.items():
            columns[key] = next((i for i, name in enumerate(header) if name in aliases), None)
        labels = {
            "waybill": _("Waybill"),
            "amount": _("Amount"),
            "date": _("Date"),
        }
        for key in ("waybill", "amount"):
            if columns[key] is None:
                raise UserError(_("The file has no %(column)s column (row 1).", column=labels[key]))
        if len(table) == 1:
            raise UserError(_("The file has a header but no rows."))
        statement = self.statement_id
        rows = []
        for number, row in enumerate(table[1:], start=2):

            def cell(key, row=row):
                index = columns[key]
                if index is None or index >= len(row):
                    return None
                value = row[index]
                return value.strip() if isinstance(value, str) else value

            def refuse(key, message, number=number):
                raise UserError(
                    _(
                        "Row %(row)s, column %(column)s: %(message)s",
                        row=number,
                        column=table[0][columns[key]],
                        message=message,
                    )
                )

            waybill = cell("waybill")
            if waybill in (None, ""):
                refuse("waybill", _("the waybill is missing."))
            if isinstance(waybill, float) and waybill.is_integer():
                waybill = int(waybill)
            amount = self._to_amount(cell("amount"))
            if amount is None:
                refuse("amount", _("%(value)s is not an amount.", value=cell("amount")))
            if amount < 0:
                refuse("amount", _("the amount %(value)s is negative.", value=amount))
            day = None
            if columns["date"] is not None and cell("date") not in (None, ""):
                day = self._to_date(cell("date"))
                if day is None:
                    refuse("date", _("%(value)s is not a date.", value=cell("date")))
                if not statement.date_from <= day <= statement.date_to:
                    refuse(
                        "date",
                        _(
                            "%(date)s is outside the statement period %(date_from)s - "
                            "%(date_to)s.",
                            date=day,
                            date_from=statement.date_from,
                            date_to=statement.date_to,
                        ),
                    )
            rows.append((str(waybill), day, amount))
        return rows

    @staticmethod
    def _normalize(name):
        return re.sub(r"[\s._\-/()（）:：#]", "", str(name or "")).lower()

    @staticmethod
    def _to_amount(value):
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        text = re.sub(r"[,\s¥￥元]|RMB|CNY", "", str(value or ""))
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
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None

    # ------------------------------------------------------------------ writing
    def _write_rows(self, rows):
        """Put each row on the collected line of its waybill, or on a new line.

        A collected line (our delivery, not yet listed by the carrier) takes the
        first row of its waybill; every other row becomes a new line, so a waybill
        listed twice gives two lines and the second is flagged 'duplicate'.
        Collected lines that receive a row are replaced in one batch: one
        ``unlink`` and one SQL ``INSERT``, no write per line.
        """
        statement = self.statement_id
        Line = self.env["business.logistics.statement.line"]
        Line.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, waybill, picking_id, expected_amount, date
                  FROM business_logistics_statement_line
                 WHERE statement_id = %s AND NOT COALESCE(carrier_listed, FALSE)
              ORDER BY id
                """,
                statement.id,
            )
        )
        collected = {}
        for line_id, waybill, picking_id, expected, collected_date in self.env.cr.fetchall():
            collected.setdefault(waybill, (line_id, picking_id, expected, collected_date))
        replaced = []
        columns = {"waybill": [], "date": [], "amount": [], "picking_id": [], "expected": []}
        for waybill, day, amount in rows:
            picking_id, expected = None, 0.0
            if waybill in collected:
                line_id, picking_id, expected, collected_date = collected.pop(waybill)
                replaced.append(line_id)
            else:
                collected_date = None
            columns["waybill"].append(waybill)
            columns["date"].append(day or collected_date)
            columns["amount"].append(statement.currency_id.round(amount))
            columns["picking_id"].append(picking_id)
            columns["expected"].append(expected)
        Line.browse(replaced).unlink()
        # one INSERT for all rows; ``_match_lines`` then sets the computed values
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO business_logistics_statement_line
                       (statement_id, waybill, date, amount, picking_id, expected_amount,
                        agreed_amount, carrier_listed, create_uid, write_uid, create_date,
                        write_date)
                SELECT %(statement)s, u.waybill, u.date, u.amount, u.picking_id, u.expected,
                       0, TRUE, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(waybill)s::varchar[], %(date)s::date[], %(amount)s::numeric[],
                              %(picking_id)s::int[], %(expected)s::numeric[])
                       WITH ORDINALITY AS u(waybill, date, amount, picking_id, expected, seq)
              ORDER BY u.seq
                """,
                statement=statement.id,
                uid=self.env.uid,
                **columns,
            )
        )
        statement.invalidate_recordset(["line_ids"])
