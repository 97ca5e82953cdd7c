from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.waybill import normalize_waybill
from .business_logistics_statement import EDITABLE_STATES


class BusinessLogisticsStatementLine(models.Model):
    """One waybill of a logistics statement.

    A line comes from our deliveries (collected), from the carrier's file
    (imported) or is typed in the form (by hand). Its waybill is shown as written and
    compared by its key (``tools.waybill``): the lines of one key on a statement are
    one shipment (多件合单). It is on the carrier's statement
    (``carrier_listed``) when the carrier's file lists it, when it was typed by hand
    or when a carrier amount was typed on a collected line.
    """

    _name = "business.logistics.statement.line"
    _description = "Logistics Statement Line"
    _inherit = ["business.workflow.guard"]
    _order = "statement_id, id"
    _check_company_auto = True

    statement_id = fields.Many2one(
        "business.logistics.statement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="statement_id.company_id", store=True, index=True, precompute=True
    )
    # computed, not related: creating a batch of lines (an import) then does not look the
    # currency up again for each amount given (Monetary.convert_to_column_insert); the
    # amounts are rounded in the company's currency by who writes them
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    waybill = fields.Char(
        required=True, index=True, help="The carrier's tracking reference, as it is written."
    )
    # precomputed: a batch of lines is inserted with them, not updated after (imports)
    waybill_key = fields.Char(
        compute="_compute_waybill_key",
        store=True,
        precompute=True,
        index=True,
        help="The waybill as it is compared: upper case, full-width characters as ASCII, "
        "without spaces, hyphens or the carrier's prefix.",
    )
    date = fields.Date()
    source = fields.Selection(
        selection=[
            ("collected", "Our Delivery"),
            ("import", "Carrier File"),
            ("manual", "Entered by Hand"),
        ],
        default="manual",
        required=True,
        readonly=True,
        help="Where the line comes from: collected from our deliveries, imported from the "
        "carrier's file or entered by hand in the statement.",
    )
    carrier_file = fields.Char(
        readonly=True,
        help="The carrier's file whose row is on this line; a new import of the statement "
        "replaces the rows of the previous one.",
    )
    carrier_listed = fields.Boolean(
        string="On Carrier Statement",
        compute="_compute_carrier_listed",
        store=True,
        precompute=True,
        help="The carrier's statement lists this waybill (with its amount): imported from "
        "its file, entered by hand, or a carrier amount typed on a collected delivery.",
    )
    amount = fields.Monetary(
        string="Carrier Amount", help="The carrier's amount, surcharges included."
    )
    surcharge = fields.Monetary(
        help="The surcharges of the carrier's file (保价费, 附加费) included in the carrier amount."
    )
    weight = fields.Float(string="Carrier Weight", help="The weight the carrier billed (kg).")
    pieces = fields.Integer(string="Carrier Pieces")
    destination = fields.Char(help="The destination written on the carrier's file.")
    expected_amount = fields.Monetary(readonly=True)
    difference = fields.Monetary(compute="_compute_difference")
    agreed_amount = fields.Monetary(compute="_compute_agreed_amount", store=True, precompute=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", index="btree_not_null", check_company=True
    )
    match_state = fields.Selection(
        selection=[
            ("matched", "Matched"),
            ("amount_diff", "Amount Differs"),
            ("missing_carrier", "Missing on Carrier Side"),
            ("unknown", "Unknown Waybill"),
            ("duplicate", "Duplicate"),
            ("shipment", "Same Shipment"),
        ],
        help="Same Shipment: another delivery under the waybill of a line above (多件合单: "
        "several boxes, one number), priced and billed on that line.",
        readonly=True,
        index=True,
    )
    resolution = fields.Selection(
        selection=[
            ("accept_carrier", "Accept Carrier Amount"),
            ("accept_ours", "Accept Our Amount"),
            ("disputed", "Disputed"),
        ],
        help="How a difference was settled with the carrier.",
    )
    note = fields.Char()

    @api.depends("statement_id.currency_id")
    def _compute_currency_id(self):
        for statement, lines in self.grouped("statement_id").items():
            lines.currency_id = statement.currency_id

    @api.depends("waybill", "statement_id.partner_id", "statement_id.company_id")
    def _compute_waybill_key(self):
        for statement, lines in self.grouped("statement_id").items():
            prefixes = statement._waybill_prefixes() if statement.partner_id else ()
            for line in lines:
                line.waybill_key = normalize_waybill(line.waybill, prefixes)

    @api.depends("source", "carrier_file", "amount")
    def _compute_carrier_listed(self):
        listed = self.filtered(
            lambda line: line.source != "collected" or line.carrier_file or line.amount
        )
        listed.carrier_listed = True  # one assignment for the batch of an import
        (self - listed).carrier_listed = False

    @api.depends("amount", "expected_amount")
    def _compute_difference(self):
        for line in self:
            line.difference = line.amount - line.expected_amount

    @api.depends("amount", "expected_amount", "match_state", "resolution")
    def _compute_agreed_amount(self):
        """Same rule as the SQL of ``_match_lines``, for edits made in the form."""
        nothing = []  # 0: assigned at once (the batch of an import)
        for line in self:
            if line.resolution == "accept_carrier":
                line.agreed_amount = line.amount
            elif line.resolution == "accept_ours":
                line.agreed_amount = line.expected_amount
            elif line.resolution != "disputed" and line.match_state == "matched":
                line.agreed_amount = line.amount
            else:
                nothing.append(line)
        self.browse().concat(*nothing).agreed_amount = 0.0

    @api.constrains("amount")
    def _check_amount(self):
        if any(line.amount < 0 for line in self):
            raise ValidationError(self.env._("A carrier amount cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        statement_ids = {vals["statement_id"] for vals in vals_list if vals.get("statement_id")}
        self.env["business.logistics.statement"].browse(statement_ids)._check_state(
            *EDITABLE_STATES
        )
        return super().create(vals_list)

    def write(self, vals):
        self.statement_id._check_state(*EDITABLE_STATES)
        result = super().write(vals)
        if "resolution" in vals:
            # resolving the last difference settles the statement: no second Match; a
            # reconciled statement whose agreed amount changed is reviewed again
            self.statement_id._settle_state(always=True)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_statement_locked(self):
        self.statement_id._check_state(*EDITABLE_STATES)
