from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.business_customer_statement_customer import StatementChangedError


class BusinessStatementPortal(CustomerPortal):
    """The customer's statements of account (客户对账单) on the portal: the customer's
    contacts (portal users of the customer's company) read them and confirm or dispute
    them line by line. Another customer's contact gets a 404."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "statement_count" in counters:
            Statement = request.env["business.customer.statement"]
            values["statement_count"] = (
                Statement.search_count(self._statement_domain())
                if Statement.has_access("read")
                else 0
            )
        return values

    def _statement_domain(self):
        partner = request.env.user.partner_id
        return [("partner_id", "=", partner.commercial_partner_id.id), ("state", "!=", "draft")]

    @http.route(
        ["/my/statements", "/my/statements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_statements(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Statement = request.env["business.customer.statement"]
        domain = self._statement_domain()
        pager = portal_pager(
            url="/my/statements",
            total=Statement.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        statements = Statement.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values.update(
            {
                "statements": statements,
                "pager": pager,
                "page_name": "statement",
                "default_url": "/my/statements",
            }
        )
        return request.render("business_dept.portal_my_statements", values)

    def _statement_or_404(self, statement_id, access_token=None):
        """The statement (sudo) if the user may see it; a draft (prepared, or sent back
        by finance) is the department's only: not shown through the emailed link."""
        try:
            statement_sudo = self._document_check_access(
                "business.customer.statement", statement_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if statement_sudo.state == "draft" and not request.env.user._is_internal():
            raise request.not_found()
        return statement_sudo

    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="public", website=True)
    def portal_my_statement(self, statement_id, access_token=None, message=None, error=None, **kw):
        statement_sudo = self._statement_or_404(statement_id, access_token)
        values = self._get_page_view_values(
            statement_sudo,
            access_token,
            {
                "statement": statement_sudo,
                "page_name": "statement",
                "message": message,
                "error": error,
                # confirming or disputing needs the customer's contact, logged in
                "can_answer": statement_sudo.state == "sent"
                and not request.env.user._is_public()
                and request.env.user.partner_id.commercial_partner_id == statement_sudo.partner_id,
            },
            "my_statements_history",
            False,
        )
        return request.render("business_dept.portal_my_statement", values)

    def _answer(self, statement_id, action, **kw):
        """Confirm or dispute as the logged-in contact of the statement's customer (the
        record rules decide: another customer's contact gets a 404)."""
        statement_sudo = self._statement_or_404(statement_id)
        partner = request.env.user.partner_id
        url = f"/my/statements/{statement_id}"
        try:
            if action == "confirm":
                statement_sudo._portal_confirm(partner)
            else:
                notes = {line.id: kw.get(f"note_{line.id}", "") for line in statement_sudo.line_ids}
                statement_sudo._portal_dispute(partner, notes)
        except AccessError:
            raise request.not_found() from None
        except UserError as error:
            request.env.cr.rollback()
            request.env.invalidate_all()
            if isinstance(error, StatementChangedError):
                # the customer is told in his words, the department gets the details
                self._report_changed(statement_sudo, partner, error.changes)
            return self.portal_my_statement(statement_id, error=error.args[0])
        return request.redirect(f"{url}?message={action}")

    def _report_changed(self, statement_sudo, partner, changes):
        """The customer's contact tried to confirm the statement changed since sent: the
        salesperson gets a to-do with the lines that changed (else a note in the chatter)."""
        env = request.env
        note = env._(
            "%(contact)s tried to confirm %(name)s on the portal, but it changed since it was "
            "sent; send it again:\n%(changes)s",
            contact=partner.name,
            name=statement_sudo.name,
            changes="\n".join(f"- {change}" for change in changes),
        )
        if statement_sudo.user_id:
            statement_sudo.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=statement_sudo.user_id.id,
                summary=env._("Customer tried to confirm a changed statement"),
                note=note,
            )
        else:
            statement_sudo.message_post(body=note, subtype_xmlid="mail.mt_note")

    @http.route(
        ["/my/statements/<int:statement_id>/confirm"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_statement_confirm(self, statement_id, **kw):
        return self._answer(statement_id, "confirm")

    @http.route(
        ["/my/statements/<int:statement_id>/dispute"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_statement_dispute(self, statement_id, **kw):
        return self._answer(statement_id, "dispute", **kw)
