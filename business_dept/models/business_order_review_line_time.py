from collections import defaultdict

from odoo import api, fields, models


class BusinessOrderReviewLine(models.Model):
    """Time of the departments' review: each department's share of the review time from
    the General Manager's signature (评审时间共4个工作日, 遇休息日相应延长), its reminder a
    working day before, the escalation when it is late."""

    _inherit = "business.order.review.line"

    @api.model
    def _business_open_reviews(self, orders):
        """A line per active department of each order's company, the start column answered
        by the signature; the reviewers of the others get an activity. Deadlines from one
        interval computation per calendar."""
        departments = self.env["business.review.department"].search(
            [("company_id", "in", orders.company_id.ids)]
        )
        by_company = defaultdict(list)
        for department in departments:
            by_company[department.company_id].append(department)
        # a company that switched every other department off reviews the two ends only
        # (the signature and the receipt), as before the review by department
        orders = orders.filtered(
            lambda o: any(not d.is_start for d in by_company.get(o.company_id, ()))
        )
        vals_list = []
        for calendar_orders, ends in self._business_share_ends(orders, by_company):
            for order, order_ends in zip(calendar_orders, ends, strict=True):
                vals_list += self._business_line_vals(
                    order, by_company[order.company_id], order_ends
                )
        lines = self.create(vals_list)
        lines.filtered(lambda line: line.state == "waiting")._business_schedule_reviewers()
        return lines

    @api.model
    def _business_share_ends(self, orders, by_company):
        """Per calendar: (orders, [{days: end of that many working days}]) for the shares
        of the departments and their reminders."""
        groups = defaultdict(list)
        for order in orders:
            groups[order.company_id.resource_calendar_id].append(order)
        for calendar, cal_orders in groups.items():
            counts = set()
            for order in cal_orders:
                for department in by_company[order.company_id]:
                    days = order._business_department_days(department)
                    counts |= {days, days - 1}
            counts.discard(0)
            if not calendar or not counts:
                yield cal_orders, [{} for __ in cal_orders]
                continue
            starts = [order.review_start_date for order in cal_orders]
            ends = calendar._business_deadlines_many(starts, sorted(counts))
            yield (
                cal_orders,
                [{days: ends[days][index] for days in counts} for index in range(len(cal_orders))],
            )

    @api.model
    def _business_line_vals(self, order, departments, ends):
        start = order.review_start_date
        vals_list = []
        for department in departments:
            days = order._business_department_days(department)
            vals = {
                "order_id": order.id,
                "department_id": department.id,
                "sequence": department.sequence,
                "required": department.required,
                "date_start": start,
                "review_date": order.company_id._business_local_date(start),
                "deadline": ends.get(days) or order.review_deadline,
                "reminder_date": ends.get(days - 1) or start,
            }
            if department.is_start:  # the GM's signature is this column's answer
                vals.update(
                    opinion="feasible",
                    answer_user_id=order.review_signed_user_id.id or self.env.uid,
                    answer_date=start,
                    answer_days=0.0,
                )
            vals_list.append(vals)
        return vals_list

    def _business_schedule_reviewers(self):
        activity_type = self.env.ref("business_dept.mail_activity_type_department_review")
        for line in self:
            company = line.company_id
            reviewers = line.department_id._business_reviewers(company)
            reviewers = reviewers or company._business_director()
            activities = self.env["mail.activity"]
            for user in reviewers:
                activities |= line.order_id.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=company._business_local_date(line.deadline)
                    or fields.Date.today(),
                    user_id=user.id,
                    summary=self.env._(
                        "Order review: %(department)s", department=line.department_id.name
                    ),
                )
            line.activity_ids = activities

    @api.model
    def _cron_business_department_reviews(self):
        """Hourly: a reminder to the department a working day before its share ends, and
        its head and the director told when it is late (one activity each, once)."""
        now = fields.Datetime.now()
        base = [
            ("state", "=", "waiting"),
            ("order_id.state", "=", "sale"),
            ("order_id.review_received_date", "=", False),
        ]
        due = self.search([*base, ("reminded", "=", False), ("reminder_date", "<=", now)])
        activity_type = self.env.ref("business_dept.mail_activity_type_department_review")
        for line in due:
            reviewers = line.department_id._business_reviewers(line.company_id)
            line.order_id.message_post(
                body=self.env._(
                    "Order review: %(department)s answers by %(date)s.",
                    department=line.department_id.name,
                    date=line.company_id._business_local_date(line.deadline),
                ),
                partner_ids=reviewers.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        due.write({"reminded": True})
        late = self.search([*base, ("escalated", "=", False), ("deadline", "<", now)])
        for line in late:
            company = line.company_id
            people = company._business_at_work(line.department_id.head_id)
            people |= company._business_director()
            for user in people:
                line.activity_ids |= line.order_id.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=company._business_local_today(),
                    user_id=user.id,
                    summary=self.env._(
                        "Late order review: %(department)s", department=line.department_id.name
                    ),
                )
        late.write({"escalated": True})
