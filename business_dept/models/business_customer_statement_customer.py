import hashlib

from odoo import Command, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config, float_compare

from .business_customer_statement import COLLECTOR, DISPUTE_ACTIVITY
from .business_customer_statement_collector import LINE_COLUMNS


class StatementChangedError(UserError):
    """A portal confirmation of a statement changed since it was sent: the message is
    the customer's, ``changes`` (the lines named) are for the department."""

    def __init__(self, message, changes):
        super().__init__(message)
        self.changes = changes


class BusinessCustomerStatement(models.Model):
    """The customer statement between the department and the customer (客户对账单): sent
    by e-mail with its template (PDF and XLSX), the fingerprint of what was sent and what
    changed since, the customer's reply (客户回签), his confirmation or his dispute
    (对账异议) line by line, recorded by the department or given on the portal."""

    # one rule of the statement per file (issue 23), merged by the registry
    _inherit = "business.customer.statement"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ sending
    def _statement_recipients(self):
        """Who gets the statement by email: the customer, or else its invoicing contacts
        that have an email address; refused when there is none (nothing is sent)."""
        self.ensure_one()
        customer = self.sudo().partner_id
        if customer.email:
            return customer
        contacts = customer.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        if not contacts:
            raise UserError(
                self.env._(
                    "%(customer)s has no email address, nor an invoice address with one: "
                    "statement %(name)s cannot be sent. Add one on the customer.",
                    customer=customer.display_name,
                    name=self.name,
                )
            )
        return contacts

    def _send_email(self, recipients=None):
        """Post the statement to ``recipients`` (else the customer) with its e-mail
        template, in the customer's language: the template attaches the statement as PDF
        and XLSX (its reports). A server without wkhtmltopdf cannot make PDFs (tests
        render them as HTML): the XLSX alone is sent then."""
        self.ensure_one()
        template = self.env.ref("business_dept.mail_template_customer_statement")
        record = self.sudo()
        record._portal_ensure_token()
        values = {}
        Report = self.env["ir.actions.report"].sudo()
        if not config["test_enable"] and Report.get_wkhtmltopdf_state() not in ("ok", "upgrade"):
            xlsx, __ = Report._render_xlsx("business_dept.customer_statement_xlsx", record.ids, {})
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{record.name.replace('/', '-')}.xlsx",
                    "raw": xlsx,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
            values["attachment_ids"] = [Command.set(attachment.ids)]
        return record.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=[Command.set((recipients or record.partner_id).ids)],
            # the template has no sender: the user sending it, as a message he posts
            author_id=self.env.user.partner_id.id,
            email_from=self.env.user.partner_id.email_formatted,
            **values,
        )

    def _reply_attachments(self):
        """The customer's reply (客户回签) to the statement as sent now: the attachments of
        the field, and those attached to the statement since it was sent (the paper clip
        of the chatter, a note, the customer's email), the statement's own files sent
        aside. A reply to an earlier sending does not count."""
        self.ensure_one()
        record = self.sudo()
        sent = record.sent_message_id
        if not sent:
            return record.reply_attachment_ids
        chatter = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("id", ">", max(sent.attachment_ids.ids, default=0)),
                ]
            )
        )
        return record.reply_attachment_ids | chatter

    def _archive_reply(self):
        """Move the customer's earlier reply to the chatter: a new confirmation needs a
        reply to the statement as sent now."""
        self.ensure_one()
        replies = self.sudo().reply_attachment_ids
        if not replies:
            return
        self.sudo().message_post(
            body=self.env._("The customer's earlier reply, replaced by the statement sent again."),
            attachment_ids=replies.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.sudo().reply_attachment_ids = [Command.clear()]

    # ------------------------------------------------------------------ changes since sent
    def _lines_fingerprint(self):
        """Fingerprint of the statement's lines (what the customer was sent). A line
        without goods (freight, service, down payment) is told by its order line; the
        lines of goods and entries are fingerprinted as they always were."""
        self.ensure_one()
        data = sorted(
            (
                line.line_type,
                line.stock_move_id.id or 0,
                line.move_id.id or 0,
                round(line.quantity, 4),
                round(line.price_unit, 4),
                round(line.amount, 2),
            )
            + ((line.sale_line_id.id,) if line.sale_line_id and not line.stock_move_id else ())
            for line in self.line_ids
        )
        return hashlib.sha256(repr(data).encode()).hexdigest()

    def _changed_lines(self):
        """Descriptions of what changed since the statement was sent: its lines whose
        delivery was returned, whose price or entry changed, and what is new in the
        period. Empty when nothing changed."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(self.env[COLLECTOR]._rows_sql(self, self.company_id))
        fresh = {}
        for row in self.env.cr.fetchall():
            values = dict(zip(LINE_COLUMNS + ("move_id",), row, strict=True))
            key = (values["stock_move_id"], values["move_id"], values["sale_line_id"])
            fresh[self._line_key(values["line_type"], *key)] = values
        changes = []
        if self.sent_fingerprint and self._lines_fingerprint() != self.sent_fingerprint:
            changes.append(self.env._("the lines were edited after sending"))
        for line in self.line_ids:
            key = (line.stock_move_id.id, line.move_id.id, line.sale_line_id.id)
            now = fresh.pop(self._line_key(line.line_type, *key), None)
            if now is None:
                changes.append(
                    self.env._("%(line)s: no longer in the period or invoiced", line=line._label())
                )
                continue
            if float_compare(float(now["quantity"] or 0.0), line.quantity, precision_digits=4):
                changes.append(
                    self.env._(
                        "%(line)s: quantity %(old)s, now %(new)s",
                        line=line._label(),
                        old=line.quantity,
                        new=float(now["quantity"] or 0.0),
                    )
                )
            elif float_compare(
                float(now["price_unit"] or 0.0), line.price_unit, precision_digits=4
            ):
                changes.append(
                    self.env._(
                        "%(line)s: unit price %(old)s, now %(new)s",
                        line=line._label(),
                        old=line.price_unit,
                        new=float(now["price_unit"] or 0.0),
                    )
                )
            elif float_compare(float(now["amount"] or 0.0), line.amount, precision_digits=2):
                changes.append(
                    self.env._(
                        "%(line)s: amount %(old)s, now %(new)s",
                        line=line._label(),
                        old=line.amount,
                        new=float(now["amount"] or 0.0),
                    )
                )
        for values in fresh.values():
            changes.append(self.env._("%(line)s: new in the period", line=values["name"]))
        return changes

    @api.model
    def _line_key(self, line_type, stock_move_id, move_id, sale_line_id):
        """What a line is, to compare the lines sent with the lines now: its stock move
        (goods delivered or returned), its journal entry, or else its order line (freight,
        service, down payment)."""
        moved = stock_move_id or None
        return (line_type, moved, move_id or None, None if moved else sale_line_id or None)

    def _check_unchanged(self):
        for statement in self:
            changes = statement._changed_lines()
            if changes:
                raise UserError(
                    self.env._(
                        "Statement %(name)s changed since it was sent; send it again before "
                        "it is confirmed:\n%(changes)s",
                        name=statement.name,
                        changes="\n".join(f"- {change}" for change in changes),
                    )
                )

    # ------------------------------------------------------------------ the customer's answer
    def _confirm(self, channel, contact):
        self._close_dispute_activities()
        for statement in self:
            statement._workflow_write(
                {
                    "state": "confirmed",
                    "confirmation_channel": channel,
                    "confirmed_date": statement.company_id._business_local_today(),
                    "confirmed_by_partner_id": (contact or statement.partner_id).id,
                    "confirmed_user_id": self.env.user.id,
                }
            )

    def _dispute(self, notes=None, author=None):
        """Record the customer's dispute; ``notes`` maps line ids (integers, or strings as
        they arrive in JSON) to notes; ``author`` is the portal contact posting it."""
        self._check_state("sent")
        notes = self._dispute_notes(notes)
        for statement in self:
            if notes:
                unknown = set(notes) - set(statement.line_ids.ids)
                if unknown:
                    raise UserError(
                        self.env._(
                            "Lines %(lines)s are not lines of %(name)s.",
                            lines=", ".join(map(str, sorted(unknown))),
                            name=statement.name,
                        )
                    )
                for line in statement.line_ids:
                    note = (notes.get(line.id) or "").strip()
                    line.sudo().dispute_note = note or False
            disputed = statement.line_ids.filtered(lambda line: (line.dispute_note or "").strip())
            if not disputed:
                raise UserError(
                    self.env._(
                        "Say which lines of %(name)s the customer disputes, with a note on each.",
                        name=statement.name,
                    )
                )
            statement._workflow_write({"state": "disputed"})
            statement.sudo().message_post(
                body=self.env._(
                    "Disputed by the customer: %(lines)s",
                    lines="; ".join(f"{line._label()}: {line.dispute_note}" for line in disputed),
                ),
                author_id=author.id if author else self.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            if statement.user_id:
                statement.sudo().activity_schedule(
                    DISPUTE_ACTIVITY,
                    user_id=statement.user_id.id,
                    summary=self.with_context(lang=statement.user_id.lang).env._(
                        "Statement disputed by the customer"
                    ),
                )
        return True

    def _dispute_notes(self, notes):
        """The dispute notes keyed by line id as an integer: JSON sends the keys as
        strings; a key that is no line id is refused by name."""
        if not notes:
            return notes
        result = {}
        for key, note in notes.items():
            try:
                result[int(key)] = note
            except (TypeError, ValueError):
                raise UserError(
                    self.env._("%(key)s is not a statement line id.", key=key)
                ) from None
        return result

    def _close_dispute_activities(self):
        """The 「Statement disputed by the customer」 activities are done once the
        statement is sent again or confirmed (one search for all the statements)."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self.env.ref(DISPUTE_ACTIVITY).id),
                ]
            )
        )
        activities.action_feedback(
            feedback=self.env._("The statement was sent again or confirmed.")
        )

    def _portal_check_contact(self, partner):
        """The portal user acting is a contact of the statement's customer."""
        self.ensure_one()
        if partner.commercial_partner_id != self.partner_id:
            raise AccessError(self.env._("This statement is not one of your company's."))

    def _portal_confirm(self, partner):
        """The customer's contact confirms the statement on the portal."""
        self._portal_check_contact(partner)
        self._check_state("sent")
        changes = self._changed_lines()
        if changes:
            raise StatementChangedError(
                self.env._(
                    "This statement has changed since it was sent to you; the sales "
                    "department will send you an updated one."
                ),
                changes,
            )
        self._confirm("portal", partner)
        self.sudo().message_post(
            body=self.env._("Confirmed on the portal by %(contact)s.", contact=partner.name),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _portal_dispute(self, partner, notes):
        """The customer's contact disputes lines on the portal, each with a note, posted
        in the contact's name."""
        self._portal_check_contact(partner)
        return self._dispute(notes, author=partner)
