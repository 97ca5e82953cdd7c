from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class BusinessStockBacklog(models.Model):
    """Inventory backlog (库存积压: 入库超过3个月须每月书面说明原因及处理措施).

    Each month (scheduled action, or the button of the list) the stock received more
    than the company's ``backlog_months`` ago and still on hand gives one record per
    product and month, with the quantity, its value at the product's cost, the
    incoming date of the oldest units still on hand and their age in days.

    Age is first in, first out (先进先出), not the quant's ``in_date``: Odoo merges a
    new receipt into an old quant and keeps the oldest date. See
    ``_backlog_quantities`` for the definition.

    Value: quantity × the product's cost in the company (``standard_price``, company
    dependent), the cost Odoo values the stock at for standard and average costing.
    Not the valuation layers' unit cost: the layers belong to ``stock_account`` (not a
    dependency of this addon), their remaining quantities follow Odoo's own FIFO per
    product (not per lot, transit included) so they would value other units than the
    ones counted here, and for standard or average costing their unit cost is just
    the cost of the day of each move; one current cost also keeps the months
    comparable for the director.

    Responsible manager: standard Odoo has no salesperson per product, so it is the
    salesperson of the most recent confirmed sale order that sold the product
    (the manager of the last customer who bought it), among the users still allowed
    in the company; without one it is left empty and only directors see the record.

    The manager files a reason and an action plan by the end of the month
    (``deadline``), the director reviews it. Each new record gives the manager an
    activity due on the deadline as reminder.
    """

    _name = "business.stock.backlog"
    _description = "Inventory Backlog"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "business.workflow.guard",
        "business.tier.validation",
        "tier.validation",
    ]
    _business_workflow_fields = ("state", "explained_date", "reviewed_by_id", "reviewed_date")
    # tier validation: the director reviews each explanation; rejected = sent back
    _state_from = ["explained"]
    _state_to = ["reviewed"]
    _cancel_state = "to_explain"
    _order = "month desc, value desc, id"
    _rec_name = "product_id"
    _check_company_auto = True

    _sql_constraints = [
        (
            "product_month_unique",
            "unique(company_id, product_id, month)",
            "A product has one backlog record per month.",
        ),
    ]

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, index=True, help="First day of the month.")
    deadline = fields.Date(
        compute="_compute_deadline", store=True, help="The explanation is due by this date."
    )
    product_id = fields.Many2one("product.product", required=True, index=True, check_company=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    quantity = fields.Float(digits="Product Unit of Measure", aggregator="sum")
    value = fields.Monetary(string="Stock Value", aggregator="sum")
    in_date = fields.Datetime(
        string="Oldest Incoming Date",
        help="Receipt of the oldest units still on hand (first in, first out).",
    )
    age_days = fields.Integer(
        string="Age (Days)",
        aggregator="max",
        help="Age of the oldest units still on hand, in days of the company's calendar.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible Manager",
        index=True,
        tracking=True,
        check_company=True,
    )
    reason = fields.Text(tracking=True)
    action_plan = fields.Text(tracking=True)
    state = fields.Selection(
        [("to_explain", "To Explain"), ("explained", "Explained"), ("reviewed", "Reviewed")],
        default="to_explain",
        required=True,
        tracking=True,
        copy=False,
    )
    explained_date = fields.Date(readonly=True, copy=False)
    explained_on_time = fields.Boolean(compute="_compute_explained_on_time", store=True)
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Date(readonly=True, copy=False)

    @api.depends("month")
    def _compute_deadline(self):
        for backlog in self:
            backlog.deadline = backlog.month and backlog.month + relativedelta(day=31)

    @api.depends("explained_date", "deadline")
    def _compute_explained_on_time(self):
        for backlog in self:
            backlog.explained_on_time = bool(
                backlog.explained_date and backlog.explained_date <= backlog.deadline
            )

    def write(self, vals):
        """The responsible manager is not changed by the manager himself."""
        if "user_id" in vals and not self._is_director():
            raise AccessError(
                self.env._("Only a Business Director changes the responsible manager.")
            )
        return super().write(vals)

    def action_explain(self):
        """The responsible manager files the reason and the action plan."""
        if not self._is_director() and any(b.user_id != self.env.user for b in self):
            raise AccessError(
                self.env._("Only the responsible manager explains an inventory backlog.")
            )
        for backlog in self:
            if backlog.state != "to_explain":
                raise UserError(
                    self.env._(
                        "%(product)s is already explained.", product=backlog.product_id.display_name
                    )
                )
            if not (backlog.reason or "").strip() or not (backlog.action_plan or "").strip():
                raise UserError(
                    self.env._(
                        "Give the reason and the action plan of the backlog of %(product)s.",
                        product=backlog.product_id.display_name,
                    )
                )
        self._business_workflow_write(
            {"state": "explained", "explained_date": fields.Date.context_today(self)}
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self.request_validation()
        return True

    def action_review(self):
        """The director reviews the explanation (his tier)."""
        self._check_explained()
        return self._business_validate()

    def action_send_back(self, comment=None):
        """The director sends an explanation back to the manager with a comment (his tier
        rejected); without one, the comment dialog asks for it."""
        self._check_explained()
        if comment is None:
            self.ensure_one()
            return self.reject_tier()
        return self._business_reject(comment)

    @api.model
    def action_generate(self):
        """Button: find this month's backlog of the current company."""
        if not self._is_director():
            raise AccessError(self.env._("Only a Business Director runs the backlog check."))
        self.sudo()._generate_backlog(self.env.company)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _is_director(self):
        return self.env.su or self.env.user.has_group("business_dept.group_business_director")

    # Tier validation: the director's review; the explainer never reviews it.
    def _business_tier_requester(self):
        return self.user_id or self.env.user

    def _business_tier_requesters(self):
        return self.user_id

    def _business_tier_validated(self, reviews):
        if self.validation_status == "validated":
            self._business_workflow_write(
                {
                    "state": "reviewed",
                    "reviewed_by_id": self.env.user.id,
                    "reviewed_date": fields.Date.context_today(self),
                }
            )

    def _business_tier_rejected(self, reviews, comment):
        """Sent back to the manager with the comment."""
        self._business_tier_restart()
        self._business_workflow_write({"state": "to_explain", "explained_date": False})
        self._schedule_reminder()

    def _check_explained(self):
        if any(backlog.state != "explained" for backlog in self):
            raise UserError(self.env._("Only an explained backlog can be reviewed or sent back."))

    @api.model
    def _cron_generate_backlog(self):
        for company in self.env["res.company"].search([]):
            self._generate_backlog(company)

    @api.model
    def _business_hand_over(self, users, gone):
        """A backlog still to explain (库存积压说明) by a manager who left (archived, or no
        longer in the company) goes to the salesperson of the last order of the product
        sold by someone still at work, else to the Business Director; its to-do follows
        (``mail.activity._business_hand_over``). ``gone``: users being archived."""
        backlogs = self.sudo().search([("user_id", "in", users.ids), ("state", "=", "to_explain")])
        for company, records in backlogs.grouped("company_id").items():
            left = records.filtered(
                lambda b, company=company: not company._business_at_work(b.user_id, gone)
            )
            sellers = self._last_salespeople(company, left.product_id, gone)
            for backlog in left:
                owner = sellers.get(backlog.product_id.id) or company._business_director(gone).id
                if owner:
                    backlog.user_id = owner

    def _schedule_reminder(self):
        for backlog in self.filtered("user_id"):
            backlog.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=backlog.deadline,
                user_id=backlog.user_id.id,
                summary=self.with_context(lang=backlog.user_id.lang).env._(
                    "Explain the inventory backlog"
                ),
            )

    @api.model
    def _last_salespeople(self, company, products, gone=None):
        """{product id: salesperson of the last confirmed order that sold it}, among the
        users still at work in ``company`` (active, allowed in it); a product whose sellers
        all left goes to the company's Business Director (离职交接). ``gone``: users being
        archived, no longer at work."""
        if not products:
            return {}
        self.env["sale.order.line"].flush_model(["product_id", "order_id"])
        self.env["sale.order"].flush_model(["state", "user_id", "date_order", "company_id"])
        self.env["res.users"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (sol.product_id) sol.product_id, so.user_id,
                       COALESCE(u.active AND cu.cid IS NOT NULL AND u.id != ALL(%s), FALSE)
                       AS at_work
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_users u ON u.id = so.user_id
             LEFT JOIN res_company_users_rel cu
                    ON cu.user_id = so.user_id AND cu.cid = so.company_id
                 WHERE so.state = 'sale' AND so.company_id = %s
                   AND sol.product_id IN %s
              ORDER BY sol.product_id, 3 DESC, so.date_order DESC, so.id DESC
                """,
                (gone or self.env["res.users"]).ids,
                company.id,
                tuple(products.ids),
            )
        )
        rows = self.env.cr.fetchall()
        director = company._business_director(gone).id or False
        return {
            product_id: user_id if at_work else director for product_id, user_id, at_work in rows
        }

    @api.model
    def _backlog_quantities(self, company, today):
        """Backlog of ``company`` on its local day ``today``, first in, first out.

        Returns ``[(product id, quantity, oldest incoming datetime)]``.

        Definition (库存积压, 入库超过N个月), in one query over the done stock move
        lines of the company's storable products up to the end of ``today``:

        - *in*: a line entering an internal location of the company from a location
          that is not one (supplier, customer return, inventory adjustment,
          production, transit, another company); *out*: a line leaving an internal
          location of the company to a location that is not one. Moves between two
          internal locations (put-away, pick, pack, inter-warehouse without transit)
          change nothing: the units keep their age.
        - Outgoing quantities consume the oldest incoming units first: ordered by
          date, the receipts of a product (per lot for lot-tracked products: the lot
          says which units left, FIFO decides only among units of the same lot)
          are consumed up to the total outgoing quantity; what remains of receipt
          *i* is ``min(qty_i, max(0, cumulated_in_i - total_out))`` (a running sum,
          window function).
        - A customer return is an incoming line: the returned units are dated from
          the return.
        - Backlog = the remaining units of the receipts whose local day (company time
          zone, ``res.company._business_local_sql``) is before ``today`` minus
          ``backlog_months`` months: received *more than* N months ago. The date
          shown is the receipt of the oldest units still on hand.
        """
        cutoff = today - relativedelta(months=company.backlog_months)
        until = company._business_utc_start(today + relativedelta(days=1))
        self._backlog_flush()
        self.env.cr.execute(
            SQL(
                """
                WITH line AS (%(lines)s), receipt AS (
                    SELECT product_id, lot_id, date, qty,
                           SUM(qty) OVER (PARTITION BY product_id, lot_id
                                              ORDER BY date, id) AS cumulated
                      FROM line
                     WHERE incoming
                ), issued AS (
                    SELECT product_id, lot_id, SUM(qty) AS qty
                      FROM line
                     WHERE NOT incoming
                  GROUP BY product_id, lot_id
                ), remaining AS (%(remaining)s)
                SELECT product_id, SUM(qty), MIN(date)
                  FROM remaining
                 WHERE qty > 0
              GROUP BY product_id
              ORDER BY product_id
                """,
                lines=self._backlog_lines_sql(company, until),
                remaining=self._backlog_remaining_sql(company, cutoff),
            )
        )
        return self.env.cr.fetchall()

    def _backlog_flush(self):
        self.env["stock.move.line"].flush_model(
            [
                "state",
                "company_id",
                "date",
                "product_id",
                "lot_id",
                "location_id",
                "location_dest_id",
                "quantity_product_uom",
            ]
        )
        self.env["stock.location"].flush_model(["usage", "company_id"])
        self.env["product.template"].flush_model(["is_storable"])

    @api.model
    def _backlog_lines_sql(self, company, until):
        """The done move lines of the company's storable products before ``until`` that
        enter (``incoming``) or leave its internal locations."""
        src_internal = SQL(
            "COALESCE(src.usage = 'internal' AND src.company_id = %s, FALSE)", company.id
        )
        dst_internal = SQL(
            "COALESCE(dst.usage = 'internal' AND dst.company_id = %s, FALSE)", company.id
        )
        return SQL(
            """
            SELECT sml.id, sml.product_id, sml.lot_id, sml.date,
                   sml.quantity_product_uom AS qty, %(dst_internal)s AS incoming
              FROM stock_move_line sml
              JOIN stock_location src ON src.id = sml.location_id
              JOIN stock_location dst ON dst.id = sml.location_dest_id
              JOIN product_product pp ON pp.id = sml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sml.state = 'done' AND pt.is_storable
               AND sml.company_id = %(company)s AND sml.date < %(until)s
               AND %(src_internal)s <> %(dst_internal)s
            """,
            dst_internal=dst_internal,
            src_internal=src_internal,
            company=company.id,
            until=until,
        )

    @api.model
    def _backlog_remaining_sql(self, company, cutoff):
        """What remains of each receipt received before the local day ``cutoff``."""
        local_date = self.env["res.company"]._business_local_sql(SQL("receipt.date"), SQL("tz.tz"))
        return SQL(
            """
            SELECT receipt.product_id, receipt.date,
                   LEAST(receipt.qty,
                         GREATEST(receipt.cumulated - COALESCE(issued.qty, 0), 0)) AS qty
              FROM receipt
         LEFT JOIN issued ON issued.product_id = receipt.product_id
                         AND issued.lot_id IS NOT DISTINCT FROM receipt.lot_id
              JOIN %(tz)s tz ON tz.company_id = %(company)s
             WHERE (%(local_date)s)::date < %(cutoff)s
            """,
            tz=self.env["res.company"]._business_tz_sql(),
            company=company.id,
            local_date=local_date,
            cutoff=cutoff,
        )

    @api.model
    def _generate_backlog(self, company, today=None):
        """Create or refresh this month's backlog records of ``company``; ``today``
        is a day of the company's calendar (default: its local today)."""
        today = today or company._business_local_today()
        month = today.replace(day=1)
        rows = self._backlog_quantities(company, today)
        products = self.env["product.product"].browse([row[0] for row in rows])
        salespeople = self._last_salespeople(company, products)
        existing = {
            backlog.product_id: backlog
            for backlog in self.search([("company_id", "=", company.id), ("month", "=", month)])
        }
        costs = products.with_company(company)
        vals_list = []
        for product, (__, remaining, in_date) in zip(costs, rows, strict=True):
            quantity = float(remaining)
            vals = {
                "quantity": quantity,
                "value": company.currency_id.round(quantity * product.standard_price),
                "in_date": in_date,
                "age_days": (today - company._business_local_date(in_date)).days,
            }
            if product in existing:
                if existing[product].state == "to_explain":
                    existing[product].write(vals)
                continue
            vals.update(
                company_id=company.id,
                month=month,
                product_id=product.id,
                user_id=salespeople.get(product.id, False),
            )
            vals_list.append(vals)
        created = self.create(vals_list)
        created._schedule_reminder()
        return created
