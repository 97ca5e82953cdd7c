from odoo.addons.account.controllers.portal import PortalAccount
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route


class BusinessPortalAccount(PortalAccount):
    """An invoice viewed or downloaded by the customer on the portal is delivered
    (发票送达, fully digital invoices) — not when an internal user previews it."""

    @route()
    def portal_my_invoice_detail(
        self, invoice_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            invoice_sudo = None
        # portal and public users (an access token in the link) are the customer's side
        if invoice_sudo and request.env.user.share:
            invoice_sudo._business_mark_delivered()
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
