import base64

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools import carrier_file
from ..tools.waybill import normalize_waybill

MAX_FILE_SIZE = 10 * 1024 * 1024
# lines created per create() call: the ORM's checks and computations run set-based per
# batch while the memory of 200,000 lines' values stays bounded
CREATE_BATCH = 5000


class BusinessLogisticsStatementImport(models.TransientModel):
    """Import the carrier's own statement (物流对账单) from XLSX or CSV.

    The file is read with a carrier file mapping (``business.logistics.import.mapping``:
    the carrier's own, else the default one) by ``tools.carrier_file``: title rows above
    the header, headers in Chinese or English with units (运费(元)), total rows (合计 /
    小计 / 总计) that are skipped, CSV in UTF-8, GB18030, GBK or UTF-16. The whole file is
    checked first: any bad row refuses the import, naming row and column, and nothing is
    written. A waybill Excel turned into a number that lost digits (scientific notation,
    more than 15 digits) is such a bad row.

    A new import of the statement replaces the rows of its previous import (the
    carrier sends a corrected file): lines created by the previous import are
    removed and collected deliveries it listed wait for the new file; a resolution
    stays on a waybill whose amount did not change.
    """

    _name = "business.logistics.statement.import"
    _description = "Import Carrier Statement"

    statement_id = fields.Many2one("business.logistics.statement", required=True)
    partner_id = fields.Many2one(related="statement_id.partner_id")
    company_id = fields.Many2one(related="statement_id.company_id")
    mapping_id = fields.Many2one(
        "business.logistics.import.mapping",
        string="File Mapping",
        compute="_compute_mapping_id",
        store=True,
        readonly=False,
        domain="[('partner_id', 'in', [partner_id, False]),"
        " ('company_id', 'in', [company_id, False])]",
        help="How the carrier writes its file: the carrier's own mapping, else the default one.",
    )
    file = fields.Binary(required=True)
    filename = fields.Char()

    @api.depends("statement_id")
    def _compute_mapping_id(self):
        Mapping = self.env["business.logistics.import.mapping"]
        for wizard in self:
            statement = wizard.statement_id
            wizard.mapping_id = statement and Mapping._find_for(
                statement.partner_id, statement.company_id
            )

    def action_import(self):
        self.ensure_one()
        statement = self.statement_id
        statement._check_group("business_dept.group_business_assistant")
        statement._check_state("draft", "matched")
        rows = self._parse_file(self._checked_mapping())
        self._write_rows(rows)
        statement._match_lines()
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------ reading
    def _checked_mapping(self):
        """The wizard's mapping, if it may read the statement's carrier and company."""
        mapping = self.mapping_id
        statement = self.statement_id
        if not mapping:
            raise UserError(self.env._("Choose the carrier file mapping to read the file with."))
        if (mapping.partner_id and mapping.partner_id != statement.partner_id) or (
            mapping.company_id and mapping.company_id != statement.company_id
        ):
            raise UserError(
                self.env._(
                    "The file mapping %(mapping)s is not for %(carrier)s in %(company)s.",
                    mapping=mapping.display_name,
                    carrier=statement.partner_id.display_name,
                    company=statement.company_id.display_name,
                )
            )
        return mapping

    def _parse_file(self, mapping):
        """The carrier's rows (dicts, see ``tools.carrier_file``) or refuse."""
        content = base64.b64decode(self.file or b"")
        if len(content) > MAX_FILE_SIZE:
            raise UserError(
                self.env._(
                    "The file is larger than %(size)s MB.", size=MAX_FILE_SIZE // 1024 // 1024
                )
            )
        statement = self.statement_id
        try:
            return carrier_file.parse(
                content,
                self.filename or "",
                mapping._parser_mapping(),
                (statement.date_from, statement.date_to),
            )
        except carrier_file.CarrierFileError as error:
            raise UserError(self._error_message(error)) from error

    def _error_message(self, error):
        """``CarrierFileError`` in the user's language, naming row and column."""
        params = dict(error.params)
        if error.code == "outside_period":
            for key in ("date", "date_from", "date_to"):
                params[key] = format_date(self.env, params[key])
        if error.code == "no_header":
            labels = {"waybill": self.env._("Waybill"), "amount": self.env._("Amount")}
            params["column"] = labels[params["missing"]]
        if error.code == "encoding" and params["encoding"] == "UTF-8 / GB18030":
            error.code = "encoding_auto"
        message = self._error_templates()[error.code] % params
        if error.row is None:
            return message
        return self.env._(
            "Row %(row)s, column %(column)s: %(message)s",
            row=error.row,
            column=error.column,
            message=message,
        )

    def _error_templates(self):
        return {
            "empty": self.env._("The file is empty."),
            "xlsx": self.env._("The file cannot be read as XLSX: %(error)s"),
            "encoding_auto": self.env._("The file is neither UTF-8 nor GB18030 text."),
            "encoding": self.env._("The file is not %(encoding)s text."),
            "csv": self.env._("The file cannot be read as CSV: %(error)s"),
            "no_rows": self.env._("The file has no rows."),
            "no_header": self.env._(
                "The file has no %(column)s column: none of its first %(count)s rows is "
                "a header naming a waybill and an amount column."
            ),
            "no_lines": self.env._("The file has a header but no rows."),
            "waybill_missing": self.env._("the waybill is missing."),
            "not_waybill": self.env._("%(value)s is not a waybill."),
            "not_waybill_number": self.env._("%(value)s is not a waybill number."),
            "digits_lost": self.env._(
                "%(value)s has more than %(digits)s digits and was stored as a number: "
                "its last digits are lost. Format the column as text and send the file "
                "again."
            ),
            "scientific": self.env._(
                "%(value)s is in scientific notation: the waybill lost its last digits. "
                "Format the column as text and send the file again."
            ),
            "not_amount": self.env._("%(value)s is not an amount."),
            "negative": self.env._("the amount %(value)s is negative."),
            "not_number": self.env._("%(value)s is not a number."),
            "not_date": self.env._("%(value)s is not a date."),
            "outside_period": self.env._(
                "%(date)s is outside the statement period %(date_from)s - %(date_to)s."
            ),
        }

    # ------------------------------------------------------------------ writing
    def _write_rows(self, rows):
        """Replace the statement's previous import by ``rows``.

        The rows of the previous import go first: lines it created are deleted,
        collected lines it filled wait for the carrier again. Then a collected line
        (our delivery) takes the first row of its waybill, compared by key
        (``tools.waybill``), and shows the waybill as the carrier wrote it; every other
        row becomes a new line, created through the ORM in batches, so a waybill listed
        twice gives two lines and the second is flagged 'duplicate'. A resolution (and
        note) given to a previous row stays with the row of the same waybill and amount.
        """
        statement = self.statement_id
        currency = statement.currency_id
        self.env.flush_all()
        kept = self._clear_previous_import()
        collected = self._collected_lines()
        prefixes = statement._waybill_prefixes()
        rounded = {}  # the same few amounts come back on most rows
        filled, new = [], []
        for row in rows:
            amount = rounded.get(row["amount"])
            if amount is None:
                amount = rounded[row["amount"]] = currency.round(row["amount"])
            key = normalize_waybill(row["waybill"], prefixes)
            resolution, note = (kept.get((key, amount)) or [(None, None)]).pop(0)
            values = dict(row, key=key, amount=amount, resolution=resolution, note=note)
            if key in collected:
                line_id, collected_date = collected.pop(key)
                filled.append(dict(values, id=line_id, date=row["date"] or collected_date))
            else:
                new.append(values)
        self._fill_collected(filled)
        self._create_lines(new)
        statement.invalidate_recordset(["line_ids"])

    def _clear_previous_import(self):
        """Remove the previous import's lines and empty the collected lines it filled;
        return ``{(waybill key, amount): [(resolution, note)]}`` given to its rows."""
        statement = self.statement_id
        Line = self.env["business.logistics.statement.line"]
        previous = Line.search(
            [("statement_id", "=", statement.id), ("carrier_file", "!=", False)], order="id"
        )
        kept = {}
        for line in previous.filtered(lambda line: line.resolution or line.note):
            key = (line.waybill_key, statement.currency_id.round(line.amount or 0.0))
            kept.setdefault(key, []).append((line.resolution, line.note))
        previous.filtered(lambda line: line.source == "import").unlink()
        self.env.cr.execute(
            SQL(
                """
                UPDATE business_logistics_statement_line
                   SET amount = 0, carrier_listed = FALSE, carrier_file = NULL,
                       resolution = NULL, weight = NULL, pieces = NULL, destination = NULL,
                       surcharge = NULL, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE statement_id = %(statement)s AND carrier_file IS NOT NULL
                """,
                statement=statement.id,
                uid=self.env.uid,
            )
        )
        Line.invalidate_model()
        return kept

    def _collected_lines(self):
        """``{waybill key: (line id, date)}`` of the statement's collected lines."""
        self.env.cr.execute(
            SQL(
                """
                SELECT id, waybill_key, date
                  FROM business_logistics_statement_line
                 WHERE statement_id = %s AND source = 'collected'
              ORDER BY id
                """,
                self.statement_id.id,
            )
        )
        collected = {}
        for line_id, waybill, collected_date in self.env.cr.fetchall():
            collected.setdefault(waybill, (line_id, collected_date))
        return collected

    def _fill_collected(self, filled):
        """Our deliveries listed by the carrier take the carrier's row, in one UPDATE (a
        write per line would cost seconds on a month of deliveries); the values were
        checked by the parser as the line's constraints would."""
        if not filled:
            return
        columns = ("id", "waybill", "date", "amount", "resolution")
        columns += ("weight", "pieces", "destination", "surcharge")
        arrays = {column: [row[column] for row in filled] for column in columns}
        self.env.cr.execute(
            SQL(
                """
                UPDATE business_logistics_statement_line l
                   SET waybill = u.waybill, date = u.date, amount = u.amount,
                       resolution = u.resolution, weight = u.weight, pieces = u.pieces,
                       destination = u.destination, surcharge = u.surcharge,
                       carrier_listed = TRUE, carrier_file = %(file)s, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(id)s::int[], %(waybill)s::varchar[], %(date)s::date[],
                              %(amount)s::numeric[], %(resolution)s::varchar[],
                              %(weight)s::numeric[], %(pieces)s::int[],
                              %(destination)s::varchar[], %(surcharge)s::numeric[])
                       AS u(id, waybill, date, amount, resolution, weight, pieces,
                            destination, surcharge)
                 WHERE l.id = u.id
                """,
                file=self._carrier_file_name(),
                uid=self.env.uid,
                **arrays,
            )
        )
        self.env["business.logistics.statement.line"].invalidate_model()

    def _create_lines(self, rows):
        """The carrier's other rows as new lines, through ``create()`` in batches;
        ``_match_lines`` then links and prices them.

        The line's computed values (company, waybill key, listed by the carrier, agreed
        amount) are precomputed: the INSERT holds them, without an UPDATE per line."""
        Line = self.env["business.logistics.statement.line"]
        common = {
            "statement_id": self.statement_id.id,
            "source": "import",
            "carrier_file": self._carrier_file_name(),
            # given, so the precomputations read them from the values, not as defaults
            "match_state": False,
            "resolution": False,
        }
        fnames = ("waybill", "date", "amount", "resolution", "note")
        fnames += ("weight", "pieces", "destination", "surcharge")
        for start in range(0, len(rows), CREATE_BATCH):
            batch = rows[start : start + CREATE_BATCH]
            # empty values left out: each monetary value given costs a currency lookup
            Line.create([dict(common, **{f: row[f] for f in fnames if row[f]}) for row in batch])

    def _carrier_file_name(self):
        return self.filename or self.env._("Carrier file")
