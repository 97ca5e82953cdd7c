"""The department's printed forms (表单): one header and one signature block
(编制/日期 · 审核/日期 · 批准/日期) for every form."""

from odoo import api, fields, models
from odoo.tools import format_date


class ReportBusinessPrintedForm(models.AbstractModel):
    """Helpers of the printed forms, called from their QWeb templates.

    A step of the signature block is a dict: ``label``, ``name`` (who), ``date`` (the
    day, in the company's time zone, as text), ``image`` (his signature or seal, only for
    a step done), ``rejected`` and ``comment``. A step not yet done is an empty box.
    """

    _name = "report.business_dept.printed_form"
    _description = "Printed Forms: Header and Signature Block"

    # ------------------------------------------------------------ header
    @api.model
    def _form_code(self, report_xmlid):
        """The form code (表单编号) the company set on the report action."""
        report = self.env.ref(report_xmlid, raise_if_not_found=False)
        return report.sudo().business_form_code if report else False

    @api.model
    def _check_printable(self, records):
        """Never a form of a record the user may not read (the report's access check)."""
        records.check_access("read")
        return True

    # ------------------------------------------------------------ dates
    @api.model
    def _date(self, company, value):
        """The company's local day of a stored datetime (or a date), in the user's
        language; empty for no value."""
        if not value:
            return ""
        day = company._business_local_date(value)
        return format_date(self.env, day)

    # ------------------------------------------------------------ steps
    @api.model
    def _labels(self):
        return {
            "prepared": self.env._("Prepared by / Date"),
            "checked": self.env._("Checked by / Date"),
            "approved": self.env._("Approved by / Date"),
        }

    @api.model
    def _step(self, label, company, user=None, when=None, name=None, rejected=False, comment=""):
        """One box of the signature block: ``user`` did it on ``when`` (a box without
        ``when`` is empty: the step has not happened)."""
        done = bool(when)
        user = user.sudo() if user else user
        return {
            "label": label,
            "name": (name or (user.name if user else "")) if done else "",
            "date": self._date(company, when) if done else "",
            # the image of a step done, never of a step to come
            "image": user.business_signature if done and user and not rejected else False,
            "rejected": done and rejected,
            "comment": comment or "" if done else "",
        }

    @api.model
    def _review_step(self, label, company, review):
        review = review.sudo()
        if review.status == "approved":
            # 代理审批: "substitute for reviewer"
            return self._step(
                label,
                company,
                review.done_by,
                review.reviewed_date,
                name=review.business_done_by_label,
            )
        if review.status == "rejected":
            return self._step(
                label,
                company,
                review.done_by,
                review.reviewed_date or review.write_date,
                rejected=True,
                comment=review.comment,
            )
        return self._step(label, company)

    @api.model
    def _tier_steps(self, record, prepared_by, prepared_on, single="checked"):
        """编制 then the tiers of the record's tier validation in their order: every tier
        but the last is 审核, the last 批准; a single tier fills the ``single`` box
        (``checked`` or ``approved``) and leaves the other one empty. Tiers added in
        Settings are printed without code. Before any review is requested: empty
        审核 and 批准 boxes."""
        self._check_printable(record)
        labels = self._labels()
        company = record.company_id or self.env.company
        steps = [self._step(labels["prepared"], company, prepared_by, prepared_on)]
        reviews = record.sudo().review_ids.sorted(lambda r: (r.sequence, r.id))
        if not reviews:
            steps += [self._step(labels[box], company) for box in ("checked", "approved")]
        elif len(reviews) == 1:
            other = "approved" if single == "checked" else "checked"
            boxes = {
                single: self._review_step(labels[single], company, reviews),
                other: self._step(labels[other], company),
            }
            steps += [boxes["checked"], boxes["approved"]]
        else:
            steps += [self._review_step(labels["checked"], company, r) for r in reviews[:-1]]
            steps.append(self._review_step(labels["approved"], company, reviews[-1]))
        return steps

    @api.model
    def _requested_on(self, record):
        """When the review of ``record`` was requested (its first review), else when the
        record was made."""
        return min(record.sudo().review_ids.mapped("create_date"), default=record.create_date)

    @api.model
    def _tier_opinions(self, record):
        """Each tier of the record with its reviewer, day, state and comment (the
        reviewers' opinions printed in the body of a form)."""
        self._check_printable(record)
        company = record.company_id or self.env.company
        status = dict(self.env["tier.review"]._fields["status"]._description_selection(self.env))
        return [
            {
                "tier": review.name or "",
                "name": review.business_done_by_label or "",
                "date": self._date(company, review.reviewed_date),
                "status": status.get(review.status, ""),
                "rejected": review.status == "rejected",
                "comment": review.comment or "",
            }
            for review in record.sudo().review_ids.sorted(lambda r: (r.sequence, r.id))
        ]

    # ------------------------------------------------------------ forms
    @api.model
    def _review_signer(self, order):
        """Who signed the business column of the order review (the General Manager): the
        button records him; an order signed before that field existed gives the author of
        the tracked change of its review start."""
        self._check_printable(order)
        order = order.sudo()
        if order.review_signed_user_id or not order.review_start_date:
            return order.review_signed_user_id
        field = self.env["ir.model.fields"]._get("sale.order", "review_start_date")
        tracking = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("field_id", "=", field.id),
                    ("mail_message_id.model", "=", "sale.order"),
                    ("mail_message_id.res_id", "=", order.id),
                ],
                order="id desc",
                limit=1,
            )
        )
        return tracking.mail_message_id.author_id.user_ids[:1]

    @api.model
    def _backlog_pages(self, backlogs):
        """库存积压原因及处理措施: one page per responsible manager and month, his written
        report (书面提交). 编制: the manager, when every product of the page is explained
        (the day of the last explanation); 审核: the director(s) when every explanation is
        reviewed (the day of the last review)."""
        self._check_printable(backlogs)
        labels = self._labels()
        pages = []
        groups = backlogs.sorted(lambda b: (b.month, b.user_id.name or "", b.product_id.id))
        for (month, user), records in groups.grouped(lambda b: (b.month, b.user_id)).items():
            company = records[:1].company_id
            explained = all(r.state in ("explained", "reviewed") for r in records)
            reviewed = all(r.state == "reviewed" for r in records)
            reviewers = records.sudo().reviewed_by_id
            prepared_on = max(records.mapped("explained_date"), default=False)
            reviewed_on = max(records.mapped("reviewed_date"), default=False)
            pages.append(
                {
                    "month": month,
                    "user": user,
                    "company": company,
                    "records": records,
                    "number": f"{month:%Y-%m} {user.name or ''}".strip(),
                    "steps": [
                        self._step(labels["prepared"], company, user, explained and prepared_on),
                        self._step(
                            labels["checked"],
                            company,
                            reviewers[:1] if len(reviewers) == 1 else None,
                            reviewed and reviewed_on,
                            name=", ".join(reviewers.mapped("name")),
                        ),
                    ],
                }
            )
        return pages

    @api.model
    def _delivery_notice_steps(self, picking):
        """《发货通知单》: 编制 the order's salesperson (the day the notice was made); 审核
        the Business Director when the order had an insert order (his tier of the last
        approved one), else an empty box."""
        self._check_printable(picking)
        labels = self._labels()
        company = picking.company_id
        order = picking.sudo().sale_id
        salesperson = order.user_id or picking.sudo().user_id or picking.create_uid
        steps = [self._step(labels["prepared"], company, salesperson, picking.create_date)]
        inserts = order.insert_order_ids.filtered(lambda r: r.state == "approved")
        director = self.env.ref("business_dept.group_business_director")
        reviews = inserts[-1:].review_ids.filtered(
            lambda r: r.status == "approved" and r.reviewer_group_id == director
        )[:1]
        if reviews:
            steps.append(self._review_step(labels["checked"], company, reviews))
        else:
            steps.append(self._step(labels["checked"], company))
        return steps

    @api.model
    def _survey_questions(self, survey):
        """《客户满意度调查表》: the six questions with their scores (False when blank)."""
        self._check_printable(survey)
        names = (
            "score_quotation",
            "score_technical",
            "score_quality",
            "score_delivery",
            "score_logistics",
            "score_service",
        )
        return [
            {
                "label": survey._fields[fname]._description_string(self.env),
                "score": survey[fname] or False,
            }
            for fname in names
        ]

    @api.model
    def _summary_pages(self, wizard):
        """《月度总结报告》: the figures of the XLSX (the wizard's own), one page for the
        department and one per manager: target vs actual, every KPI against its
        threshold. 编制: who prints it (today); 审核: who froze the month, when frozen."""
        wizard._check_summary_access()
        company = wizard.company_id
        columns = wizard._kpi_model()._kpi_columns()
        labels = wizard._kpi_labels()
        yes, below, no_data = self.env._("Met"), self.env._("Below"), self.env._("No data")

        def page(name, figures):
            kpis = []
            for rate, flag, threshold, __ in columns:
                unit = "" if threshold == "satisfaction_threshold" else "%"
                value = figures.get(rate)
                kpis.append(
                    {
                        "label": labels.get(rate, rate),
                        "threshold": f"{company[threshold]:.1f}{unit}",
                        "actual": "" if value is None else f"{value:.1f}{unit}",
                        "status": no_data if value is None else (yes if figures[flag] else below),
                        "ok": bool(value is not None and figures[flag]),
                    }
                )
            return {
                "name": name,
                "target": figures.get("target_amount") or 0.0,
                "output": figures.get("output_amount") or 0.0,
                "new_customers": int(figures.get("new_customers") or 0),
                "kpis": kpis,
            }

        pages = [page(self.env._("Department"), wizard._department_figures())]
        pages += [page(row.user_id.name or "", wizard._row_figures(row)) for row in wizard._rows()]
        labels_ = self._labels()
        frozen = self.env["business.kpi.snapshot"]._frozen(company, wizard.month)
        steps = [
            self._step(labels_["prepared"], company, self.env.user, fields.Datetime.now()),
            self._step(
                labels_["checked"],
                company,
                frozen[1] if frozen else None,
                frozen[0] if frozen else None,
            ),
            self._step(labels_["approved"], company),
        ]
        return {"pages": pages, "steps": steps, "month": wizard.month.strftime("%Y-%m")}
