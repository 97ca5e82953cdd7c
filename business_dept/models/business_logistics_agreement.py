from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv.expression import OR
from odoo.tools import SQL

# the agreement's fields that change how its carrier's waybills are compared
WAYBILL_FIELDS = {"waybill_prefix", "partner_id", "company_id"}


class BusinessLogisticsAgreement(models.Model):
    """Cooperation agreement with a carrier (物流合作协议).

    The assistant first makes clear each carrier's way of charging
    (明确各物流公司和我们的合作模式): per shipment, per kg, per m³, a flat monthly
    amount or a rate per destination zone. The agreement valid on a delivery's
    date gives that delivery's expected cost, so that the month-end statement
    (物流对账单) is checked line by line.
    """

    _name = "business.logistics.agreement"
    _description = "Logistics Cooperation Agreement"
    _inherit = ["mail.thread", "business.workflow.guard"]
    _order = "date_start desc, id desc"

    name = fields.Char(string="Reference", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Carrier", required=True, index=True, tracking=True
    )
    carrier_ids = fields.Many2many(
        "delivery.carrier",
        relation="business_logistics_agreement_carrier_rel",
        column1="agreement_id",
        column2="carrier_id",
        string="Delivery Methods",
        required=True,
        help="The shipping methods of our deliveries that this carrier carries.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    pricing_mode = fields.Selection(
        selection=[
            ("per_shipment", "Per Shipment"),
            ("per_kg", "Per kg"),
            ("per_m3", "Per m³"),
            ("flat_monthly", "Flat Monthly"),
            ("zone", "By Destination Zone"),
        ],
        required=True,
        default="per_shipment",
        tracking=True,
    )
    rate = fields.Monetary(
        tracking=True,
        help="Price per shipment, per kg, per m³ or per month, depending on the pricing mode.",
    )
    zone_ids = fields.One2many(
        "business.logistics.zone", "agreement_id", string="Zone Rates", copy=True
    )
    date_start = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Valid Until", tracking=True)
    waybill_prefix = fields.Char(
        tracking=True,
        help="Letters the carrier writes before its waybill numbers (SF): a waybill is the "
        "same with or without them, so the carrier's SF1302000001 is our delivery "
        "1302000001, and the reverse.",
    )
    statement_day = fields.Integer(
        default=25,
        help="Day of the month on which the carrier's statement is reconciled (1-31).",
    )
    active = fields.Boolean(default=True)
    note = fields.Text()

    @api.constrains("date_start", "date_end", "statement_day", "rate")
    def _check_agreement(self):
        for agreement in self:
            if agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._("The agreement %(name)s ends before it starts.", name=agreement.name)
                )
            if not 1 <= agreement.statement_day <= 31:
                raise ValidationError(self.env._("The statement day must lie between 1 and 31."))
            if agreement.rate < 0:
                raise ValidationError(self.env._("A rate cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        agreements = super().create(vals_list)
        agreements._rekey_statement_lines(agreements._waybill_pairs())
        return agreements

    def write(self, vals):
        rekey = WAYBILL_FIELDS & vals.keys()
        pairs = self._waybill_pairs() if rekey else set()
        result = super().write(vals)
        if rekey:
            self._rekey_statement_lines(pairs | self._waybill_pairs())
        return result

    def _waybill_pairs(self):
        """``{(carrier, company)}`` of the agreements naming a waybill prefix."""
        return {(a.partner_id.id, a.company_id.id) for a in self if a.waybill_prefix}

    @api.model
    def _rekey_statement_lines(self, pairs):
        """A carrier's prefix changed: the waybill keys of its statements' lines are
        computed again (every statement, so that a waybill billed on an approved one is
        still recognised)."""
        if not pairs:
            return
        Line = self.env["business.logistics.statement.line"].sudo()
        lines = Line.search(
            OR(
                [
                    [
                        ("statement_id.partner_id", "=", partner_id),
                        ("company_id", "=", company_id),
                    ]
                    for partner_id, company_id in pairs
                ]
            )
        )
        self.env.add_to_compute(Line._fields["waybill_key"], lines)

    @api.model
    def _sql_done_date(self, alias="p"):
        """SQL for a picking's local done day in its company's time zone (a delivery at
        07:00 on the 1st in Shanghai belongs to that month, not to the previous one in
        UTC). The query joins ``_business_tz_sql()`` as ``tz`` on the picking's company."""
        return SQL(
            "%s::date",
            self.env["res.company"]._business_local_sql(
                SQL.identifier(alias, "date_done"), SQL("tz.tz")
            ),
        )

    @api.model
    def _expected_costs(self, picking_ids):
        """Return ``{picking_id: expected cost}`` for done deliveries, each on its own."""
        ids = list(picking_ids)
        costs = self._shipment_costs([(pid,) for pid in ids])
        return {pid: cost for pid, cost in zip(ids, costs, strict=True) if cost is not None}

    @api.model
    def _shipment_costs(self, shipments):
        """Expected cost of each shipment, a tuple of done deliveries under one waybill
        (多件合单: two boxes, one number), in the order given; ``None`` without agreement.

        A shipment is priced once, by the agreement of its company valid on the
        company's local day of its first delivery, on the summed weight and volume of
        its deliveries (to the first one's destination). Set-based: one query reads the
        pickings (``_picking_cost_rows``), one counts each flat-monthly agreement's
        shipments per month; the rates are then applied in memory from plain values
        read once per agreement (a per-shipment cost is the same for every shipment).
        """
        rows = self._picking_cost_rows({pid for shipment in shipments for pid in shipment})
        if not rows:
            return [None] * len(shipments)
        Agreement = self.with_context(active_test=False)
        agreements = Agreement.search(
            [("carrier_ids", "in", list({row[2] for row in rows.values()}))]
        )
        by_carrier = defaultdict(list)
        for agreement in agreements:
            for carrier in agreement.carrier_ids:
                by_carrier[agreement.company_id.id, carrier.id].append(
                    (agreement.date_start, agreement.date_end, agreement)
                )
        flat_counts = agreements.filtered(
            lambda a: a.pricing_mode == "flat_monthly"
        )._monthly_delivery_counts()
        per_shipment = {
            agreement: agreement._cost_of(None, 0.0, 0.0, None, None, flat_counts)
            for agreement in agreements
            if agreement.pricing_mode == "per_shipment"
        }
        costs = []
        for shipment in shipments:
            members = sorted((rows[pid] for pid in shipment if pid in rows), key=lambda r: r[:2])
            if not members:
                costs.append(None)
                continue
            day, __, carrier_id, company_id, __, __, country_id, state_id = members[0]
            agreement = next(
                (
                    a
                    for start, end, a in by_carrier[company_id, carrier_id]
                    if start <= day and (not end or day <= end)
                ),
                None,
            )
            cost = per_shipment.get(agreement) if agreement else None
            if agreement and cost is None:
                weight = sum(member[4] for member in members)
                volume = sum(member[5] for member in members)
                cost = agreement._cost_of(day, weight, volume, country_id, state_id, flat_counts)
            costs.append(cost)
        return costs

    @api.model
    def _picking_cost_rows(self, picking_ids):
        """``{picking_id: (local done day, id, carrier, company, weight, volume, country,
        state)}`` of the pickings with a delivery method, in one query (the volume only
        when an agreement charges per m³)."""
        if not picking_ids:
            return {}
        self.env.flush_all()
        Agreement = self.with_context(active_test=False)
        if Agreement.search_count([("pricing_mode", "=", "per_m3")], limit=1):
            volume = SQL(
                """(SELECT SUM(m.quantity * COALESCE(pp.volume, 0))
                      FROM stock_move m
                      JOIN product_product pp ON pp.id = m.product_id
                     WHERE m.picking_id = p.id AND m.state = 'done')"""
            )
        else:
            volume = SQL("0")
        self.env.cr.execute(
            SQL(
                """
                SELECT %(done_date)s, p.id, p.carrier_id, p.company_id, COALESCE(p.weight, 0),
                       COALESCE(%(volume)s, 0), rp.country_id, rp.state_id
                  FROM stock_picking p
                  JOIN %(tz_table)s tz ON tz.company_id = p.company_id
             LEFT JOIN res_partner rp ON rp.id = p.partner_id
                 WHERE p.id = ANY(%(ids)s) AND p.carrier_id IS NOT NULL
                """,
                ids=list(picking_ids),
                volume=volume,
                done_date=self._sql_done_date(),
                tz_table=self.env["res.company"]._business_tz_sql(),
            )
        )
        return {row[1]: row for row in self.env.cr.fetchall()}

    def _cost_of(self, day, weight, volume, country_id, state_id, flat_counts):
        """Expected cost of one delivery under this agreement."""
        self.ensure_one()
        mode = self.pricing_mode
        if mode == "per_shipment":
            amount = self.rate
        elif mode == "per_kg":
            amount = self.rate * weight
        elif mode == "per_m3":
            amount = self.rate * volume
        elif mode == "flat_monthly":
            count = flat_counts.get((self.id, day.year, day.month)) or 1
            amount = self.rate / count
        else:
            amount = self._zone_rate(country_id, state_id)
        return self.currency_id.round(amount)

    def _zone_rate(self, country_id, state_id):
        """Rate of the most precise zone: same state first, then the whole country."""
        zones = self.zone_ids
        for zone in zones:
            if state_id and zone.state_id.id == state_id:
                return zone.rate
        for zone in zones:
            if not zone.state_id and zone.country_id.id == country_id:
                return zone.rate
        return 0.0

    def _monthly_delivery_counts(self):
        """``{(agreement_id, year, month): number of shipments}`` for flat-monthly
        agreements: done deliveries, those under one waybill (多件合单) counted once,
        in one query over the agreements' delivery methods (months of the company's
        local calendar)."""
        if not self:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, EXTRACT(YEAR FROM %(done_date)s)::int,
                       EXTRACT(MONTH FROM %(done_date)s)::int,
                       COUNT(DISTINCT COALESCE(p.carrier_tracking_key, p.id::varchar))
                  FROM business_logistics_agreement a
                  JOIN business_logistics_agreement_carrier_rel rel ON rel.agreement_id = a.id
                  JOIN stock_picking p ON p.carrier_id = rel.carrier_id
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                  JOIN %(tz_table)s tz ON tz.company_id = p.company_id
                 WHERE a.id = ANY(%(ids)s) AND p.state = 'done' AND t.code = 'outgoing'
                   AND p.company_id = a.company_id
                   AND %(done_date)s >= a.date_start
                   AND (a.date_end IS NULL OR %(done_date)s <= a.date_end)
              GROUP BY 1, 2, 3
                """,
                ids=self.ids,
                done_date=self._sql_done_date(),
                tz_table=self.env["res.company"]._business_tz_sql(),
            )
        )
        return {(aid, year, month): count for aid, year, month, count in self.env.cr.fetchall()}
