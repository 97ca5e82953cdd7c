from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv.expression import OR

from ..tools.carrier_file import COLUMNS, split_names

NAMES_HELP = (
    "Header names accepted for this column, one a line or separated by commas. Compared "
    "without spaces, case, punctuation or a unit in brackets: 运费(元) = 运费."
)


class BusinessLogisticsImportMapping(models.Model):
    """How a carrier writes its statement file (物流对账单): which header names mean the
    waybill, the date, the amount..., how dates and numbers are written, which rows are
    totals. The import wizard reads the file with the carrier's mapping, else with the
    default one (today's vocabulary of 顺丰 / 中通 / 德邦 files). As the OCA's
    ``account_statement_import_sheet_file`` does for bank files."""

    _name = "business.logistics.import.mapping"
    _description = "Carrier File Mapping"
    _order = "partner_id, company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Carrier",
        index=True,
        help="The carrier whose files this mapping reads. Empty: the default mapping, used "
        "for carriers without a mapping of their own.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: shared by all companies.",
    )
    active = fields.Boolean(default=True)
    header_rows = fields.Integer(
        string="Header Search Rows",
        default=20,
        required=True,
        help="How many first rows are searched for the header (carriers put a title, their "
        "company and the period above it).",
    )
    waybill_names = fields.Text(string="Waybill Columns", required=True, help=NAMES_HELP)
    date_names = fields.Text(string="Date Columns", help=NAMES_HELP)
    amount_names = fields.Text(string="Amount Columns", required=True, help=NAMES_HELP)
    weight_names = fields.Text(string="Weight Columns", help=NAMES_HELP)
    destination_names = fields.Text(string="Destination Columns", help=NAMES_HELP)
    pieces_names = fields.Text(string="Pieces Columns", help=NAMES_HELP)
    surcharges_names = fields.Text(
        string="Surcharge Columns",
        help="Columns added to the row's amount (保价费, 附加费), all of them. Leave empty "
        "when the amount column is already the row's total.",
    )
    date_formats = fields.Char(
        default="%Y-%m-%d, %Y/%m/%d, %Y.%m.%d, %Y%m%d, %Y年%m月%d日",
        help="Formats of dates written as text (%Y year, %m month, %d day), separated by "
        "commas. Date cells, Excel day numbers and 2026-11-03 are always read.",
    )
    decimal_separator = fields.Selection(
        [("auto", "Guess"), ("dot", "Dot (1,234.50)"), ("comma", "Comma (1.234,50)")],
        default="auto",
        required=True,
    )
    thousands_separator = fields.Selection(
        [
            ("auto", "Guess"),
            ("none", "None"),
            ("comma", "Comma"),
            ("dot", "Dot"),
            ("space", "Space"),
        ],
        default="auto",
        required=True,
    )
    encoding = fields.Selection(
        [
            ("auto", "Guess (UTF-8, GB18030, UTF-16)"),
            ("utf-8-sig", "UTF-8"),
            ("gbk", "GBK"),
            ("gb18030", "GB18030"),
            ("utf-16", "UTF-16"),
        ],
        string="CSV Encoding",
        default="auto",
        required=True,
    )
    total_words = fields.Char(
        default="合计, 小计, 总计, 总合计, 共, total, subtotal, grand total",
        help="A row whose first filled cell starts with one of these words is a total row "
        "and is skipped.",
    )
    waybill_prefix = fields.Char(
        help="The carrier's prefix (SF): waybills are compared with and without it, as the "
        "prefix of the carrier's agreements.",
    )

    @api.constrains("header_rows")
    def _check_header_rows(self):
        if any(mapping.header_rows < 1 for mapping in self):
            raise ValidationError(self.env._("Search at least one row for the header."))

    @api.constrains("date_formats")
    def _check_date_formats(self):
        for mapping in self:
            for fmt in split_names(mapping.date_formats):
                if "%" not in fmt:
                    raise ValidationError(
                        self.env._(
                            "%(format)s is not a date format: write it as %%Y/%%m/%%d.",
                            format=fmt,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        mappings = super().create(vals_list)
        self._rekey_statement_lines(mappings)
        return mappings

    def write(self, vals):
        rekey = {"waybill_prefix", "partner_id", "company_id", "active"} & set(vals)
        pairs = self._waybill_pairs() if rekey else set()
        result = super().write(vals)
        if rekey:
            self._rekey_statement_lines(pairs=pairs | self._waybill_pairs())
        return result

    def unlink(self):
        mappings = self.filtered("waybill_prefix")
        pairs = mappings._waybill_pairs()
        result = super().unlink()
        self._rekey_statement_lines(pairs=pairs)
        return result

    def _waybill_pairs(self):
        """``{(carrier, company)}`` of the carrier mappings naming a waybill prefix."""
        return {
            (mapping.partner_id.id, mapping.company_id.id)
            for mapping in self
            if mapping.waybill_prefix and mapping.partner_id
        }

    @api.model
    def _rekey_statement_lines(self, mappings=None, pairs=None):
        """A carrier's prefix changed: its statements' waybill keys are computed again."""
        if pairs is None:
            pairs = mappings._waybill_pairs()
        if not pairs:
            return
        Line = self.env["business.logistics.statement.line"].sudo()
        domains = [
            [("statement_id.partner_id", "=", partner_id)]
            + ([("company_id", "=", company_id)] if company_id else [])
            for partner_id, company_id in pairs
        ]
        lines = Line.search(OR(domains))
        self.env.add_to_compute(Line._fields["waybill_key"], lines)

    # ------------------------------------------------------------------ business
    @api.model
    def _domain_for(self, partner, company):
        """Mappings that may read a file of ``partner`` for ``company``."""
        return [
            ("partner_id", "in", [partner.id, False]),
            ("company_id", "in", [company.id, False]),
        ]

    @api.model
    def _find_for(self, partner, company):
        """The carrier's own mapping for the company (a company's before a shared one),
        else the default mapping."""
        mappings = self.search(self._domain_for(partner, company))
        own = mappings.filtered(lambda mapping: mapping.partner_id == partner)
        for candidates in (own, mappings - own):
            if candidates:
                return candidates.sorted(lambda m: (not m.company_id, m.id))[0]
        default = self.env.ref(
            "business_dept.business_logistics_import_mapping_default", raise_if_not_found=False
        )
        return default if default and default.active else self.browse()

    @api.model
    def _prefixes_of(self, partner, company):
        """The waybill prefixes of the carrier's mappings for the company (archived ones
        too: a statement's waybills keep their keys)."""
        mappings = self.with_context(active_test=False).search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "in", [company.id, False]),
                ("waybill_prefix", "!=", False),
            ]
        )
        return mappings.mapped("waybill_prefix")

    def _parser_mapping(self):
        """The mapping as the plain dict ``tools.carrier_file.parse`` reads."""
        self.ensure_one()
        separators = {"auto": "auto", "none": "", "comma": ",", "dot": ".", "space": " "}
        return {
            "header_rows": self.header_rows,
            "columns": {column: split_names(self[f"{column}_names"]) for column in COLUMNS},
            "date_formats": split_names(self.date_formats),
            "decimal_separator": separators[self.decimal_separator],
            "thousands_separator": separators[self.thousands_separator],
            "encoding": self.encoding,
            "total_words": split_names(self.total_words),
            "waybill_prefix": self.waybill_prefix or "",
        }
